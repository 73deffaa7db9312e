//! Character tables that tell Simplified, Traditional and Japanese Han characters apart.
//!
//! Generated from OpenCC's dictionaries (shipped in ferrous-opencc, Apache-2.0) by
//! `data/scripts/build_hanzi_tables.py`; about 26 KB embedded. A character is in a table only if
//! OpenCC never keeps it in the other form: 后, 干, 台 and 里 are valid in both and in neither
//! table. Most everyday characters (中, 人, 大…) are shared, so a short text may carry no evidence
//! either way.

use std::collections::HashSet;
use std::sync::OnceLock;

const HANS_ONLY: &str = include_str!("../data/hanzi/hans_only.txt");
const HANT_ONLY: &str = include_str!("../data/hanzi/hant_only.txt");
const JA_ONLY: &str = include_str!("../data/hanzi/ja_only.txt");

/// What a single Han character says about the text it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HanForm {
    /// Used only in Simplified Chinese (软, 们).
    Simplified,
    /// Used only in Traditional Chinese (軟, 們).
    Traditional,
    /// A Japanese shinjitai form that Chinese does not use (広, 駅).
    Japanese,
    /// Shared, or not in the tables.
    Shared,
}

struct Tables {
    hans: HashSet<char>,
    hant: HashSet<char>,
    ja: HashSet<char>,
}

fn parse(table: &str) -> HashSet<char> {
    table.lines().filter(|l| !l.starts_with('#')).flat_map(str::chars).collect()
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        hans: parse(HANS_ONLY),
        hant: parse(HANT_ONLY),
        ja: parse(JA_ONLY),
    })
}

/// Which form of Chinese (or Japanese) `c` belongs to.
pub fn han_form(c: char) -> HanForm {
    let t = tables();
    if t.hans.contains(&c) {
        HanForm::Simplified
    } else if t.hant.contains(&c) {
        HanForm::Traditional
    } else if t.ja.contains(&c) {
        HanForm::Japanese
    } else {
        HanForm::Shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_forms_apart() {
        assert_eq!(han_form('软'), HanForm::Simplified);
        assert_eq!(han_form('們'), HanForm::Traditional);
        assert_eq!(han_form('駅'), HanForm::Japanese);
        for c in ['中', '后', '干', '台', '里', 'a'] {
            assert_eq!(han_form(c), HanForm::Shared, "{c}");
        }
    }
}
