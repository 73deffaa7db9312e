//! What of a piece the model sees: sentences, one at a time, without placeholders.
//!
//! OPUS-MT models were trained on single sentences and do not keep `⟦0⟧` placeholders, so a
//! piece is cut at placeholders and then into sentences (after `。！？；` or after `.!?;` and a
//! space); each sentence is translated alone and the placeholders and whitespace are put back
//! where they were. Word order around an entity is the source's, which is the price of never
//! losing one. Shorter inputs also keep the attention cost (quadratic in length) down.

use nb_text::Lang;

use crate::mixed::join;

/// A stretch of a piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span<'a> {
    Keep(&'a str),
    Translate(&'a str),
}

/// Cut `text` into spans (see the module docs).
pub fn spans(text: &str) -> Vec<Span<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('⟦') {
        let Some(len) = rest[open..].find('⟧').map(|c| c + '⟧'.len_utf8()) else { break };
        sentences(&rest[..open], &mut out);
        out.push(Span::Keep(&rest[open..open + len]));
        rest = &rest[open + len..];
    }
    sentences(rest, &mut out);
    out
}

fn is_closer(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '"')
}

fn sentences<'a>(text: &'a str, out: &mut Vec<Span<'a>>) {
    let mut start = 0;
    // A terminator seen, waiting for the closing quotes and brackets after it.
    let mut closing = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let ends = match c {
            '。' | '！' | '？' | '；' => true,
            '.' | '!' | '?' | ';' => next.is_none_or(|n| n.is_whitespace() || is_closer(n)),
            _ => closing && is_closer(c),
        };
        closing = ends && next.is_some_and(is_closer);
        if ends && !closing {
            let end = i + c.len_utf8();
            sentence(&text[start..end], out);
            start = end;
        }
    }
    sentence(&text[start..], out);
}

fn sentence<'a>(s: &'a str, out: &mut Vec<Span<'a>>) {
    if s.is_empty() {
        return;
    }
    let core = s.trim();
    let lead = s.len() - s.trim_start().len();
    if core.chars().any(char::is_alphanumeric) {
        if lead > 0 {
            out.push(Span::Keep(&s[..lead]));
        }
        out.push(Span::Translate(core));
        if lead + core.len() < s.len() {
            out.push(Span::Keep(&s[lead + core.len()..]));
        }
    } else {
        out.push(Span::Keep(s));
    }
}

/// Put translations (one per `Translate` span, in order) back between the kept spans.
pub fn assemble(spans: &[Span<'_>], translated: &[String], target: Lang) -> String {
    let mut out = String::new();
    let mut next = translated.iter();
    for span in spans {
        match span {
            Span::Keep(s) => join(&mut out, s, target),
            Span::Translate(s) => join(&mut out, next.next().map_or(s, |t| t.as_str()), target),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_placeholders_and_sentences() {
        use Span::{Keep, Translate};
        assert_eq!(
            spans("今天很好。明天见！⟦0⟧ 再见"),
            vec![
                Translate("今天很好。"),
                Translate("明天见！"),
                Keep("⟦0⟧"),
                Keep(" "),
                Translate("再见")
            ]
        );
        assert_eq!(
            spans("Pi is 3.14. He said \"hi.\" Ok"),
            vec![
                Translate("Pi is 3.14."),
                Keep(" "),
                Translate("He said \"hi.\""),
                Keep(" "),
                Translate("Ok")
            ]
        );
        assert_eq!(spans("⟦0⟧⟦1⟧"), vec![Keep("⟦0⟧"), Keep("⟦1⟧")]);
        assert_eq!(spans("!!"), vec![Keep("!!")]);
    }

    #[test]
    fn assembles_with_spaces_for_english() {
        let s = spans("去⟦0⟧吃饭。好吃！");
        let t: Vec<String> = ["go to", "eat.", "Tasty!"].map(String::from).to_vec();
        assert_eq!(assemble(&s, &t, Lang::En), "go to ⟦0⟧ eat. Tasty!");
    }
}
