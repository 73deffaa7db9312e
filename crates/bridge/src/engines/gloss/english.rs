//! English → Chinese gloss: longest phrase first (three words, two, one), then the word with a
//! common ending taken off; unknown words stay as they are.

use super::Dictionary;

/// A piece of the text being glossed.
#[derive(Debug, PartialEq)]
enum Piece {
    /// Chinese from the dictionary (empty: a word the gloss drops, like "the").
    Zh(String),
    /// A word the dictionary lacks, kept as written.
    Latin(String),
    Space,
    /// Anything else (digits, punctuation, placeholders, emoji), kept.
    Other(char),
}

/// Gloss English `text` word by word into Simplified Chinese.
pub fn gloss(text: &str) -> String {
    gloss_with(Dictionary::builtin_en(), text)
}

pub(super) fn gloss_with(dict: &Dictionary, text: &str) -> String {
    let tokens = tokenize(text);
    let mut pieces = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            Token::Space => pieces.push(Piece::Space),
            Token::Other(c) => pieces.push(Piece::Other(c)),
            Token::Word(w) => {
                let (zh, used) = longest_match(dict, &tokens[i..]);
                pieces.push(zh.map_or_else(|| Piece::Latin(w.to_owned()), Piece::Zh));
                i += used;
                continue;
            }
        }
        i += 1;
    }
    render(&pieces)
}

#[derive(Debug, Clone, Copy)]
enum Token<'a> {
    Word(&'a str),
    Space,
    Other(char),
}

/// Words are ASCII letters with inner apostrophes or hyphens (`don't`, `ice-cream`).
fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let inner = (c == '\'' || c == '’' || c == '-')
            && start.is_some()
            && chars.get(k + 1).is_some_and(|(_, n)| n.is_ascii_alphabetic());
        if c.is_ascii_alphabetic() || inner {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(Token::Word(&text[s..i]));
        }
        out.push(if c.is_whitespace() { Token::Space } else { Token::Other(c) });
    }
    if let Some(s) = start {
        out.push(Token::Word(&text[s..]));
    }
    out
}

/// The longest phrase (up to three words joined by single spaces) at the start of `tokens`
/// that the dictionary has, and how many tokens it used; else the first word alone.
fn longest_match(dict: &Dictionary, tokens: &[Token<'_>]) -> (Option<String>, usize) {
    for words in [3, 2] {
        let span = words * 2 - 1;
        let Some(window) = tokens.get(..span) else { continue };
        let mut phrase = String::new();
        let ok = window.iter().enumerate().all(|(k, t)| match (k % 2, t) {
            (0, Token::Word(w)) => {
                if k > 0 {
                    phrase.push(' ');
                }
                phrase.push_str(&w.to_ascii_lowercase());
                true
            }
            (1, Token::Space) => true,
            _ => false,
        });
        if ok && let Some(zh) = dict.lookup(&phrase) {
            return (Some(zh.to_owned()), span);
        }
    }
    match tokens.first() {
        Some(Token::Word(w)) => (word(dict, w), 1),
        _ => (None, 1),
    }
}

/// One word, or the word with a common ending taken off.
fn word(dict: &Dictionary, w: &str) -> Option<String> {
    let lower = w.to_ascii_lowercase().replace('’', "'");
    if let Some(zh) = dict.lookup(&lower) {
        return Some(zh.to_owned());
    }
    if let Some(stem) = lower.strip_suffix("'s")
        && let Some(zh) = word(dict, stem)
    {
        return Some(format!("{zh}的"));
    }
    const ENDINGS: &[(&str, &str)] = &[
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ing", ""),
        ("ing", "e"),
        ("ed", ""),
        ("ed", "e"),
        ("ied", "y"),
        ("ly", ""),
    ];
    ENDINGS
        .iter()
        .find_map(|(end, add)| {
            let stem = lower.strip_suffix(end)?;
            if stem.len() < 2 {
                return None;
            }
            let candidate = format!("{stem}{add}");
            // "running" -> "runn" -> "run": a doubled final consonant.
            let undoubled = (end.starts_with('i') || end.starts_with('e'))
                .then(|| {
                    let b = stem.as_bytes();
                    (b.len() > 2 && b[b.len() - 1] == b[b.len() - 2])
                        .then(|| stem[..stem.len() - 1].to_owned())
                })
                .flatten();
            dict.lookup(&candidate).or_else(|| undoubled.as_deref().and_then(|u| dict.lookup(u)))
        })
        .map(str::to_owned)
}

/// Chinese pieces join without spaces; a space stays where a Latin word or other text is on
/// either side; ASCII punctuation after Chinese becomes its full-width form.
fn render(pieces: &[Piece]) -> String {
    let shown: Vec<&Piece> =
        pieces.iter().filter(|p| !matches!(p, Piece::Zh(z) if z.is_empty())).collect();
    let mut out = String::new();
    for (k, p) in shown.iter().enumerate() {
        let prev = k.checked_sub(1).map(|j| shown[j]);
        match p {
            Piece::Zh(zh) => out.push_str(zh),
            Piece::Latin(w) => out.push_str(w),
            Piece::Other(c) => {
                match full_width(*c).filter(|_| matches!(prev, Some(Piece::Zh(_)))) {
                    Some(f) => out.push(f),
                    None => out.push(*c),
                }
            }
            Piece::Space => {
                let next = shown[k + 1..].iter().find(|p| !matches!(p, Piece::Space));
                let latin =
                    |p: Option<&&Piece>| matches!(p, Some(Piece::Latin(_) | Piece::Other(_)));
                if !out.is_empty() && !out.ends_with(' ') && (latin(prev.as_ref()) || latin(next)) {
                    out.push(' ');
                }
            }
        }
    }
    out.trim_end().to_owned()
}

fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        '.' => '。',
        '!' => '！',
        '?' => '？',
        ':' => '：',
        ';' => '；',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glosses_phrases_words_and_endings() {
        assert_eq!(gloss("I love hotpot"), "我爱火锅");
        assert_eq!(gloss("The cats are so cute!"), "猫是所以可爱！");
        assert_eq!(gloss("ice cream"), "冰淇淋");
        assert_eq!(gloss("my friend's coffee"), "我的朋友的咖啡");
    }

    #[test]
    fn keeps_what_it_does_not_know() {
        assert_eq!(gloss("Zorblax ⟦0⟧ 3.5 km"), "Zorblax ⟦0⟧ 3.5 km");
        assert_eq!(gloss("hotpot in Zorblax"), "火锅在 Zorblax");
        assert_eq!(gloss(""), "");
        assert_eq!(gloss("   "), "");
    }
}
