//! English or not, for the Latin-script part of a text.
//!
//! A word list decides: the 20,000 most frequent English words (from wordfreq, 150 KB embedded,
//! see `data/scripts/build_english_words.py`). Text is English when at least half of its words of
//! two letters or more are in the list. On the labelled set this beat whatlang's trigram model,
//! which cannot tell `Belgien` or `inglese` from English on one or two words (Latin accuracy
//! about 81% against 71%), and it needs no model. Words with letters outside ASCII (é, ß, ı) are
//! never in the list and count twice, so `Türkçe` or `très bon` read as other. English proper names that are not
//! common words (`Tasawaq`) read as other too: that is the main weakness.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::langid::Lang;

const ENGLISH_WORDS: &str = include_str!("../data/english_words.txt");
const MIN_ENGLISH_SHARE: f32 = 0.5;

fn english_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| ENGLISH_WORDS.lines().filter(|l| !l.starts_with('#')).collect())
}

/// `En` or `Other` for a run of Latin-script words. `inside_cjk`: the words sit in Chinese,
/// Japanese or Korean text, where ASCII words are English loans, slang and brands (`vlog`,
/// `citywalk`) far more often than another language, so they are taken as English.
pub fn latin_lang(text: &str, inside_cjk: bool) -> Lang {
    if inside_cjk && text.is_ascii() {
        return Lang::En;
    }
    let lexicon = english_words();
    let (mut words, mut english) = (0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if word.chars().count() < 2 {
            continue;
        }
        // A word with é, ß or ı is strong evidence against English: it counts twice.
        words += if word.is_ascii() { 1 } else { 2 };
        if word.is_ascii() && lexicon.contains(word.to_ascii_lowercase().as_str()) {
            english += 1;
        }
    }
    if words == 0 || english as f32 / words as f32 >= MIN_ENGLISH_SHARE {
        Lang::En
    } else {
        Lang::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_others() {
        assert_eq!(latin_lang("the weather is lovely today", false), Lang::En);
        assert_eq!(latin_lang("hello", false), Lang::En);
        assert_eq!(latin_lang("x", false), Lang::En);
        assert_eq!(latin_lang("Très bon restaurant près de la gare", false), Lang::Other);
        assert_eq!(latin_lang("Wir gehen heute wandern", false), Lang::Other);
        assert_eq!(latin_lang("Belgien", false), Lang::Other);
        assert_eq!(latin_lang("citywalk", true), Lang::En);
        assert_eq!(latin_lang("citywalk", false), Lang::Other);
    }
}
