//! Language identification for short texts: zh-Hans, zh-Hant, en, ja, ko, other, or a mix.
//!
//! Scripts decide first, because on a note or a comment they are nearly always right and cost
//! nothing: kana means Japanese, Hangul Korean, Han Chinese. Then character tables split Chinese
//! into Simplified and Traditional (see [`crate::hanzi`]; a text made only of shared characters is
//! taken as Simplified), and a list of common English words splits Latin text into English and other (see
//! [`crate::latin`]). Tags, mentions and links are cut out first (with [`crate::parse_status`]),
//! and digits, punctuation and emoji carry no weight, so `#hotpot 今天吃火锅 🔥` is Chinese.
//!
//! Parts are weighed so that a Han, kana or Hangul character counts like three Latin letters,
//! roughly a word each way. A part of 10% or more of the weight makes the text mixed
//! (`hello你好`, `今天的hotpot太辣了lol`); below that it is noise. Latin acronyms (`GMT`, `ID`)
//! and single letters inside CJK text are ignored.
//!
//! Known limits: Japanese written only in kanji (`月曜日`) reads as Chinese; Chinese made only of
//! shared characters reads as Simplified; one or two Latin words of another language often read
//! as English.

use crate::hanzi::{HanForm, han_form};
use crate::latin::latin_lang;
use crate::script::{Script, script_of};
use crate::status::{Segment, parse_status};

/// A language the identifier can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    ZhHans,
    ZhHant,
    En,
    Ja,
    Ko,
    /// Any other language (French, Russian, Thai…).
    Other,
}

impl Lang {
    /// Every language, in a fixed order.
    pub const ALL: [Lang; 6] =
        [Lang::ZhHans, Lang::ZhHant, Lang::En, Lang::Ja, Lang::Ko, Lang::Other];

    /// The BCP 47 tag: `zh-Hans`, `zh-Hant`, `en`, `ja`, `ko`, or `other`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::En => "en",
            Lang::Ja => "ja",
            Lang::Ko => "ko",
            Lang::Other => "other",
        }
    }

    /// The inverse of [`Lang::tag`].
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// The ISO 639-1 code Mastodon stores (`zh`, `en`, `ja`, `ko`); none for `Other`.
    pub fn iso639_1(self) -> Option<&'static str> {
        match self {
            Lang::ZhHans | Lang::ZhHant => Some("zh"),
            Lang::En => Some("en"),
            Lang::Ja => Some("ja"),
            Lang::Ko => Some("ko"),
            Lang::Other => None,
        }
    }
}

/// One language's part of a mixed text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    pub lang: Lang,
    /// Share of the text's weight, 0–1.
    pub share: f32,
}

/// What [`identify`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum Identified {
    /// One language.
    One(Lang),
    /// Several languages; `parts` is ordered by share, the first being `primary`.
    Mixed { primary: Lang, parts: Vec<Part> },
}

impl Identified {
    /// The single language, or the largest part of a mix.
    pub fn primary(&self) -> Lang {
        match self {
            Identified::One(l) => *l,
            Identified::Mixed { primary, .. } => *primary,
        }
    }

    /// Whether more than one language was found.
    pub fn is_mixed(&self) -> bool {
        matches!(self, Identified::Mixed { .. })
    }

    /// Every language found, largest first.
    pub fn langs(&self) -> Vec<Lang> {
        match self {
            Identified::One(l) => vec![*l],
            Identified::Mixed { parts, .. } => parts.iter().map(|p| p.lang).collect(),
        }
    }

    /// `zh-Hans`, or `mixed:zh-Hans+en` for a mix (the form of the labelled set).
    pub fn label(&self) -> String {
        match self {
            Identified::One(l) => l.tag().to_owned(),
            Identified::Mixed { parts, .. } => {
                let tags: Vec<&str> = parts.iter().map(|p| p.lang.tag()).collect();
                format!("mixed:{}", tags.join("+"))
            }
        }
    }
}

const CJK_WEIGHT: f32 = 3.0;
const MIN_SHARE: f32 = 0.1;
/// A secondary part needs at least this weight: one CJK character or three Latin letters.
const MIN_WEIGHT: f32 = 3.0;
/// Characters common in Chinese and not used in Japanese: a Han run holding one of them, in a
/// text that also has kana, is Chinese (`这家店的ラーメン很好吃`).
const CHINESE_MARKERS: &str = "这们很吗呢吧没么啊呀哪谁您她它给让还说个";

