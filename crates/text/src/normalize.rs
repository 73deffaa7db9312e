//! Matching keys: a normalised form of a text for moderation matching, deduplication and
//! search. The original text is always stored elsewhere; a key is never shown.
//!
//! [`normalize`] applies, in order:
//! 1. invisible characters removed: zero-width space/joiners, word joiner, BOM, soft hyphen,
//!    combining grapheme joiner, variation selectors, bidi controls, tag characters, Hangul fillers;
//! 2. NFKC, which also turns full-width forms into ASCII (`ＡＢＣ` → `ABC`, U+3000 → space) and
//!    half-width katakana into full width;
//! 3. case folding (lower case, plus `ß` → `ss` and final sigma → `σ`, the two full-folding
//!    differences that matter for matching) and diacritics stripped from Latin letters
//!    (`frée` → `free`; CJK voicing marks are kept);
//! 4. Traditional → Simplified with OpenCC (`軟體` → `软体`: character conversion plus OpenCC's
//!    small t2s phrase table; regional vocabulary like 軟體/软件 is not converted);
//! 5. separators: what a moderation matcher needs is that a term cannot be dodged by putting
//!    something between its letters, without gluing unrelated words together. So a key keeps
//!    only letters and digits, and between two of them:
//!    - nothing, when the gap has no whitespace (`f.r.e.e`, `fr*ee`, `e-mail`, `免.费`, `免🔥费`);
//!    - nothing, when both sides are CJK (`免 费` → `免费`; Korean spacing is dropped too);
//!    - nothing, inside a spelled-out run of three or more single letters (`f r e e` → `free`);
//!    - otherwise one space (`buy free stuff` keeps its word boundaries).
//!
//!    Emoji, punctuation and symbols never survive.
//! 6. repeats: a run of the same letter becomes one letter (`soooo` → `so`, `哈哈哈` → `哈`).
//!    Collapsing to one rather than two is what makes `freeeee` and `free` (both `fre`) meet;
//!    a few words share a key (`good`/`god`), which a matcher can live with because terms go
//!    through the same function. Digits are not collapsed (`1000` stays).
//!
//! Not handled: homoglyphs across scripts (Cyrillic `а` for Latin `a`), leetspeak (`fr33`),
//! pinyin spelled for hanzi (see [`crate::pinyin`] for that).

use std::sync::OnceLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::TextError;
use crate::script::{is_cjk, is_latin_extended};

/// Builds matching keys; holds the OpenCC converter. Cheap to share; [`normalize`] uses a global one.
pub struct Normalizer {
    t2s: OpenCC,
}

impl Normalizer {
    /// Load OpenCC's embedded Traditional → Simplified tables.
    pub fn new() -> Result<Normalizer, TextError> {
        let t2s = OpenCC::from_config(BuiltinConfig::T2s)
            .map_err(|e| TextError::Opencc(e.to_string()))?;
        Ok(Normalizer { t2s })
    }

    /// Traditional → Simplified only (`軟體` → `软体`).
    pub fn to_simplified(&self, text: &str) -> String {
        self.t2s.convert(text)
    }

    /// The matching key of `text` (see the module documentation).
    pub fn normalize(&self, text: &str) -> String {
        let folded = fold(text);
        let simplified = self.to_simplified(&folded);
        collapse_repeats(&join_separated(&simplified))
    }
}

fn global() -> Option<&'static Normalizer> {
    static NORMALIZER: OnceLock<Option<Normalizer>> = OnceLock::new();
    NORMALIZER.get_or_init(|| Normalizer::new().ok()).as_ref()
}

/// The matching key of `text`, with a shared [`Normalizer`]. Should OpenCC's embedded tables
/// fail to load (a packaging error, tested against), keys are built without step 4.
pub fn normalize(text: &str) -> String {
    match global() {
        Some(n) => n.normalize(text),
        None => collapse_repeats(&join_separated(&fold(text))),
    }
}

/// Traditional → Simplified with a shared converter; the text unchanged if OpenCC is missing.
pub fn to_simplified(text: &str) -> String {
    match global() {
        Some(n) => n.to_simplified(text),
        None => text.to_owned(),
    }
}

/// Simplified → Traditional (OpenCC `s2t`, loaded on first use); the text unchanged if OpenCC's
/// tables are missing.
pub fn to_traditional(text: &str) -> String {
    static S2T: OnceLock<Option<OpenCC>> = OnceLock::new();
    match S2T.get_or_init(|| OpenCC::from_config(BuiltinConfig::S2t).ok()) {
        Some(cc) => cc.convert(text),
        None => text.to_owned(),
    }
}

