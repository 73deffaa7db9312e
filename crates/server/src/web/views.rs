//! What the templates show, built from the use cases' rows: note cards, authors, photos.

use std::collections::HashMap;

use nb_app::{MediaRow, NoteView, Profile, ViewerMarks};

use super::format;
use crate::i18n::Locale;

/// A member as a page shows them: name, handle, avatar and where their profile is.
pub struct Person {
    pub name: String,
    pub handle: String,
    pub url: String,
    pub avatar: String,
}

impl Person {
    pub fn of(p: &Profile) -> Person {
        Person {
            name: if p.display_name.is_empty() { p.handle.clone() } else { p.display_name.clone() },
            handle: p.handle.clone(),
            url: format!("/@{}", p.handle),
            avatar: avatar_url(p.avatar_key.as_deref()),
        }
    }
}

pub fn avatar_url(key: Option<&str>) -> String {
    key.map_or_else(|| "/assets/avatar-missing.png".to_owned(), |k| format!("/media/{k}"))
}

/// A photo with both sizes, for `srcset`, and its placeholder colour.
pub struct Photo {
    pub small: String,
    pub small_width: i64,
    pub large: String,
    pub large_width: i64,
    pub width: i64,
    pub height: i64,
    pub alt: String,
    /// The blurhash's average colour, shown until the picture arrives.
    pub placeholder: String,
}

impl Photo {
    pub fn of(m: &MediaRow) -> Photo {
        Photo {
            small: format!("/media/{}", m.small_key),
            small_width: m.small_width,
            large: format!("/media/{}", m.original_key),
            large_width: m.original_width,
            width: m.small_width.max(1),
            height: m.small_height.max(1),
            alt: m.description.clone(),
            placeholder: blurhash_colour(&m.blurhash),
        }
    }
}

/// The average colour a blurhash encodes in its characters 2..6 (base 83), as `#rrggbb`.
pub fn blurhash_colour(hash: &str) -> String {
    const DIGITS: &str =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
    let value = hash.get(2..6).and_then(|dc| {
        dc.chars().try_fold(0u32, |acc, c| DIGITS.find(c).map(|d| acc * 83 + d as u32))
    });
    match value {
        Some(v) if v <= 0xFF_FFFF => format!("#{v:06x}"),
        _ => "#e9e9ec".to_owned(),
    }
}

/// A note in a grid: cover, title, author and likes.
pub struct Card {
    pub url: String,
    pub title: String,
    pub cover: Option<Photo>,
    pub photos: usize,
    pub author: Person,
    pub likes: String,
    pub liked: bool,
    pub lang: String,
    /// Why Explore shows the note; `None` elsewhere.
    pub why: Option<String>,
}

/// The title a card shows: the note's title, else the start of its text.
pub fn card_title(n: &NoteView) -> String {
    if n.title.is_empty() { n.body.chars().take(60).collect() } else { n.title.clone() }
}

pub fn cards(
    t: &Locale,
    notes: &[NoteView],
    media: &HashMap<i64, Vec<MediaRow>>,
    marks: &ViewerMarks,
) -> Vec<Card> {
    notes
        .iter()
        .map(|n| {
            let photos = media.get(&n.id);
            Card {
                url: format!("/notes/{}", n.id),
                title: card_title(n),
                cover: photos.and_then(|p| p.first()).map(Photo::of),
                photos: photos.map_or(0, Vec::len),
                author: Person::of(&n.author()),
                likes: format::count(t, n.likes_count),
                liked: marks.liked.contains(&n.id),
                lang: n.language.clone().unwrap_or_default(),
                why: None,
            }
        })
        .collect()
}
