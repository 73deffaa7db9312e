//! Status text parsing: `#tags` (Chinese tags too, and RedNote's `#话题#` closing form),
//! `@mentions` and `http(s)://` links. Works on any input without panicking; the fuzz target
//! `status_text` holds it to that.

/// A piece of a note's text, in order. Concatenating every piece's source gives the input back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// `#name`, without the `#` marks; `source` is what was written.
    Tag {
        name: &'a str,
        source: &'a str,
    },
    /// `@handle`, without the `@`.
    Mention {
        handle: &'a str,
        source: &'a str,
    },
    Link(&'a str),
}

impl Segment<'_> {
    pub fn source(&self) -> &str {
        match self {
            Segment::Text(s) | Segment::Link(s) => s,
            Segment::Tag { source, .. } | Segment::Mention { source, .. } => source,
        }
    }
}

const MAX_TAG_CHARS: usize = 60;
const MAX_HANDLE_CHARS: usize = 30;

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The form tags are looked up and counted by: lower-cased.
pub fn tag_key(name: &str) -> String {
    name.to_lowercase()
}

/// Split text into segments. A marker (`#`, `@`, a link) starts only at the beginning or after a
/// character that is not an ASCII word character, so `a#b` and `me@mail.com` stay text while
/// `今天#旅行#` is a tag.
pub fn parse_status(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let mut prev: Option<char> = None;
    while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        // Chinese runs on without spaces, so only ASCII word characters glue to a marker.
        let boundary =
            prev.is_none_or(|p| !(p.is_ascii_alphanumeric() || matches!(p, '_' | '#' | '@' | '/')));
        let found = if boundary {
            match c {
                '#' => scan_tag(rest),
                '@' => scan_mention(rest),
                'h' | 'H' => scan_link(rest),
                _ => None,
            }
        } else {
            None
        };
        if let Some((len, seg)) = found {
            if text_start < i {
                out.push(Segment::Text(&text[text_start..i]));
            }
            out.push(seg);
            i += len;
            text_start = i;
            prev = text[..i].chars().next_back();
        } else {
            i += c.len_utf8();
            prev = Some(c);
        }
    }
    if text_start < text.len() {
        out.push(Segment::Text(&text[text_start..]));
    }
    out
}

fn scan_tag(s: &str) -> Option<(usize, Segment<'_>)> {
    let body = &s[1..];
    let end = word_end(body, MAX_TAG_CHARS, is_word)?;
    let name = &body[..end];
    // A tag of digits only is a number ("#1"), not a topic.
    if name.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // RedNote writes topics as `#话题#`: take the closing mark with the tag.
    let len = if body[end..].starts_with('#') { 1 + end + 1 } else { 1 + end };
    Some((len, Segment::Tag { name, source: &s[..len] }))
}

fn scan_mention(s: &str) -> Option<(usize, Segment<'_>)> {
    let body = &s[1..];
    let end = word_end(body, MAX_HANDLE_CHARS, |c| c.is_ascii_alphanumeric() || c == '_')?;
    // `@a@example.com` is a remote address we cannot resolve: leave it as text.
    if body[end..].starts_with('@') {
        return None;
    }
    Some((1 + end, Segment::Mention { handle: &body[..end], source: &s[..1 + end] }))
}

/// Byte length of the run of `accept` characters at the start of `s`, if it is 1..=max chars.
fn word_end(s: &str, max: usize, accept: impl Fn(char) -> bool) -> Option<usize> {
    let mut end = 0;
    for (n, c) in s.chars().enumerate() {
        if !accept(c) {
            break;
        }
        if n == max {
            return None;
        }
        end += c.len_utf8();
    }
    (end > 0).then_some(end)
}

fn scan_link(s: &str) -> Option<(usize, Segment<'_>)> {
    let lower_prefix = s.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let scheme = if lower_prefix.starts_with("https://") {
        8
    } else if lower_prefix.starts_with("http://") {
        7
    } else {
        return None;
    };
    let mut end = s
        .find(|c: char| {
            c.is_whitespace() || is_cjk_punct_or_ideograph(c) || c == '<' || c == '>' || c == '"'
        })
        .unwrap_or(s.len());
    // Sentence punctuation after a link belongs to the sentence.
    while end > scheme && s[..end].ends_with(['.', ',', ';', ':', '!', '?', ')', '\'', ']']) {
        end -= 1;
    }
    (end > scheme).then(|| (end, Segment::Link(&s[..end])))
}

fn is_cjk_punct_or_ideograph(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// The distinct tags of a text, in first-seen order, by key.
pub fn tags(text: &str) -> Vec<String> {
    let mut seen = Vec::<String>::new();
    for seg in parse_status(text) {
        if let Segment::Tag { name, .. } = seg {
            let key = tag_key(name);
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
    }
    seen
}

/// The distinct mentioned handles of a text, lower-cased, in first-seen order.
pub fn mentions(text: &str) -> Vec<String> {
    let mut seen = Vec::<String>::new();
    for seg in parse_status(text) {
        if let Segment::Mention { handle, .. } = seg {
            let key = handle.to_ascii_lowercase();
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(s: &str) -> String {
        parse_status(s).iter().map(|s| s.source().to_owned()).collect()
    }

    #[test]
    fn finds_tags_mentions_links() {
        let s = "Lunch #美食 with @li_wei at https://example.com/a?b=1. #food_pics!";
        let segs = parse_status(s);
        assert!(segs.contains(&Segment::Tag { name: "美食", source: "#美食" }));
        assert!(segs.contains(&Segment::Mention { handle: "li_wei", source: "@li_wei" }));
        assert!(segs.contains(&Segment::Link("https://example.com/a?b=1")));
        assert_eq!(tags(s), vec!["美食", "food_pics"]);
        assert_eq!(roundtrip(s), s);
    }

    #[test]
    fn rednote_closing_mark() {
        let s = "今天#旅行#真开心";
        assert_eq!(parse_status(s)[1], Segment::Tag { name: "旅行", source: "#旅行#" });
        assert_eq!(roundtrip(s), s);
    }

    #[test]
    fn not_markers_inside_words() {
        assert!(tags("a#b c#d issue#1 #1").is_empty());
        assert!(mentions("mail me@example.com or @a@example.com").is_empty());
        assert_eq!(mentions("hi @Ann and @ann"), vec!["ann"]);
    }

    #[test]
    fn links_stop_at_chinese() {
        let s = "看这个https://example.com/x，很好";
        assert!(parse_status(s).contains(&Segment::Link("https://example.com/x")));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in
            ["#", "@", "http://", "#\u{301}", "h", "ʰttp://", "##", "@@", "#a#b#", "\u{0}#\u{0}"]
        {
            assert_eq!(roundtrip(s), s);
        }
    }
}
