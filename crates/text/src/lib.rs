//! Text handling for Notebridge. This slice holds what the platform core needs: parsing a note's
//! text into tags, mentions and links, and rendering it to HTML that is safe to show.
//! Normalisation, language identification and segmentation arrive with the language bridge.

pub mod html;
pub mod status;

pub use html::{escape, render_status};
pub use status::{Segment, parse_status, tag_key};

/// A first guess at a text's language, until the language bridge brings real identification:
/// mostly Han characters → `zh`, kana → `ja`, Hangul → `ko`, mostly Latin letters → `en`,
/// otherwise unknown. Mixed text is judged by its majority script.
pub fn guess_language(text: &str) -> Option<&'static str> {
    let (mut han, mut kana, mut hangul, mut latin) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        match c {
            '\u{3040}'..='\u{30FF}' => kana += 1,
            '\u{AC00}'..='\u{D7AF}' => hangul += 1,
            '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' => han += 1,
            'a'..='z' | 'A'..='Z' => latin += 1,
            _ => {}
        }
    }
    // Latin counts letters while Han counts words-ish; weigh a Han character like a short word.
    let scores = [(kana * 3, "ja"), (hangul * 3, "ko"), (han * 3, "zh"), (latin, "en")];
    let best = scores.iter().max_by_key(|(n, _)| *n)?;
    if best.0 == 0 {
        return None;
    }
    if kana > 0 && best.1 == "zh" {
        return Some("ja");
    }
    Some(best.1)
}

#[cfg(test)]
mod guess_tests {
    use super::guess_language;

    #[test]
    fn guesses() {
        assert_eq!(guess_language("今天吃火锅"), Some("zh"));
        assert_eq!(guess_language("Hotpot in Chengdu today"), Some("en"));
        assert_eq!(guess_language("今日はラーメン"), Some("ja"));
        assert_eq!(guess_language("오늘 점심"), Some("ko"));
        assert_eq!(guess_language("12345 !!!"), None);
        assert_eq!(guess_language("hello你好世界"), Some("zh"));
    }
}
