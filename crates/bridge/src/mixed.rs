//! Mixed text, translated per segment: `今天的hotpot太辣了lol` into English keeps `hotpot` and
//! `lol` and sends only `今天的` and `太辣了` to the engine.
//!
//! A protected text is cut into lines (so line breaks survive any engine) and each line into
//! runs by script: a run written in the source language's script is translated, any other run
//! (the target's script, or a third one) is kept. Characters without a script — spaces,
//! punctuation, digits, placeholders — join the run before them, or the first run of a line.
//! When the target separates words with spaces, a space is put back where a translated run
//! meets a kept word.

use nb_text::Lang;
use nb_text::script::script_of;

use crate::lang::{spaced, writes};
use crate::protect::has_words;

/// A stretch of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run<'a> {
    /// Kept as written.
    Keep(&'a str),
    /// Sent to the engine.
    Translate(&'a str),
}

/// Cut one line into runs (see the module docs).
pub fn runs(line: &str, source: Lang) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in line.char_indices() {
        let Some(script) = script_of(c) else { continue };
        let translate = writes(source, script);
        match current {
            Some(t) if t != translate => {
                out.push(make(&line[start..i], t));
                start = i;
                current = Some(translate);
            }
            None => current = Some(translate),
            _ => {}
        }
    }
    if start < line.len() || out.is_empty() {
        out.push(make(&line[start..], current.unwrap_or(false)));
    }
    out
}

fn make(s: &str, translate: bool) -> Run<'_> {
    if translate && has_words(s) { Run::Translate(s) } else { Run::Keep(s) }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Keep(String),
    /// `core` goes to the engine; the whitespace around it is kept as written.
    Translate {
        lead: String,
        core: String,
        trail: String,
    },
    Newline,
}

/// How one text is translated: which pieces go to the engine, and how to put the answer back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    parts: Vec<Part>,
}

impl Plan {
    /// Plan the translation of a (protected) text from `source`.
    pub fn new(text: &str, source: Lang) -> Plan {
        let mut parts = Vec::new();
        for (n, line) in text.split('\n').enumerate() {
            if n > 0 {
                parts.push(Part::Newline);
            }
            for run in runs(line, source) {
                parts.push(match run {
                    Run::Keep(s) => Part::Keep(s.to_owned()),
                    Run::Translate(s) => {
                        let core = s.trim();
                        let lead_len = s.len() - s.trim_start().len();
                        Part::Translate {
                            lead: s[..lead_len].to_owned(),
                            core: core.to_owned(),
                            trail: s[lead_len + core.len()..].to_owned(),
                        }
                    }
                });
            }
        }
        Plan { parts }
    }

    /// The pieces to translate, in order.
    pub fn pieces(&self) -> Vec<&str> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Translate { core, .. } => Some(core.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Put the text back together with `translated[i]` in place of piece `i`. Missing
    /// translations leave the piece as it was.
    pub fn assemble(&self, translated: &[String], target: Lang) -> String {
        let mut out = String::new();
        let mut next = translated.iter();
        for part in &self.parts {
            match part {
                Part::Newline => out.push('\n'),
                Part::Keep(s) => join(&mut out, s, target),
                Part::Translate { lead, core, trail } => {
                    let t = next.next().map_or(core.as_str(), |t| t.trim());
                    join(&mut out, lead, target);
                    join(&mut out, t, target);
                    out.push_str(trail);
                }
            }
        }
        out
    }
}

/// Append `next`, with a space first where a spaced target needs one between words.
pub(crate) fn join(out: &mut String, next: &str, target: Lang) {
    let open = |c: char| !c.is_whitespace() && !matches!(c, '(' | '[' | '“' | '‘' | '"' | '\'');
    let attaches = |c: char| {
        c.is_whitespace()
            || matches!(c, ',' | '.' | '!' | '?' | ':' | ';' | ')' | ']' | '”' | '’' | '…')
            || is_cjk_punct(c)
    };
    if spaced(target)
        && out.chars().next_back().is_some_and(open)
        && next.chars().next().is_some_and(|c| !attaches(c))
    {
        out.push(' ');
    }
    out.push_str(next);
}

fn is_cjk_punct(c: char) -> bool {
    ('\u{3000}'..='\u{303F}').contains(&c) || ('\u{FF00}'..='\u{FF0F}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_mixed_text_by_script() {
        assert_eq!(
            runs("今天的hotpot太辣了lol", Lang::ZhHans),
            vec![
                Run::Translate("今天的"),
                Run::Keep("hotpot"),
                Run::Translate("太辣了"),
                Run::Keep("lol")
            ]
        );
        assert_eq!(
            runs("⟦0⟧ I love 火锅 so much!", Lang::En),
            vec![Run::Translate("⟦0⟧ I love "), Run::Keep("火锅 "), Run::Translate("so much!")]
        );
        assert_eq!(runs("⟦0⟧ ⟦1⟧", Lang::En), vec![Run::Keep("⟦0⟧ ⟦1⟧")]);
        assert_eq!(runs("", Lang::En), vec![Run::Keep("")]);
    }

    #[test]
    fn plans_and_assembles_lines() {
        let plan = Plan::new("今天的hotpot太辣了lol\n\n⟦0⟧ 明天见！", Lang::ZhHans);
        assert_eq!(plan.pieces(), vec!["今天的", "太辣了", "⟦0⟧ 明天见！"]);
        let out = plan.assemble(
            &["Today's".into(), "was too spicy".into(), "⟦0⟧ See you tomorrow!".into()],
            Lang::En,
        );
        assert_eq!(out, "Today's hotpot was too spicy lol\n\n⟦0⟧ See you tomorrow!");
    }

    #[test]
    fn english_into_chinese_keeps_han_runs() {
        let plan = Plan::new("I love 火锅 so much", Lang::En);
        assert_eq!(plan.pieces(), vec!["I love", "so much"]);
        assert_eq!(plan.assemble(&["我爱".into(), "非常".into()], Lang::ZhHans), "我爱 火锅 非常");
    }
}
