//! Entity protection: hashtags (`#成都美食`, `#话题#`), `@mentions`, links, emoji and numbers
//! are swapped for placeholders `⟦0⟧`, `⟦1⟧`… before any engine sees the text, and swapped back
//! after. Engines keep such bracketed tokens (an LLM is told to; a dictionary gloss passes them
//! through); a reply that loses, repeats or invents one is rejected, so a mangled tag or link
//! never reaches a reader.
//!
//! Tags, mentions and links are found by `nb_text::parse_status`, the same parser that renders
//! a note, so what is protected is exactly what the page links. The brackets themselves, when a
//! note contains them, are protected too: after protection every `⟦` in the text is ours.
//!
//! Slang terms of the [`Glossary`] are protected the same way, but restore to their expansion
//! in the target language.

use nb_text::{Lang, Segment, parse_status};

use crate::error::Rejection;
use crate::slang::Glossary;

const OPEN: char = '⟦';
const CLOSE: char = '⟧';

/// A text with its entities replaced by placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    text: String,
    entities: Vec<String>,
}

/// Protect `text` without expanding slang.
pub fn protect(text: &str) -> Protected {
    Builder::new(None).run(text)
}

/// Protect `text` and expand the glossary's terms for a reader of `target`.
pub fn protect_for(text: &str, glossary: &Glossary, target: Lang) -> Protected {
    Builder::new(Some((glossary, target))).run(text)
}

impl Protected {
    /// The text with placeholders, as engines receive it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What each placeholder stands for, by number.
    pub fn entities(&self) -> &[String] {
        &self.entities
    }

    /// Put the entities back into `translated`. Every placeholder must appear exactly once.
    pub fn restore(&self, translated: &str) -> Result<String, Rejection> {
        let mut seen = vec![false; self.entities.len()];
        let mut out = String::with_capacity(translated.len());
        for tok in tokens(translated)? {
            match tok {
                Tok::Text(t) => out.push_str(t),
                Tok::Placeholder(id) => {
                    match seen.get_mut(id) {
                        Some(s) if !*s => *s = true,
                        _ => return Err(Rejection::Placeholders),
                    }
                    out.push_str(&self.entities[id]);
                }
            }
        }
        if seen.iter().all(|s| *s) { Ok(out) } else { Err(Rejection::Placeholders) }
    }
}

