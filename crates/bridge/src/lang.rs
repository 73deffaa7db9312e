//! What the bridge needs to know about a language: its name for a prompt, its script for
//! splitting mixed text, and whether words are written with spaces between them.

use nb_text::Lang;
use nb_text::script::Script;

/// The English name of `lang`, as an instruction to an engine names it.
pub fn english_name(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhHans => "Simplified Chinese",
        Lang::ZhHant => "Traditional Chinese",
        Lang::En => "English",
        Lang::Ja => "Japanese",
        Lang::Ko => "Korean",
        Lang::Other => "the original language",
    }
}

/// Whether `lang` is a form of Chinese.
pub fn is_chinese(lang: Lang) -> bool {
    matches!(lang, Lang::ZhHans | Lang::ZhHant)
}

/// Whether a character of `script` is written in `lang`.
pub fn writes(lang: Lang, script: Script) -> bool {
    match lang {
        Lang::ZhHans | Lang::ZhHant => script == Script::Han,
        Lang::En => script == Script::Latin,
        Lang::Ja => matches!(script, Script::Han | Script::Kana),
        Lang::Ko => script == Script::Hangul,
        Lang::Other => matches!(script, Script::Latin | Script::Other),
    }
}

/// Whether words of `lang` are separated by spaces.
pub fn spaced(lang: Lang) -> bool {
    matches!(lang, Lang::En | Lang::Ko | Lang::Other)
}

/// Parse `zh`, `zh-Hans`, `zh-CN`, `zh-Hant`, `zh-TW`, `en`, … (case-insensitive).
pub fn parse(tag: &str) -> Option<Lang> {
    let t = tag.trim().replace('_', "-").to_ascii_lowercase();
    match t.as_str() {
        "zh" | "zh-hans" | "zh-cn" | "zh-sg" | "zh-hans-cn" => Some(Lang::ZhHans),
        "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" | "zh-hant-tw" | "zh-hant-hk" => Some(Lang::ZhHant),
        "ja" => Some(Lang::Ja),
        "ko" => Some(Lang::Ko),
        _ if t == "en" || t.starts_with("en-") => Some(Lang::En),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags() {
        assert_eq!(parse("zh"), Some(Lang::ZhHans));
        assert_eq!(parse("zh_Hant"), Some(Lang::ZhHant));
        assert_eq!(parse("EN-us"), Some(Lang::En));
        assert_eq!(parse("fr"), None);
        assert!(writes(Lang::ZhHans, Script::Han) && !writes(Lang::En, Script::Han));
    }
}
