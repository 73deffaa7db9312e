//! Pinyin for Chinese text, toneless or with tones, for search and for trust rules that catch
//! pinyin spellings of words.
//!
//! The `pinyin` crate gives each character its most common reading, which is wrong for
//! heteronyms in many words (重庆 is chóng qìng, not zhòng qìng). So text is first cut into words
//! with jieba, and a word found in a phrase table takes its reading from there. The table
//! (`data/pinyin_phrases.tsv`, about 2,600 words, 49 KB) is generated from CC-CEDICT by
//! `data/scripts/build_pinyin_phrases.py`: common words (by jieba's frequency) that contain a
//! heteronym and have a single reading in CC-CEDICT.
//!
//! Limits: a word whose reading depends on its meaning (行 in 银行 vs 行长 is fine, but 便宜 as
//! "cheap" or "convenient") gets the per-character default; tone sandhi (一, 不) is not applied;
//! words jieba does not cut out fall back to per-character readings.

use std::collections::HashMap;
use std::sync::OnceLock;

use ::pinyin::ToPinyin;

use crate::script::{Script, script_of};
use crate::segment::jieba;

const PHRASES: &str = include_str!("../data/pinyin_phrases.tsv");

/// How syllables are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tones {
    /// `chong qing`
    None,
    /// `chóng qìng`
    Marks,
    /// `chong2 qing4` (no digit for the neutral tone)
    Numbers,
}

fn phrases() -> &'static HashMap<&'static str, Vec<&'static str>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        PHRASES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(word, reading)| (word, reading.split(' ').collect()))
            .collect()
    })
}

/// One syllable per Han character of `text`, in order; other characters are skipped.
pub fn pinyin(text: &str, tones: Tones) -> Vec<String> {
    let mut out = Vec::new();
    for token in jieba().cut(text, true) {
        let word = token.word;
        match phrases().get(word) {
            Some(reading) if reading.len() == word.chars().count() => {
                out.extend(reading.iter().map(|s| style_numbered(s, tones)));
            }
            _ => read_by_parts(word, tones, &mut out),
        }
    }
    out
}

/// A word not in the table (jieba keeps 重庆火锅 whole): longest table phrase first at each
/// position, else the character's default reading.
fn read_by_parts(word: &str, tones: Tones, out: &mut Vec<String>) {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let found = (2..=MAX_PHRASE_CHARS.min(chars.len() - i)).rev().find_map(|n| {
            let end = chars.get(i + n).map_or(word.len(), |&(b, _)| b);
            let reading = phrases().get(&word[chars[i].0..end])?;
            (reading.len() == n).then_some((n, reading))
        });
        if let Some((n, reading)) = found {
            out.extend(reading.iter().map(|s| style_numbered(s, tones)));
            i += n;
            continue;
        }
        let c = chars[i].1;
        if script_of(c) == Some(Script::Han)
            && let Some(p) = c.to_pinyin()
        {
            out.push(style(p, tones));
        }
        i += 1;
    }
}

const MAX_PHRASE_CHARS: usize = 4;

/// [`pinyin`] joined with spaces: `重庆火锅` → `chong qing huo guo`.
pub fn pinyin_string(text: &str, tones: Tones) -> String {
    pinyin(text, tones).join(" ")
}

fn style(p: ::pinyin::Pinyin, tones: Tones) -> String {
    match tones {
        Tones::None => p.plain().to_owned(),
        Tones::Marks => p.with_tone().to_owned(),
        Tones::Numbers => p.with_tone_num_end().to_owned(),
    }
}

/// A CC-CEDICT syllable (`lv4`, `de5`) in the requested style, spelled like the pinyin crate
/// spells its own (ü, not v).
fn style_numbered(syllable: &str, tones: Tones) -> String {
    let (letters, tone) = match syllable.char_indices().last() {
        Some((i, d)) if d.is_ascii_digit() => (&syllable[..i], d.to_digit(10).unwrap_or(5)),
        _ => (syllable, 5),
    };
    let letters = letters.replace('v', "ü");
    match tones {
        Tones::None => letters,
        Tones::Numbers if (1..=4).contains(&tone) => format!("{letters}{tone}"),
        Tones::Numbers => letters,
        Tones::Marks => mark_tone(&letters, tone),
    }
}

/// Put the tone mark on the right vowel: a or e if present, the o of ou, otherwise the last vowel.
fn mark_tone(letters: &str, tone: u32) -> String {
    if !(1..=4).contains(&tone) {
        return letters.to_owned();
    }
    let vowels: Vec<(usize, char)> =
        letters.char_indices().filter(|(_, c)| "aeiouü".contains(*c)).collect();
    let target = vowels
        .iter()
        .find(|(_, c)| *c == 'a' || *c == 'e')
        .or_else(|| letters.find("ou").and_then(|i| vowels.iter().find(|(j, _)| *j == i)))
        .or(vowels.last());
    let Some(&(at, vowel)) = target else {
        return letters.to_owned();
    };
    let marked = marked_vowel(vowel, tone);
    let mut out = String::with_capacity(letters.len() + 2);
    out.push_str(&letters[..at]);
    out.push(marked);
    out.push_str(&letters[at + vowel.len_utf8()..]);
    out
}

fn marked_vowel(vowel: char, tone: u32) -> char {
    let row: [char; 4] = match vowel {
        'a' => ['ā', 'á', 'ǎ', 'à'],
        'e' => ['ē', 'é', 'ě', 'è'],
        'i' => ['ī', 'í', 'ǐ', 'ì'],
        'o' => ['ō', 'ó', 'ǒ', 'ò'],
        'u' => ['ū', 'ú', 'ǔ', 'ù'],
        _ => ['ǖ', 'ǘ', 'ǚ', 'ǜ'],
    };
    row.get(tone as usize - 1).copied().unwrap_or(vowel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heteronyms_in_words() {
        assert_eq!(pinyin_string("重庆", Tones::None), "chong qing");
        assert_eq!(pinyin_string("重要", Tones::None), "zhong yao");
        assert_eq!(pinyin_string("我在银行工作", Tones::None), "wo zai yin hang gong zuo");
        assert_eq!(pinyin_string("音乐很快乐", Tones::None), "yin yue hen kuai le");
    }

    #[test]
    fn tone_styles() {
        assert_eq!(pinyin_string("重庆火锅", Tones::Marks), "chóng qìng huǒ guō");
        assert_eq!(pinyin_string("重庆火锅", Tones::Numbers), "chong2 qing4 huo3 guo1");
        assert_eq!(pinyin_string("觉得", Tones::Marks), "jué de");
        assert_eq!(pinyin_string("绿色", Tones::None), "lü se");
    }

    #[test]
    fn non_han_is_skipped() {
        assert_eq!(pinyin("hotpot 火锅 🔥 2024", Tones::None), vec!["huo", "guo"]);
        assert!(pinyin("hello", Tones::Marks).is_empty());
    }

    #[test]
    fn tone_marks_land_on_the_right_vowel() {
        assert_eq!(mark_tone("gou", 3), "gǒu");
        assert_eq!(mark_tone("gui", 4), "guì");
        assert_eq!(mark_tone("lüe", 4), "lüè");
        assert_eq!(mark_tone("ma", 5), "ma");
    }
}
