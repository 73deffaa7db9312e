//! Word segmentation (jieba-rs, its dictionary compiled into the crate) and character n-grams.
//!
//! jieba-rs was chosen because it is pure Rust, ships its dictionary (nothing downloaded at build
//! or run time) and is what tantivy-jieba uses, so search and features cut text the same way.
//! The dictionary is built once, on first use (a few hundred milliseconds).

use std::sync::OnceLock;

use jieba_rs::Jieba;

pub(crate) fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// The words of `text`, in order: Chinese cut by jieba (with its HMM for unknown words), Latin
/// words and numbers whole. Whitespace, punctuation and emoji are dropped.
pub fn segment(text: &str) -> Vec<&str> {
    jieba()
        .cut(text, true)
        .into_iter()
        .map(|t| t.word)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// Overlapping `n`-character slices of `text`, for fingerprints (usually of a
/// [`crate::normalize`] key). A non-empty text shorter than `n` gives itself; `n = 0` gives none.
pub fn char_ngrams(text: &str, n: usize) -> Vec<&str> {
    if n == 0 || text.is_empty() {
        return Vec::new();
    }
    let bounds: Vec<usize> =
        text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect();
    let chars = bounds.len() - 1;
    if chars < n {
        return vec![text];
    }
    (0..=chars - n).map(|i| &text[bounds[i]..bounds[i + n]]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_chinese_into_words() {
        assert_eq!(segment("我们去重庆吃火锅"), vec!["我们", "去", "重庆", "吃火锅"]);
        assert_eq!(segment("今天的hotpot太辣了！"), vec!["今天", "的", "hotpot", "太辣", "了"]);
        assert!(segment("  😀 ！").is_empty());
    }

    #[test]
    fn ngrams() {
        assert_eq!(char_ngrams("火锅好吃", 2), vec!["火锅", "锅好", "好吃"]);
        assert_eq!(char_ngrams("abc", 3), vec!["abc"]);
        assert_eq!(char_ngrams("ab", 3), vec!["ab"]);
        assert!(char_ngrams("abc", 0).is_empty());
        assert!(char_ngrams("", 2).is_empty());
    }
}
