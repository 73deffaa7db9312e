//! Text handling for Notebridge: parsing a note's text into tags, mentions and links and
//! rendering it to safe HTML; matching keys ([`normalize()`]); language identification for short
//! and mixed texts ([`identify`]); Chinese word segmentation and character n-grams
//! ([`segment()`], [`char_ngrams`]); pinyin ([`pinyin()`]). Everything works offline: the
//! dictionaries it needs are compiled in.

pub mod error;
pub mod hanzi;
pub mod html;
pub mod langid;
pub mod langid_eval;
mod latin;
pub mod normalize;
pub mod pinyin;
pub mod script;
pub mod segment;
pub mod status;

pub use error::TextError;
pub use html::{escape, render_status};
pub use langid::{Identified, Lang, Part, identify};
pub use normalize::{Normalizer, normalize, to_simplified, to_traditional};
pub use pinyin::{Tones, pinyin, pinyin_string};
pub use segment::{char_ngrams, segment};
pub use status::{Segment, parse_status, tag_key};

/// The ISO 639-1 code of `text`'s language as Mastodon stores it: `zh`, `en`, `ja`, `ko`, or
/// `None` for other languages and for text without letters. A mixed text is given its largest
/// part (`hello你好世界` → `zh`).
pub fn guess_language(text: &str) -> Option<&'static str> {
    identify(text)?.primary().iso639_1()
}

#[cfg(test)]
mod guess_tests {
    use super::guess_language;

    #[test]
    fn guesses() {
        assert_eq!(guess_language("今天吃火锅"), Some("zh"));
        assert_eq!(guess_language("軟體更新了"), Some("zh"));
        assert_eq!(guess_language("Hotpot in Chengdu today"), Some("en"));
        assert_eq!(guess_language("今日はラーメン"), Some("ja"));
        assert_eq!(guess_language("오늘 점심"), Some("ko"));
        assert_eq!(guess_language("12345 !!!"), None);
        assert_eq!(guess_language("hello你好世界"), Some("zh"));
        assert_eq!(guess_language("Das Wetter ist heute schön"), None);
    }
}