#[derive(Default)]
struct Evidence {
    han_runs: Vec<String>,
    kana: usize,
    hangul: usize,
    other: usize,
    latin_words: Vec<String>,
}

impl Evidence {
    fn gather(text: &str) -> Evidence {
        let mut ev = Evidence::default();
        for segment in parse_status(text) {
            if let Segment::Text(t) = segment {
                ev.scan(t);
            }
        }
        ev
    }

    fn scan(&mut self, text: &str) {
        let mut run = String::new();
        let mut run_script: Option<Script> = None;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            // parse_status knows only ASCII handles; `@小红` is a mention to a reader too.
            if c == '@' && chars.peek().is_some_and(|&n| n.is_alphanumeric()) {
                self.flush(run_script, &mut run);
                run_script = None;
                while chars.next_if(|n| !n.is_whitespace()).is_some() {}
                continue;
            }
            let script = script_of(c);
            // An apostrophe between Latin letters stays inside the word (don't, it's).
            let glue = matches!(c, '\'' | '’')
                && run_script == Some(Script::Latin)
                && chars.peek().and_then(|&n| script_of(n)) == Some(Script::Latin);
            if glue {
                run.push(c);
                continue;
            }
            if script != run_script {
                self.flush(run_script, &mut run);
                run_script = script;
            }
            match script {
                Some(Script::Han | Script::Latin) => run.push(c),
                Some(Script::Kana) => self.kana += 1,
                Some(Script::Hangul) => self.hangul += 1,
                Some(Script::Other) => self.other += 1,
                None => {}
            }
        }
        self.flush(run_script, &mut run);
    }

    fn flush(&mut self, script: Option<Script>, run: &mut String) {
        if run.is_empty() {
            return;
        }
        let run = std::mem::take(run);
        match script {
            Some(Script::Han) => self.han_runs.push(run),
            Some(Script::Latin) => self.latin_words.push(run),
            _ => {}
        }
    }

    fn has_cjk(&self) -> bool {
        !self.han_runs.is_empty() || self.kana > 0 || self.hangul > 0
    }

    fn parts(&self) -> Vec<(Lang, f32)> {
        let mut parts: Vec<(Lang, f32)> = Vec::new();
        let mut add = |lang: Lang, w: f32| {
            if w <= 0.0 {
                return;
            }
            match parts.iter_mut().find(|(l, _)| *l == lang) {
                Some(p) => p.1 += w,
                None => parts.push((lang, w)),
            }
        };

        let (mut zh_chars, mut ja_han, mut hans, mut hant, mut ja_only) = (0, 0, 0, 0, 0);
        for run in &self.han_runs {
            let chinese_in_japanese =
                self.kana > 0 && run.chars().any(|c| CHINESE_MARKERS.contains(c));
            let n = run.chars().count();
            if self.kana > 0 && !chinese_in_japanese {
                ja_han += n;
                continue;
            }
            zh_chars += n;
            for c in run.chars() {
                match han_form(c) {
                    HanForm::Simplified => hans += 1,
                    HanForm::Traditional => hant += 1,
                    HanForm::Japanese => ja_only += 1,
                    HanForm::Shared => {}
                }
            }
        }
        if self.kana == 0 && ja_only > 0 && ja_only >= hans + hant {
            ja_han += zh_chars;
            zh_chars = 0;
        }
        let zh = if hant > hans { Lang::ZhHant } else { Lang::ZhHans };
        add(zh, zh_chars as f32 * CJK_WEIGHT);
        add(Lang::Ja, (self.kana + ja_han) as f32 * CJK_WEIGHT);
        add(Lang::Ko, self.hangul as f32 * CJK_WEIGHT);
        add(Lang::Other, self.other as f32);

        let cjk = self.has_cjk();
        let words: Vec<&str> = self
            .latin_words
            .iter()
            .map(String::as_str)
            .filter(|w| !(cjk && is_acronym(w)))
            .collect();
        if !words.is_empty() {
            let letters = words.iter().map(|w| w.chars().count()).sum::<usize>();
            add(latin_lang(&words.join(" "), cjk), letters as f32);
        }
        parts
    }
}