/// Whether `reply` carries exactly the placeholders of `sent` (same numbers, same counts).
pub fn same_placeholders(sent: &str, reply: &str) -> bool {
    match (placeholder_ids(sent), placeholder_ids(reply)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The placeholder numbers in `s`, sorted; `None` when a bracket is malformed.
pub fn placeholder_ids(s: &str) -> Option<Vec<usize>> {
    let mut ids: Vec<usize> = tokens(s)
        .ok()?
        .into_iter()
        .filter_map(|t| match t {
            Tok::Placeholder(id) => Some(id),
            Tok::Text(_) => None,
        })
        .collect();
    ids.sort_unstable();
    Some(ids)
}

/// Whether `s` has anything besides placeholders, whitespace, punctuation and symbols.
pub fn has_words(s: &str) -> bool {
    match tokens(s) {
        Ok(toks) => {
            toks.iter().any(|t| matches!(t, Tok::Text(t) if t.chars().any(char::is_alphabetic)))
        }
        Err(_) => s.chars().any(char::is_alphabetic),
    }
}

enum Tok<'a> {
    Text(&'a str),
    Placeholder(usize),
}

/// Split `s` into text and placeholders. Engines sometimes add spaces inside the brackets
/// (`⟦ 3 ⟧`); those are accepted. Any other use of the brackets is an error.
fn tokens(s: &str) -> Result<Vec<Tok<'_>>, Rejection> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find([OPEN, CLOSE]) {
        if rest[open..].starts_with(CLOSE) {
            return Err(Rejection::Placeholders);
        }
        if open > 0 {
            out.push(Tok::Text(&rest[..open]));
        }
        let after = &rest[open + OPEN.len_utf8()..];
        let close = after.find(CLOSE).ok_or(Rejection::Placeholders)?;
        let id = after[..close].trim().parse::<usize>().map_err(|_| Rejection::Placeholders)?;
        out.push(Tok::Placeholder(id));
        rest = &after[close + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(Tok::Text(rest));
    }
    Ok(out)
}

struct Builder<'g> {
    slang: Option<(&'g Glossary, Lang)>,
    text: String,
    entities: Vec<String>,
}

impl<'g> Builder<'g> {
    fn new(slang: Option<(&'g Glossary, Lang)>) -> Self {
        Builder { slang, text: String::new(), entities: Vec::new() }
    }

    fn run(mut self, input: &str) -> Protected {
        for seg in parse_status(input) {
            match seg {
                Segment::Text(t) => self.scan(t),
                other => self.entity(other.source().to_owned()),
            }
        }
        Protected { text: self.text, entities: self.entities }
    }

    fn entity(&mut self, value: String) {
        self.text.push(OPEN);
        self.text.push_str(&self.entities.len().to_string());
        self.text.push(CLOSE);
        self.entities.push(value);
    }

    fn scan(&mut self, s: &str) {
        let mut i = 0;
        let mut prev: Option<char> = None;
        while let Some(c) = s[i..].chars().next() {
            let mut end = i + c.len_utf8();
            if c == OPEN || c == CLOSE {
                self.entity(c.to_string());
            } else if is_emoji(c) {
                end = run_end(s, end, |c| is_emoji(c) || is_emoji_joiner(c));
                self.entity(s[i..end].to_owned());
            } else if c.is_ascii_alphanumeric() && !prev.is_some_and(|p| p.is_ascii_alphanumeric())
            {
                let word_end = run_end(s, i, |c| c.is_ascii_alphanumeric());
                let word = &s[i..word_end];
                if let Some(exp) = self.slang.and_then(|(g, t)| g.expansion(word, t)) {
                    end = word_end;
                    self.entity(exp.to_owned());
                } else if c.is_ascii_digit() {
                    end = self.number(s, i);
                } else {
                    end = word_end;
                    self.text.push_str(word);
                }
            } else if is_digit(c) && !prev.is_some_and(|p| p.is_ascii_alphanumeric()) {
                end = self.number(s, i);
            } else {
                self.text.push(c);
            }
            prev = s[..end].chars().next_back();
            i = end;
        }
    }

    /// Protect the number starting at `start` (`3`, `1,000`, `3.5`, `18:30`, `１２`, keycap
    /// `1️⃣`); returns where it ends.
    fn number(&mut self, s: &str, start: usize) -> usize {
        let mut end = start;
        let mut chars = s[start..].char_indices().peekable();
        while let Some((off, c)) = chars.next() {
            let sep = matches!(c, '.' | ',' | ':' | '/');
            let next_digit = chars.peek().is_some_and(|(_, n)| is_digit(*n));
            if is_digit(c) || (sep && next_digit && end > start) {
                end = start + off + c.len_utf8();
            } else {
                break;
            }
        }
        end = run_end(s, end, is_emoji_joiner);
        self.entity(s[start..end].to_owned());
        end
    }
}

fn run_end(s: &str, from: usize, accept: impl Fn(char) -> bool) -> usize {
    s[from..].char_indices().find(|(_, c)| !accept(*c)).map_or(s.len(), |(off, _)| from + off)
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Pictographic characters: emoticons, symbols and pictographs, transport, supplemental
/// symbols, dingbats, miscellaneous symbols, a few stars and arrows used as emoji.
fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}'
        | '\u{2600}'..='\u{27BF}'
        | '\u{2300}'..='\u{23FF}'
        | '\u{2B05}'..='\u{2B55}'
        | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}' | '\u{3030}' | '\u{303D}'
        | '\u{3297}' | '\u{3299}')
}

