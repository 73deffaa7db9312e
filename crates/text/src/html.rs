//! Rendering a note's text to HTML in the shape Mastodon clients expect: paragraphs, `<br>`
//! line breaks, and links for tags, mentions and URLs. Every piece of user text is escaped.

use std::fmt::Write;

use crate::status::{Segment, parse_status, tag_key};

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Render `text` as HTML. `base` is the instance's public URL; `mention_url` turns a handle into
/// its profile URL when the account exists (unknown mentions stay plain text).
pub fn render_status(
    title: &str,
    text: &str,
    base: &str,
    mention_url: impl Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::new();
    if !title.is_empty() {
        let _ = write!(out, "<p>{}</p>", escape(title));
    }
    let normalised = text.replace("\r\n", "\n");
    for para in normalised.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        for seg in parse_status(para) {
            match seg {
                Segment::Text(t) => out.push_str(&escape(t).replace('\n', "<br>")),
                Segment::Tag { name, .. } => {
                    let _ = write!(
                        out,
                        r#"<a href="{}/tags/{}" class="mention hashtag" rel="tag">#<span>{}</span></a>"#,
                        escape(base),
                        escape(&percent_path(&tag_key(name))),
                        escape(name)
                    );
                }
                Segment::Mention { handle, source } => match mention_url(handle) {
                    Some(url) => {
                        let _ = write!(
                            out,
                            r#"<span class="h-card"><a href="{}" class="u-url mention">@<span>{}</span></a></span>"#,
                            escape(&url),
                            escape(handle)
                        );
                    }
                    None => out.push_str(&escape(source)),
                },
                Segment::Link(url) => {
                    let _ = write!(
                        out,
                        r#"<a href="{0}" rel="nofollow noopener noreferrer" target="_blank">{0}</a>"#,
                        escape(url)
                    );
                }
            }
        }
        out.push_str("</p>");
    }
    out
}

/// Percent-encode a path segment (tags may be Chinese).
fn percent_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_from_the_user() {
        let html =
            render_status("<b>t</b>", "<script>alert(1)</script> & \"q\"", "http://x", |_| None);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("&amp; &quot;q&quot;"));
    }

    #[test]
    fn paragraphs_breaks_and_links() {
        let html = render_status("", "one\ntwo\n\n#美食 @ann @ghost", "http://x", |h| {
            (h == "ann").then(|| "http://x/@ann".to_owned())
        });
        assert_eq!(
            html,
            "<p>one<br>two</p><p><a href=\"http://x/tags/%E7%BE%8E%E9%A3%9F\" class=\"mention hashtag\" rel=\"tag\">#<span>美食</span></a> \
<span class=\"h-card\"><a href=\"http://x/@ann\" class=\"u-url mention\">@<span>ann</span></a></span> @ghost</p>"
        );
    }

    #[test]
    fn link_with_quote_cannot_break_out() {
        let html = render_status("", "https://a.b/x\"onmouseover=1", "http://x", |_| None);
        assert!(!html.contains("\"onmouseover"));
    }
}
