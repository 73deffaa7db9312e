//! Engine `gloss`: an offline word-by-word dictionary gloss between Chinese and English.
//!
//! Chinese → English: text is cut into words by `nb_text::segment` (jieba); each word is looked
//! up in a pruned CC-CEDICT (`data/gloss_zh_en.tsv.gz`, CC BY-SA 4.0, see `data/SOURCES.md`),
//! and a word the dictionary lacks is glossed character by character. The result reads like
//! `today 's hotpot too hot`.
//!
//! English → Chinese: phrases of up to three words, then single words (with plural, `-ing`,
//! `-ed` and `'s` endings taken off when the word itself is missing), are looked up in the
//! reverse dictionary made from the same data (`data/gloss_en_zh.tsv.gz`); unknown words stay
//! as they are. `I love hotpot` reads `我爱火锅`.
//!
//! Either way placeholders and digits pass through, and the result is useful for the gist but
//! never a translation: every result is labelled [`Kind::Gloss`]. Each dictionary (about 1 MB
//! unpacked) is decompressed on first use.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use flate2::read::GzDecoder;
use nb_text::script::{Script, script_of};
use nb_text::{Lang, segment, to_simplified, to_traditional};

use crate::error::TranslateError;
use crate::lang::is_chinese;
use crate::translator::{BoxFuture, Kind, Outcome, Translated, Translator};

pub mod english;

const DICT_GZ: &[u8] = include_bytes!("../../../data/gloss_zh_en.tsv.gz");
const EN_DICT_GZ: &[u8] = include_bytes!("../../../data/gloss_en_zh.tsv.gz");

/// A dictionary of the gloss engine: Chinese→English words, or English→Chinese.
#[derive(Debug, Default)]
pub struct Dictionary {
    words: HashMap<String, String>,
}

impl Dictionary {
    /// The Chinese→English dictionary shipped in the crate (decompressed once).
    pub fn builtin() -> &'static Dictionary {
        static D: OnceLock<Dictionary> = OnceLock::new();
        D.get_or_init(|| Dictionary::unpack(DICT_GZ))
    }

    /// The English→Chinese dictionary shipped in the crate (decompressed once).
    pub fn builtin_en() -> &'static Dictionary {
        static D: OnceLock<Dictionary> = OnceLock::new();
        D.get_or_init(|| Dictionary::unpack(EN_DICT_GZ))
    }

    fn unpack(gz: &[u8]) -> Dictionary {
        let mut raw = String::new();
        match GzDecoder::new(gz).read_to_string(&mut raw) {
            Ok(_) => Dictionary::parse(&raw),
            Err(e) => {
                tracing::error!(error = %e, "a built-in gloss dictionary is corrupt");
                Dictionary::default()
            }
        }
    }

    /// Read `word<TAB>gloss` lines.
    pub fn parse(src: &str) -> Dictionary {
        let words = src
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(w, g)| (w.to_owned(), g.to_owned()))
            .collect();
        Dictionary { words }
    }

    /// The gloss of one word (empty for particles the gloss leaves out).
    pub fn lookup(&self, word: &str) -> Option<&str> {
        self.words.get(word).map(String::as_str)
    }

    /// How many words it holds.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether it holds no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Gloss one (simplified) text.
    pub fn gloss(&self, text: &str) -> String {
        let mut words: Vec<String> = Vec::new();
        let mut han = String::new();
        for c in text.chars() {
            if script_of(c) == Some(Script::Han) {
                han.push(c);
                continue;
            }
            self.flush(&mut han, &mut words);
            if let Some(p) = ascii_punct(c) {
                push_punct(&mut words, p);
            } else if c.is_whitespace() {
                words.push(" ".into());
            } else {
                push_char(&mut words, c);
            }
        }
        self.flush(&mut han, &mut words);
        tidy(&words)
    }

    fn flush(&self, han: &mut String, out: &mut Vec<String>) {
        if han.is_empty() {
            return;
        }
        for word in segment(han) {
            match self.lookup(word) {
                Some(g) => push_word(out, g),
                None => {
                    for c in word.chars() {
                        let mut buf = [0u8; 4];
                        let s: &str = c.encode_utf8(&mut buf);
                        push_word(out, self.lookup(s).unwrap_or(s));
                    }
                }
            }
        }
        han.clear();
    }
}

