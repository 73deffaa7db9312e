//! Which writing system a character belongs to, as far as language identification and
//! normalisation need to know. Digits, punctuation, symbols and emoji have no script here: they
//! say nothing about a text's language.

/// The scripts the identifier tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Chinese characters (hanzi, kanji, hanja).
    Han,
    /// Hiragana, katakana (full and half width) and the iteration mark 々.
    Kana,
    /// Korean syllables and jamo.
    Hangul,
    /// Latin letters, with or without diacritics.
    Latin,
    /// Any other alphabetic character (Cyrillic, Arabic, Thai…).
    Other,
}

/// The script of `c`, or `None` when `c` is not a letter of any script.
pub fn script_of(c: char) -> Option<Script> {
    match c {
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}' => Some(Script::Han),
        '\u{3005}'
        | '\u{3040}'..='\u{309F}'
        | '\u{30A0}'..='\u{30FF}'
        | '\u{31F0}'..='\u{31FF}'
        | '\u{FF66}'..='\u{FF9F}' => Some(Script::Kana),
        '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
            Some(Script::Hangul)
        }
        'a'..='z' | 'A'..='Z' => Some(Script::Latin),
        _ if is_latin_extended(c) => Some(Script::Latin),
        _ if c.is_alphabetic() => Some(Script::Other),
        _ => None,
    }
}

/// Latin letters beyond ASCII: Latin-1 letters, Latin Extended-A/B, Extended Additional and the
/// full-width forms.
pub fn is_latin_extended(c: char) -> bool {
    matches!(c,
        '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' | '\u{FF21}'..='\u{FF3A}'
        | '\u{FF41}'..='\u{FF5A}')
        && c != '\u{00D7}'
        && c != '\u{00F7}'
}

/// Whether `c` belongs to a script written without spaces between words (or, for Hangul, one
/// whose spacing an evader can drop without changing what a reader sees).
pub fn is_cjk(c: char) -> bool {
    matches!(script_of(c), Some(Script::Han | Script::Kana | Script::Hangul))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_letters_and_ignores_the_rest() {
        assert_eq!(script_of('软'), Some(Script::Han));
        assert_eq!(script_of('の'), Some(Script::Kana));
        assert_eq!(script_of('ｶ'), Some(Script::Kana));
        assert_eq!(script_of('한'), Some(Script::Hangul));
        assert_eq!(script_of('é'), Some(Script::Latin));
        assert_eq!(script_of('ж'), Some(Script::Other));
        for c in ['7', '!', '😀', '、', ' ', '×'] {
            assert_eq!(script_of(c), None, "{c}");
        }
        assert!(is_cjk('免') && !is_cjk('f'));
    }
}
