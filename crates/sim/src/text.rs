//! Note, comment, name and bio text, filled from the templates in [`crate::vocab`].

use std::collections::HashSet;

use rand_chacha::ChaCha8Rng;

use crate::rng::{Draw, Stream, rng};
use crate::vocab::{self, Common, Lang};
use crate::{Community, Topic, Violation};

/// The two note languages of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum L {
    Zh,
    En,
}

impl L {
    pub(crate) fn tag(self) -> &'static str {
        match self {
            L::Zh => crate::ZH_CN,
            L::En => crate::EN,
        }
    }

    pub(crate) fn of_tag(tag: &str) -> L {
        if tag.starts_with("zh") { L::Zh } else { L::En }
    }

    pub(crate) fn other(self) -> L {
        match self {
            L::Zh => L::En,
            L::En => L::Zh,
        }
    }

    pub(crate) fn common(self) -> &'static Common {
        match self {
            L::Zh => &vocab::ZH,
            L::En => &vocab::EN,
        }
    }

    pub(crate) fn of(self, t: Topic) -> &'static Lang {
        let v = vocab::topic(t);
        match self {
            L::Zh => &v.zh,
            L::En => &v.en,
        }
    }

    /// What goes between two sentences.
    fn joiner(self) -> &'static str {
        match self {
            L::Zh => "",
            L::En => " ",
        }
    }
}

/// Fills template slots. Structural choices and most slots come from `fixed`; the slots that vary
/// between a formulaic poster's near-copies (`{n}`, `{e}`, `{y}`, `{wx}`, `{url}`) come from `free`
/// when there is one.
struct Filler<'a> {
    fixed: &'a mut ChaCha8Rng,
    free: Option<&'a mut ChaCha8Rng>,
    lang: L,
    topic: Topic,
    mixed: bool,
    topic_names: (&'static str, &'static str),
    /// The note's main item: every `{x}` of one text names the same thing.
    x: Option<&'static str>,
    /// Likewise one city per text, from the writer's home language (a resident writing English
    /// still lives in a Chinese city).
    place: Option<&'static str>,
    home: L,
    /// Start sentences with a capital (notes); comments stay casual.
    capitalise: bool,
    last_item: &'static str,
}

const SPAM_DOMAINS: &[&str] =
    &["free-followers.example", "vx-bonus.example", "get-rich.example", "promo-link.example"];

impl<'a> Filler<'a> {
    fn new(fixed: &'a mut ChaCha8Rng, lang: L, topic: Topic) -> Self {
        Self {
            fixed,
            free: None,
            lang,
            topic,
            mixed: false,
            topic_names: ("", ""),
            x: None,
            place: None,
            home: lang,
            capitalise: true,
            last_item: "",
        }
    }

    fn free(&mut self) -> &mut ChaCha8Rng {
        match self.free.as_deref_mut() {
            Some(r) => r,
            None => self.fixed,
        }
    }