fn push_word(out: &mut Vec<String>, g: &str) {
    if !g.is_empty() {
        out.push(" ".into());
        out.push(g.to_owned());
        out.push(" ".into());
    }
}

fn push_punct(out: &mut Vec<String>, p: char) {
    while out.last().is_some_and(|w| w == " ") {
        out.pop();
    }
    out.push(p.to_string());
    out.push(" ".into());
}

fn push_char(out: &mut Vec<String>, c: char) {
    match out.last_mut() {
        Some(last) if last != " " && !last.ends_with(' ') && !is_word_end(last) => last.push(c),
        _ => out.push(c.to_string()),
    }
}

fn is_word_end(s: &str) -> bool {
    s.chars().next_back().is_some_and(|c| ascii_punct(c).is_some())
}

/// Collapse runs of spaces and trim.
fn tidy(words: &[String]) -> String {
    let joined: String = words.concat();
    joined.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn ascii_punct(c: char) -> Option<char> {
    Some(match c {
        '，' | '、' => ',',
        '。' => '.',
        '！' => '!',
        '？' => '?',
        '：' => ':',
        '；' => ';',
        '…' => '…',
        _ => return None,
    })
}

/// See the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct GlossEngine;

impl Translator for GlossEngine {
    fn name(&self) -> &str {
        "gloss"
    }

    fn supports(&self, source: Lang, target: Lang) -> bool {
        (is_chinese(source) && target == Lang::En) || (source == Lang::En && is_chinese(target))
    }

    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        source: Lang,
        target: Lang,
    ) -> BoxFuture<'a, Result<Vec<Outcome>, TranslateError>> {
        Box::pin(async move {
            if !self.supports(source, target) {
                return Err(TranslateError::Unsupported {
                    engine: "gloss".into(),
                    from: source.tag(),
                    to: target.tag(),
                });
            }
            let gloss = |t: &String| match (source, target) {
                (Lang::En, Lang::ZhHant) => to_traditional(&english::gloss(t)),
                (Lang::En, _) => english::gloss(t),
                (Lang::ZhHant, _) => Dictionary::builtin().gloss(&to_simplified(t)),
                _ => Dictionary::builtin().gloss(t),
            };
            Ok(texts
                .iter()
                .map(|t| {
                    Ok(Translated { text: gloss(t), engine: "gloss".into(), kind: Kind::Gloss })
                })
                .collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glosses_a_note_word_by_word() {
        let d = Dictionary::builtin();
        assert!(d.len() > 40_000);
        assert_eq!(d.gloss("今天的火锅太辣了！"), "today 's hotpot too hot!");
        assert_eq!(d.gloss("⟦0⟧ 周末去成都，⟦1⟧"), "⟦0⟧ weekend go Chengdu, ⟦1⟧");
    }

    #[tokio::test]
    async fn engine_labels_gloss_and_refuses_other_pairs() {
        let e = GlossEngine;
        let out = e.translate(&["軟體很好".to_string()], Lang::ZhHant, Lang::En).await;
        let out = out.ok().and_then(|v| v.into_iter().next()).and_then(Result::ok);
        let t = out.as_ref().map(|t| (t.kind, t.engine.as_str()));
        assert_eq!(t, Some((Kind::Gloss, "gloss")));
        let err = e.translate(&["hi".to_string()], Lang::En, Lang::Ja).await;
        assert!(matches!(err, Err(TranslateError::Unsupported { .. })));
        let out = e.translate(&["I love hotpot".to_string()], Lang::En, Lang::ZhHans).await;
        let text = out.ok().and_then(|v| v.into_iter().next()).and_then(Result::ok).map(|t| t.text);
        assert_eq!(text.as_deref(), Some("我爱火锅"));
    }
}