/// `GMT`, `ID`, `x`: a short all-capitals word or a single letter.
fn is_acronym(word: &str) -> bool {
    let n = word.chars().count();
    n == 1 || (n <= 5 && word.chars().all(|c| c.is_uppercase()))
}

/// Identify the language of `text`; `None` when it has no letters (emoji, digits, only tags…).
pub fn identify(text: &str) -> Option<Identified> {
    let mut parts = Evidence::gather(text).parts();
    parts.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let total: f32 = parts.iter().map(|p| p.1).sum();
    let &(primary, _) = parts.first()?;
    let kept: Vec<Part> = parts
        .iter()
        .enumerate()
        .filter(|(i, (_, w))| *i == 0 || (*w >= MIN_WEIGHT && *w / total >= MIN_SHARE))
        .map(|(_, &(lang, w))| Part { lang, share: w / total })
        .collect();
    if kept.len() == 1 {
        return Some(Identified::One(primary));
    }
    let kept_total: f32 = kept.iter().map(|p| p.share).sum();
    let parts =
        kept.into_iter().map(|p| Part { lang: p.lang, share: p.share / kept_total }).collect();
    Some(Identified::Mixed { primary, parts })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(text: &str) -> Option<String> {
        identify(text).map(|i| i.label())
    }

    #[test]
    fn single_languages() {
        assert_eq!(label("今天吃火锅").as_deref(), Some("zh-Hans"));
        assert_eq!(label("我們的軟體").as_deref(), Some("zh-Hant"));
        assert_eq!(label("Hotpot in Chengdu today").as_deref(), Some("en"));
        assert_eq!(label("今日はラーメン").as_deref(), Some("ja"));
        assert_eq!(label("駅前").as_deref(), Some("ja"));
        assert_eq!(label("오늘 점심").as_deref(), Some("ko"));
        assert_eq!(label("Bonjour à tous, très belle journée").as_deref(), Some("other"));
        assert_eq!(label("Привет, как дела").as_deref(), Some("other"));
    }

    #[test]
    fn mixed_texts_name_their_parts() {
        let hello = identify("hello你好").expect("letters");
        assert!(hello.is_mixed());
        assert_eq!(hello.langs().len(), 2);
        assert!(hello.langs().contains(&Lang::En) && hello.langs().contains(&Lang::ZhHans));

        let hotpot = identify("今天的hotpot太辣了lol").expect("letters");
        assert_eq!(hotpot.label(), "mixed:zh-Hans+en");
        assert_eq!(hotpot.primary(), Lang::ZhHans);
        let Identified::Mixed { parts, .. } = hotpot else { panic!("mixed") };
        let total: f32 = parts.iter().map(|p| p.share).sum();
        assert!((total - 1.0).abs() < 1e-4);

        assert_eq!(label("这家店的ラーメン很好吃").as_deref(), Some("mixed:zh-Hans+ja"));
    }

    #[test]
    fn tags_mentions_links_emoji_and_digits_do_not_count() {
        assert_eq!(
            label("今天吃火锅 #hotpot @alice_smith https://example.com/food 🔥 2024").as_deref(),
            Some("zh-Hans")
        );
        assert_eq!(label("@小红 thanks for the recipe").as_deref(), Some("en"));
        assert_eq!(label("😀😀🔥"), None);
        assert_eq!(label("12345 !!!"), None);
        assert_eq!(label("#火锅 @bob https://x.example"), None);
    }

    #[test]
    fn acronyms_inside_chinese_are_noise() {
        assert_eq!(label("北京时间 GMT+8").as_deref(), Some("zh-Hans"));
        assert_eq!(label("买了新的 A 款").as_deref(), Some("zh-Hans"));
    }

    #[test]
    fn tags_round_trip() {
        for l in Lang::ALL {
            assert_eq!(Lang::from_tag(l.tag()), Some(l));
        }
        assert_eq!(Lang::ZhHant.iso639_1(), Some("zh"));
        assert_eq!(Lang::Other.iso639_1(), None);
    }
}