    fn fill(&mut self, template: &str, out: &mut String) {
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let Some(j) = after.find('}') else {
                out.push_str(&rest[i..]);
                return;
            };
            self.slot(&after[..j], out);
            rest = &after[j + 1..];
        }
        out.push_str(rest);
    }

    fn item(&mut self, varied: bool) -> &'static str {
        // Language-exchange items are the language being learnt: swapping them would invert it.
        let swap = self.mixed && self.topic != Topic::LanguageExchange && self.fixed.chance(0.5);
        let lang = if swap { self.lang.other() } else { self.lang };
        let items = lang.of(self.topic).items;
        let (last, x) = (self.last_item, self.x);
        let r = if varied { self.free() } else { &mut *self.fixed };
        let mut it = r.word(items);
        if it == last || Some(it) == x {
            it = r.word(items);
        }
        self.last_item = it;
        it
    }

    fn slot(&mut self, name: &str, out: &mut String) {
        let c = self.lang.common();
        match name {
            "x" => {
                let x = match self.x {
                    Some(x) => x,
                    None => {
                        let x = self.item(false);
                        self.x = Some(x);
                        x
                    }
                };
                self.last_item = x;
                out.push_str(x);
            }
            "y" => out.push_str(self.item(true)),
            "adj" => out.push_str(self.fixed.word(c.adj)),
            "place" => {
                let place = match self.place {
                    Some(p) => p,
                    None => self.fixed.word(self.home.common().places),
                };
                self.place = Some(place);
                out.push_str(place);
            }
            "friend" => out.push_str(self.fixed.word(c.friends)),
            "slang" => out.push_str(self.fixed.word(c.slang)),
            "job" => out.push_str(self.fixed.word(c.jobs)),
            "time" => out.push_str(self.fixed.word(c.times)),
            "topic" => out.push_str(self.topic_names.0),
            "topic2" => out.push_str(self.topic_names.1),
            "n" => {
                let n = self.free().between(2, 30);
                out.push_str(&n.to_string());
            }
            "price" => {
                let (lo, hi) = if self.lang == L::Zh { (15, 399) } else { (6, 150) };
                let n = self.fixed.between(lo, hi);
                out.push_str(c.currency);
                out.push_str(&n.to_string());
            }
            "e" => {
                let emoji = vocab::topic(self.topic).emoji;
                out.push_str(self.free().word(emoji));
            }
            "wx" => {
                out.push_str("wx_");
                push_code(self.free(), 7, out);
            }
            "url" => {
                let r = self.free();
                out.push_str("https://");
                out.push_str(r.word(SPAM_DOMAINS));
                out.push('/');
                push_code(r, 6, out);
            }
            _ => {}
        }
    }

    /// One sentence, with a word of the other language dropped in when the text is mixed.
    fn sentence(&mut self, template: &str, out: &mut String) {
        let start = out.len();
        self.fill(template, out);
        if self.capitalise {
            capitalise_at(out, start);
        }
        // Chinese runs sentences together, but two latin words must not fuse ("tbh" + "xswl").
        let glued = out[..start].ends_with(|c: char| c.is_ascii_alphanumeric())
            && out[start..].starts_with(|c: char| c.is_ascii_alphanumeric());
        if glued {
            out.insert(start, ' ');
        }
        if self.mixed && self.fixed.chance(0.35) {
            let word = self.fixed.word(self.lang.other().common().mix_in);
            if self.lang == L::En {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
}

/// Upper-case an ASCII letter starting the text at byte `at` ("the SAT is…" → "The SAT is…").
fn capitalise_at(s: &mut String, at: usize) {
    if let Some(b) = s.as_bytes().get(at)
        && b.is_ascii_lowercase()
    {
        s[at..at + 1].make_ascii_uppercase();
    }
}

fn push_code(r: &mut ChaCha8Rng, len: usize, out: &mut String) {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    for _ in 0..len {
        out.push(char::from(*r.pick(ALPHABET)));
    }
}

/// What kind of note to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Normal,
    /// A newcomer's first note.
    Intro,
    Spam,
    /// A normal note with an abusive line in it.
    Abuse,
    /// A near-copy of the personal template with this id.
    Formulaic(u32),
}

pub(crate) struct NoteSpec {
    pub topic: Topic,
    pub lang: L,
    pub mixed: bool,
    pub style: Style,
    /// The author's two main interests (intro posts name them).
    pub interests: (Topic, Topic),
    /// The author's first language.
    pub home: L,
}

pub(crate) struct NoteDraft {
    pub title: String,
    pub text: String,
    pub tags: Vec<&'static str>,
    pub violation: Option<Violation>,
}

/// Sentence counts 1..=6, weighted toward 2–4.
const SENTENCE_WEIGHTS: [f64; 6] = [1.0, 3.0, 3.0, 2.0, 1.0, 1.0];

/// Write note `id`'s text.
pub(crate) fn note(seed: u64, id: u64, spec: &NoteSpec) -> NoteDraft {
    let mut note_rng = rng(seed, Stream::NoteText, id);
    match spec.style {
        Style::Formulaic(template) => {
            let mut fixed = rng(seed, Stream::Template, u64::from(template));
            let mut f = Filler::new(&mut fixed, spec.lang, spec.topic);
            f.free = Some(&mut note_rng);
            formulaic(&mut f)
        }
        _ => {
            let mut f = Filler::new(&mut note_rng, spec.lang, spec.topic);
            f.mixed = spec.mixed;
            f.home = spec.home;
            f.topic_names =
                (spec.lang.of(spec.interests.0).name, spec.lang.of(spec.interests.1).name);
            match spec.style {
                Style::Intro => intro(&mut f),
                Style::Spam => spam(&mut f),
                _ => normal(&mut f, spec.style == Style::Abuse),
            }
        }
    }
}

fn normal(f: &mut Filler<'_>, abuse: bool) -> NoteDraft {
    let lang = f.lang;
    let l = lang.of(f.topic);
    let c = lang.common();
    let mut title = String::new();
    if abuse && f.fixed.chance(0.4) {
        title.push_str(f.fixed.word(c.abuse_titles));
    } else {
        let t = f.fixed.word(l.titles);
        f.fill(t, &mut title);
    }
    let mut text = String::new();
    if f.fixed.chance(0.25) {
        text.push_str(f.fixed.word(c.openers));
        text.push_str(lang.joiner());
    }
    let count = f.fixed.weighted(&SENTENCE_WEIGHTS) + 1;
    let mut sentences: Vec<&str> = distinct(f.fixed, l.sentences.len(), count)
        .into_iter()
        .map(|i| if f.fixed.chance(0.12) { f.fixed.word(c.daily) } else { l.sentences[i] })
        .collect();
    // A personal detail (when, where, with whom), beside the topic's sentences.
    if sentences.len() < 6 && f.fixed.chance(0.6) {
        let at = 1 + f.fixed.index(sentences.len());
        sentences.insert(at.min(sentences.len()), f.fixed.word(c.details));
    }
    let abuse_at = if abuse { Some(f.fixed.index(sentences.len() + 1)) } else { None };
    for (k, template) in sentences.iter().enumerate() {
        if abuse_at == Some(k) {
            push_abuse(f, &mut text);
        }
        if k > 0 {
            text.push_str(if k == 3 { "\n" } else { lang.joiner() });
        }
        f.sentence(template, &mut text);
    }
    if abuse_at == Some(sentences.len()) {
        push_abuse(f, &mut text);
    }
    if f.fixed.chance(0.2) {
        text.push_str(lang.joiner());
        text.push_str(f.fixed.word(c.slang));
    }
    if f.fixed.chance(0.25) {
        text.push_str(lang.joiner());
        let closer = f.fixed.word(c.closers);
        f.fill(closer, &mut text);
    }
    let mut tags = pick_tags(f.fixed, l.tags, 1, 4);
    if f.mixed || f.fixed.chance(0.15) {
        let other = lang.other().of(f.topic).tags;
        let t = f.fixed.word(other);
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    finish(title, text, tags, abuse.then_some(Violation::Abuse))
}

fn push_abuse(f: &mut Filler<'_>, text: &mut String) {
    let c = f.lang.common();
    if !text.is_empty() {
        text.push_str(f.lang.joiner());
    }
    text.push_str(f.fixed.word(c.abuse));
    text.push_str(if f.lang == L::Zh { "！" } else { "." });
}

fn intro(f: &mut Filler<'_>) -> NoteDraft {
    let c = f.lang.common();
    let mut title = String::new();
    let t = f.fixed.word(c.intro_titles);
    f.fill(t, &mut title);
    let mut text = String::new();
    let count = 2 + f.fixed.index(3);
    for (k, i) in distinct(f.fixed, c.intro_sentences.len(), count).into_iter().enumerate() {
        if k > 0 {
            text.push_str(f.lang.joiner());
        }
        f.sentence(c.intro_sentences[i], &mut text);
    }
    let tags = pick_tags(f.fixed, c.intro_tags, 1, 3);
    finish(title, text, tags, None)
}

fn spam(f: &mut Filler<'_>) -> NoteDraft {
    let c = f.lang.common();
    let title = f.fixed.word(c.spam_titles).to_owned();
    let mut text = String::new();
    let count = 1 + f.fixed.index(3);
    for (k, i) in distinct(f.fixed, c.spam_sentences.len(), count).into_iter().enumerate() {
        if k > 0 {
            text.push('\n');
        }
        f.fill(c.spam_sentences[i], &mut text);
    }
    let mut tags = pick_tags(f.fixed, c.spam_tags, 3, 5);
    tags.extend(pick_tags(f.fixed, f.lang.of(f.topic).tags, 1, 2));
    finish(title, text, tags, Some(Violation::Spam))
}

/// A formulaic poster's note: every structural choice and most slots come from the template's
/// own generator, so two notes of one template differ only in the varied slots.
fn formulaic(f: &mut Filler<'_>) -> NoteDraft {
    let lang = f.lang;
    let l = lang.of(f.topic);
    let c = lang.common();
    let mut title = String::new();
    let t = f.fixed.word(l.formula_titles);
    f.fill(t, &mut title);
    let mut text = String::new();
    let count = 2 + f.fixed.index(3);
    for (k, i) in distinct(f.fixed, l.sentences.len(), count).into_iter().enumerate() {
        if k > 0 {
            text.push_str(lang.joiner());
        }
        f.sentence(l.sentences[i], &mut text);
    }
    text.push_str(lang.joiner());
    let closer = f.fixed.word(c.closers);
    f.fill(closer, &mut text);
    let tags = pick_tags(f.fixed, l.tags, 2, 4);
    finish(title, text, tags, None)
}

fn finish(
    title: String,
    mut text: String,
    tags: Vec<&'static str>,
    violation: Option<Violation>,
) -> NoteDraft {
    if !tags.is_empty() {
        text.push_str("\n\n");
        for (k, t) in tags.iter().enumerate() {
            if k > 0 {
                text.push(' ');
            }
            text.push('#');
            text.push_str(t);
        }
    }
    let mut title = truncate_chars(title.replace(['\n', '\r'], " ").trim(), crate::MAX_TITLE_CHARS);
    capitalise_at(&mut title, 0);
    let text = truncate_chars(&text, crate::MAX_TEXT_CHARS);
    NoteDraft { title, text, tags, violation }
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

/// `count` distinct indices below `n` (fewer if `n` is smaller), in drawn order.
fn distinct(r: &mut ChaCha8Rng, n: usize, count: usize) -> Vec<usize> {
    let count = count.min(n);
    let mut out: Vec<usize> = Vec::with_capacity(count);
    while out.len() < count {
        let i = r.index(n);
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn pick_tags(
    r: &mut ChaCha8Rng,
    tags: &'static [&'static str],
    lo: usize,
    hi: usize,
) -> Vec<&'static str> {
    let count = lo + r.index(hi - lo + 1);
    distinct(r, tags.len(), count).into_iter().map(|i| tags[i]).collect()
}

/// What kind of comment to write.
pub(crate) struct CommentSpec<'a> {
    pub topic: Topic,
    pub lang: L,
    pub mixed: bool,
    pub style: Style,
    /// The handle of the comment this one answers, if it is a reply.
    pub reply_to: Option<&'a str>,
    /// The commenter wrote the note (an author answering a comment).
    pub own_note: bool,
    /// The commenter's first language.
    pub home: L,
}

/// Write comment `id`'s text.
pub(crate) fn comment(seed: u64, id: u64, spec: &CommentSpec<'_>) -> (String, Option<Violation>) {
    let mut r = rng(seed, Stream::CommentText, id);
    let mut f = Filler::new(&mut r, spec.lang, spec.topic);
    f.mixed = spec.mixed;
    f.home = spec.home;
    f.capitalise = false;
    let c = spec.lang.common();
    let mut text = String::new();
    if let Some(handle) = spec.reply_to
        && f.fixed.chance(0.5)
    {
        text.push('@');
        text.push_str(handle);
        text.push(' ');
    }
    let violation = match spec.style {
        Style::Spam => {
            let t = f.fixed.word(c.spam_comments);
            f.fill(t, &mut text);
            Some(Violation::Spam)
        }
        Style::Abuse => {
            text.push_str(f.fixed.word(c.abuse));
            Some(Violation::Abuse)
        }
        _ => {
            let x = f.fixed.unit();
            let t = if spec.own_note {
                f.fixed.word(c.replies)
            } else if x < 0.3 {
                f.fixed.word(spec.lang.of(spec.topic).comments)
            } else if x < 0.7 || spec.reply_to.is_some() {
                f.fixed.word(c.reactions)
            } else {
                f.fixed.word(c.questions)
            };
            f.sentence(t, &mut text);
            if f.fixed.chance(0.2) {
                let e = f.fixed.word(vocab::topic(spec.topic).emoji);
                text.push_str(e);
            }
            None
        }
    };
    (truncate_chars(text.trim_end(), crate::MAX_TEXT_CHARS), violation)
}

/// A person's handle stem (latin, lowercase), display name and bio.
pub(crate) struct Identity {
    pub handle: String,
    pub display_name: String,
    pub bio: String,
}

pub(crate) struct IdentitySpec {
    pub community: Community,
    pub lang: L,
    pub second: Option<L>,
    pub region: &'static str,
    pub spam: bool,
    pub interests: (Topic, Topic),
}

/// Draw a person's names and bio; `taken` keeps handles unique (`index` is the last resort).
pub(crate) fn identity(
    r: &mut ChaCha8Rng,
    spec: &IdentitySpec,
    index: u32,
    taken: &mut HashSet<String>,
) -> Identity {
    let (stem, display_name) = if spec.spam {
        spam_name(r, spec.lang)
    } else {
        match spec.community {
            Community::Resident => resident_name(r, spec),
            Community::Wave => wave_name(r, spec),
        }
    };
    let handle = unique_handle(r, &stem, index, taken);
    let mut bio = String::new();
    let c = spec.lang.common();
    let mut f = Filler::new(r, spec.lang, spec.interests.0);
    f.topic_names = (spec.lang.of(spec.interests.0).name, spec.lang.of(spec.interests.1).name);
    let t = if spec.spam { f.fixed.word(c.spam_bios) } else { f.fixed.word(c.bios) };
    f.fill(t, &mut bio);
    Identity {
        handle,
        display_name: truncate_chars(display_name.trim(), crate::MAX_DISPLAY_NAME_CHARS),
        bio,
    }
}

fn resident_name(r: &mut ChaCha8Rng, spec: &IdentitySpec) -> (String, String) {
    let x = r.unit();
    if x < 0.5 {
        let (s, sp) = *r.pick(vocab::ZH_SURNAMES);
        let (g1, g1p) = *r.pick(vocab::ZH_GIVEN);
        let two = r.chance(0.7);
        let (g2, g2p) = *r.pick(vocab::ZH_GIVEN);
        let (name, given_py) = if two {
            (format!("{s}{g1}{g2}"), format!("{g1p}{g2p}"))
        } else {
            (format!("{s}{g1}"), g1p.to_owned())
        };
        let stem = match r.index(3) {
            0 => format!("{sp}{given_py}"),
            1 => format!("{given_py}_{sp}"),
            _ => format!("{sp}_{given_py}"),
        };
        (stem, name)
    } else if x < 0.9 || (spec.second != Some(L::En) && spec.lang != L::En) {
        let (nick, stem) = *r.pick(vocab::ZH_NICKS);
        let stem = if r.chance(0.3) { format!("xiao_{stem}") } else { stem.to_owned() };
        (stem, nick.to_owned())
    } else {
        // English names are common among bilingual residents (Singapore, Malaysia, Hong Kong).
        let (first, _) = *r.pick(vocab::EN_FIRST);
        let (s, sp) = *r.pick(vocab::ZH_SURNAMES);
        (format!("{}_{sp}", first.to_ascii_lowercase()), format!("{first} {s}"))
    }
}

fn wave_name(r: &mut ChaCha8Rng, spec: &IdentitySpec) -> (String, String) {
    let (first, first_zh) = *r.pick(vocab::EN_FIRST);
    let last = r.word(vocab::EN_LAST);
    let f = first.to_ascii_lowercase();
    let l = last.to_ascii_lowercase();
    let stem = match r.index(5) {
        0 => format!("{f}_{l}"),
        1 => format!("{f}{l}"),
        2 => format!("{f}_{}", r.word(vocab::EN_HANDLE_WORDS)),
        3 => format!("the_real_{f}"),
        _ => format!("{f}{}", &l[..1]),
    };
    let learner = spec.second == Some(L::Zh) || spec.lang == L::Zh;
    let x = r.unit();
    let name = if learner && x < 0.6 {
        format!("{first} {first_zh}")
    } else if x < 0.45 {
        format!("{first} {last}")
    } else if x < 0.65 {
        format!("{f} ✨")
    } else if x < 0.8 {
        format!("{first} {}.", &last[..1])
    } else {
        format!("{first} {}", flag(spec.region))
    };
    (stem, name)
}

fn spam_name(r: &mut ChaCha8Rng, lang: L) -> (String, String) {
    const ZH: &[(&str, &str)] = &[
        ("涨粉小助手", "zhangfen"),
        ("福利君", "fuli"),
        ("每日好物推荐官", "haowu"),
        ("副业指南", "fuye"),
    ];
    const EN: &[(&str, &str)] = &[
        ("Free Followers 🔥", "free_followers"),
        ("Promo Queen 💰", "promo_queen"),
        ("Growth Hacks", "growth_hacks"),
        ("Giveaway Central", "giveaways"),
    ];
    let (name, stem) = *r.pick(if lang == L::Zh { ZH } else { EN });
    (stem.to_owned(), name.to_owned())
}

/// The flag emoji of a two-letter region code.
fn flag(region: &str) -> String {
    region
        .bytes()
        .filter(u8::is_ascii_uppercase)
        .filter_map(|b| char::from_u32(0x1F1E6 + u32::from(b - b'A')))
        .collect()
}

fn unique_handle(
    r: &mut ChaCha8Rng,
    stem: &str,
    index: u32,
    taken: &mut HashSet<String>,
) -> String {
    let mut stem: String =
        stem.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(22).collect();
    stem.make_ascii_lowercase();
    while stem.len() < 3 {
        stem.push('x');
    }
    for attempt in 0..6 {
        let mut h = stem.clone();
        if attempt > 0 || r.chance(0.75) {
            if r.chance(0.3) {
                h.push('_');
            }
            let digits = 2 + r.index(3) + attempt;
            for _ in 0..digits {
                h.push(char::from(b'0' + r.below(10) as u8));
            }
        }
        h.truncate(crate::MAX_HANDLE_CHARS);
        if taken.insert(h.clone()) {
            return h;
        }
    }
    // Unique by construction: no generated handle contains "_u" followed by base-36 index digits
    // and nothing else, but check anyway.
    let mut h = format!("{}_u{}", &stem[..stem.len().min(16)], base36(index));
    while !taken.insert(h.clone()) {
        h.push('z');
        h.truncate(crate::MAX_HANDLE_CHARS);
    }
    h
}

fn base36(mut n: u32) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        assert_eq!(flag("US"), "🇺🇸");
    }

    #[test]
    fn filler_fills_every_slot() {
        let mut r = rng(3, Stream::People, 0);
        let mut f = Filler::new(&mut r, L::En, Topic::Food);
        let mut out = String::new();
        f.fill("{x} {y} {adj} {place} {n} {price} {e} {friend} {slang} {wx} {url} {", &mut out);
        assert!(!out.contains('}'), "{out}");
        assert!(out.contains("https://") && out.contains('$') && out.contains("wx_"), "{out}");
    }

    #[test]
    fn every_template_has_only_known_slots() {
        const KNOWN: &[&str] = &[
            "x", "y", "adj", "place", "friend", "slang", "job", "time", "topic", "topic2", "n",
            "price", "e", "wx", "url",
        ];
        let check = |t: &str| {
            let mut rest = t;
            while let Some(i) = rest.find('{') {
                let after = &rest[i + 1..];
                let j = after.find('}').unwrap_or_else(|| panic!("unclosed slot in {t}"));
                assert!(KNOWN.contains(&&after[..j]), "unknown slot in {t}");
                rest = &after[j + 1..];
            }
        };
        for lang in [L::Zh, L::En] {
            let c = lang.common();
            for list in [
                c.openers,
                c.closers,
                c.daily,
                c.details,
                c.reactions,
                c.questions,
                c.replies,
                c.intro_titles,
                c.intro_sentences,
                c.bios,
                c.spam_titles,
                c.spam_sentences,
                c.spam_comments,
                c.spam_bios,
            ] {
                list.iter().for_each(|t| check(t));
            }
            for t in Topic::ALL {
                let l = lang.of(t);
                for list in [l.titles, l.sentences, l.comments, l.formula_titles] {
                    list.iter().for_each(|t| check(t));
                }
                assert!(l.formula_titles.iter().all(|t| t.contains("{n}")));
                assert!(l.items.len() >= 8 && l.sentences.len() >= 6 && l.tags.len() >= 4);
                assert!(!l.boards.is_empty());
            }
        }
    }

    #[test]
    fn base36_digits() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
    }
}
