//! A small curated glossary of internet abbreviations (`yyds`, `xswl`, `lol`, `tbh`…), expanded
//! before translation because no engine knows them and a gloss would print them as they are.
//!
//! The data is `data/slang.tsv`, written for Notebridge (see `data/SOURCES.md`). A term is
//! replaced by its expansion *in the target language* and protected like a hashtag, so the
//! engine never sees (or mistranslates) it: `这家火锅yyds` into English becomes `这家火锅⟦0⟧` for
//! the engine and `… the GOAT` after. A term whose expansion for a language is `-` stays as
//! written (`lol` is understood in English).

use std::collections::HashMap;
use std::sync::OnceLock;

use nb_text::Lang;

use crate::lang::is_chinese;

const BUILTIN: &str = include_str!("../data/slang.tsv");

#[derive(Debug, Clone, Default)]
struct Entry {
    zh: Option<String>,
    en: Option<String>,
}

/// Abbreviations and their expansions into Chinese and English.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    terms: HashMap<String, Entry>,
}

impl Glossary {
    /// The glossary shipped in the crate.
    pub fn builtin() -> &'static Glossary {
        static G: OnceLock<Glossary> = OnceLock::new();
        G.get_or_init(|| Glossary::parse(BUILTIN))
    }

    /// Read `term<TAB>zh<TAB>en` lines; `#` starts a comment line, `-` means "keep the term".
    /// Lines with fewer than three fields are skipped.
    pub fn parse(src: &str) -> Glossary {
        let keep = |s: &str| (s != "-" && !s.is_empty()).then(|| s.to_owned());
        let terms = src
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t').map(str::trim);
                let (term, zh, en) = (f.next()?, f.next()?, f.next()?);
                (!term.is_empty())
                    .then(|| (term.to_ascii_lowercase(), Entry { zh: keep(zh), en: keep(en) }))
            })
            .collect();
        Glossary { terms }
    }

    /// The expansion of `word` (matched case-insensitively) for a reader of `target`.
    pub fn expansion(&self, word: &str, target: Lang) -> Option<&str> {
        let entry = self.terms.get(&word.to_ascii_lowercase())?;
        if is_chinese(target) {
            entry.zh.as_deref()
        } else if target == Lang::En {
            entry.en.as_deref()
        } else {
            None
        }
    }

    /// How many terms it holds.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether it holds no term.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_the_common_terms() {
        let g = Glossary::builtin();
        for t in ["yyds", "cpdd", "xswl", "awsl", "nsdd", "zqsg", "u1s1", "lol", "tbh", "ngl"] {
            assert!(g.expansion(t, Lang::ZhHans).is_some(), "{t}");
        }
        assert_eq!(g.expansion("YYDS", Lang::En), Some("the GOAT"));
        assert_eq!(g.expansion("lol", Lang::En), None);
        assert_eq!(g.expansion("lol", Lang::ZhHans), Some("笑死"));
        assert_eq!(g.expansion("hotpot", Lang::En), None);
    }
}