/// Characters that continue an emoji: zero-width joiner, variation selectors, the keycap
/// mark, tag characters (subdivision flags).
fn is_emoji_joiner(c: char) -> bool {
    matches!(c, '\u{200D}' | '\u{FE0E}' | '\u{FE0F}' | '\u{20E3}' | '\u{E0020}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(s: &str) -> Protected {
        let p = protect(s);
        assert_eq!(p.restore(p.text()).as_deref(), Ok(s), "{s:?}");
        p
    }

    #[test]
    fn protects_the_entities_of_a_real_note() {
        let note = "周末去成都吃了3家火锅🔥🔥 #成都美食# @xiaohong_22 推荐第2家！\n地址看这里 https://example.com/p/123?x=1 人均¥88";
        let p = roundtrip(note);
        assert_eq!(
            p.text(),
            "周末去成都吃了⟦0⟧家火锅⟦1⟧ ⟦2⟧ ⟦3⟧ 推荐第⟦4⟧家！\n地址看这里 ⟦5⟧ 人均¥⟦6⟧"
        );
        assert_eq!(p.entities()[2], "#成都美食#");
        assert_eq!(p.entities()[5], "https://example.com/p/123?x=1");
    }

    #[test]
    fn english_note_with_numbers_emoji_and_line_breaks() {
        let note = "Day 2 in Chengdu 🌶️\nWalked 12,500 steps, hotpot at 18:30 #travel @amy\n\nRating: 4.5/5 👨‍👩‍👧";
        let p = roundtrip(note);
        assert_eq!(
            p.text(),
            "Day ⟦0⟧ in Chengdu ⟦1⟧\nWalked ⟦2⟧ steps, hotpot at ⟦3⟧ ⟦4⟧ ⟦5⟧\n\nRating: ⟦6⟧ ⟦7⟧"
        );
        assert_eq!(p.entities()[1], "🌶️");
        assert_eq!(p.entities()[6], "4.5/5");
        assert_eq!(p.entities()[7], "👨‍👩‍👧");
    }

    #[test]
    fn words_with_digits_and_emails_stay_text() {
        let p = roundtrip("新买的iPhone15 mail me@mail.com 1️⃣");
        assert_eq!(p.text(), "新买的iPhone15 mail me@mail.com ⟦0⟧");
    }

    #[test]
    fn brackets_in_the_note_are_protected_too() {
        let p = roundtrip("看⟦0⟧这个");
        assert_eq!(p.text(), "看⟦0⟧⟦1⟧⟦2⟧这个");
        assert_eq!(p.entities(), ["⟦", "0", "⟧"]);
    }

    #[test]
    fn restore_rejects_lost_repeated_unknown_and_broken_placeholders() {
        let p = protect("#火锅 好吃 😋");
        assert_eq!(p.text(), "⟦0⟧ 好吃 ⟦1⟧");
        assert_eq!(p.restore("⟦0⟧ tasty ⟦ 1 ⟧").as_deref(), Ok("#火锅 tasty 😋"));
        for bad in
            ["⟦0⟧ tasty", "⟦0⟧ ⟦0⟧ tasty ⟦1⟧", "⟦0⟧ ⟦1⟧ ⟦2⟧", "⟦0⟧ ⟦1", "⟧⟦0⟧⟦1⟧", "⟦x⟧⟦0⟧⟦1⟧"]
        {
            assert_eq!(p.restore(bad), Err(Rejection::Placeholders), "{bad}");
        }
    }

    #[test]
    fn slang_is_replaced_by_its_expansion() {
        let g = Glossary::builtin();
        let p = protect_for("这家火锅yyds，xswl lol", g, Lang::En);
        assert_eq!(p.text(), "这家火锅⟦0⟧，⟦1⟧ lol");
        assert_eq!(
            p.restore("This hotpot ⟦0⟧, ⟦1⟧ lol").as_deref(),
            Ok("This hotpot the GOAT, dying of laughter lol")
        );
        let p = protect_for("tbh the hotpot was too spicy lol", g, Lang::ZhHans);
        assert_eq!(p.text(), "⟦0⟧ the hotpot was too spicy ⟦1⟧");
        assert_eq!(p.entities(), ["说实话", "笑死"]);
    }

    #[test]
    fn placeholder_helpers() {
        assert!(same_placeholders("a ⟦1⟧ b ⟦0⟧", "⟦0⟧ x ⟦1⟧"));
        assert!(!same_placeholders("a ⟦1⟧", "a"));
        assert!(!has_words("⟦0⟧ ！ ⟦1⟧"));
        assert!(has_words("⟦0⟧ 好"));
    }
}