/// Whether `c` is invisible or a formatting control that an evader can slip into a word.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Steps 1–3: invisibles out, NFKC, case folding, Latin diacritics stripped.
fn fold(text: &str) -> String {
    let visible: String = text.chars().filter(|&c| !is_invisible(c)).collect();
    let mut out = String::with_capacity(visible.len());
    for c in visible.nfkc().flat_map(char::to_lowercase) {
        match c {
            'ß' => out.push_str("ss"),
            'ς' => out.push('σ'),
            c if is_latin_extended(c) => {
                out.extend(std::iter::once(c).nfd().filter(|&m| !is_combining_mark(m)))
            }
            c => out.push(c),
        }
    }
    out
}

fn is_kept(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Step 5: keep letters and digits, decide what each gap between them becomes.
fn join_separated(text: &str) -> String {
    let mut tokens: Vec<(&str, bool)> = Vec::new(); // (token, gap before it has whitespace)
    let mut start = None;
    let mut gap_has_space = false;
    for (i, c) in text.char_indices() {
        if is_kept(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            tokens.push((&text[s..i], gap_has_space));
            gap_has_space = false;
        }
        gap_has_space |= c.is_whitespace();
    }
    if let Some(s) = start {
        tokens.push((&text[s..], gap_has_space));
    }

    let single = |t: &str| t.chars().count() == 1 && t.chars().all(char::is_alphabetic);
    let mut out = String::with_capacity(text.len());
    for (i, &(token, spaced)) in tokens.iter().enumerate() {
        if i > 0 && spaced {
            let prev = tokens[i - 1].0;
            let both_cjk =
                prev.chars().last().is_some_and(is_cjk) && token.chars().next().is_some_and(is_cjk);
            let spelled = single(prev) && single(token) && in_spelled_run(&tokens, i);
            if !both_cjk && !spelled {
                out.push(' ');
            }
        }
        out.push_str(token);
    }
    out
}

/// Whether the gap before token `i` lies in a run of three or more single-letter tokens.
fn in_spelled_run(tokens: &[(&str, bool)], i: usize) -> bool {
    let single = |t: &str| t.chars().count() == 1 && t.chars().all(char::is_alphabetic);
    let mut lo = i;
    while lo > 0 && single(tokens[lo - 1].0) {
        lo -= 1;
    }
    let mut hi = i;
    while hi + 1 < tokens.len() && single(tokens[hi + 1].0) {
        hi += 1;
    }
    hi - lo + 1 >= 3
}

/// Step 6: runs of one letter become one letter; digits are left alone.
fn collapse_repeats(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev = None;
    for c in text.chars() {
        if prev == Some(c) && c.is_alphabetic() {
            continue;
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_case() {
        assert_eq!(normalize("全角ＡＢＣ"), "全角abc");
        assert_eq!(normalize("ＨＥＬＬＯ　Ｗｏｒｌｄ"), "helo world");
        assert_eq!(normalize("Straße"), "strase");
        assert_eq!(normalize("ｶﾀｶﾅ"), "カタカナ");
    }

    #[test]
    fn traditional_to_simplified() {
        assert_eq!(to_simplified("軟體"), "软体");
        assert_eq!(normalize("軟體"), "软体");
        assert_eq!(normalize("我們的軟體"), normalize("我们的软体"));
    }

    #[test]
    fn invisible_characters_go() {
        assert_eq!(normalize("fr\u{200D}ee"), normalize("free"));
        assert_eq!(normalize("免\u{200B}费"), "免费");
        assert_eq!(normalize("spa\u{00AD}m"), "spam");
        assert_eq!(normalize("\u{202E}abc\u{202C}"), "abc");
        assert_eq!(normalize("☺\u{FE0F}ok"), "ok");
    }

    #[test]
    fn separators_inside_words_go_and_between_words_stay() {
        assert_eq!(normalize("f.r.e.e"), "fre");
        assert_eq!(normalize("f r e e"), "fre");
        assert_eq!(normalize("免 费"), "免费");
        assert_eq!(normalize("免.费 领·取"), "免费领取");
        assert_eq!(normalize("免🔥费"), "免费");
        assert_eq!(normalize("buy cheap stuff"), "buy cheap stuf");
        assert_eq!(normalize("I am a cat"), "i am a cat");
        assert_eq!(normalize("e-mail"), "email");
    }

    #[test]
    fn repeats_collapse_but_numbers_do_not() {
        assert_eq!(normalize("soooo good"), "so god");
        assert_eq!(normalize("哈哈哈哈"), "哈");
        assert_eq!(normalize("1000元"), "1000元");
        assert_eq!(normalize("frée"), normalize("FREEEE"));
    }

    #[test]
    fn emoji_only_and_empty() {
        assert_eq!(normalize("😀🔥👍"), "");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn explicit_normalizer_loads() {
        let n = Normalizer::new().expect("OpenCC's embedded tables load");
        assert_eq!(n.normalize("臺灣 軟體"), "台湾软体");
    }
}
