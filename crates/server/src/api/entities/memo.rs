//! Notes as Mastodon statuses, serialised once and reused while nothing they are built from has
//! changed.
//!
//! A feed page is 20 notes of about 4 KB of JSON each. Serialising them (the text rendered to
//! HTML, URLs, timestamps, escaping) cost the server about a third of its CPU under feed load,
//! more than its database reads. The memo keeps each note's JSON beside everything it was built
//! from: the note's row as just read (its counters and its author's profile included) and the
//! base URL. A lookup compares both with the fresh row, so a new like or a changed avatar is
//! never served stale; only the viewer's own marks (`favourited`, `bookmarked`) are written in
//! per request. Notes that may mention someone (an '@' in title or text) are not kept: their
//! HTML depends on which of the mentioned accounts exist.
//!
//! The row also stands for the note's media: it counts changes to them (`media_rev`), so an
//! equal row means equal media, and the media of a kept note are not read at all ([`Kept`]).
//! Reading them for every note of every page, to compare, had become the largest part of a
//! home feed request (28 % of the server's CPU).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use nb_app::NoteView;

use super::View;
use super::status::status;

/// Notes per generation: the memo holds between one and two generations (a few MB each).
const GENERATION: usize = 2048;

const FAVOURITED: &[u8] = b"\"favourited\":";
const BOOKMARKED: &[u8] = b"\"bookmarked\":";

/// See the module comment.
#[derive(Debug, Default)]
pub struct StatusMemo {
    gens: Mutex<Generations>,
}

/// The current generation takes new entries; when full it becomes the previous one and the
/// one before is dropped. Entries used from the previous generation move to the current one.
#[derive(Debug, Default)]
struct Generations {
    current: HashMap<i64, Arc<Entry>>,
    previous: HashMap<i64, Arc<Entry>>,
}

#[derive(Debug)]
struct Entry {
    base: String,
    note: NoteView,
    /// The status without the values of `favourited` and `bookmarked`, which go in at these
    /// offsets.
    json: Vec<u8>,
    favourited_at: usize,
    bookmarked_at: usize,
}

/// The memo's entries still right for a page of notes, taken before its other rows are read:
/// their media need no reading (a note's row says when its media changed, `media_rev`).
#[derive(Debug, Default)]
pub struct Kept(HashMap<i64, Arc<Entry>>);

impl Kept {
    /// Whether the note's status is kept, its media with it.
    pub fn has(&self, note: i64) -> bool {
        self.0.contains_key(&note)
    }
}

impl StatusMemo {
    /// The entries that serve these notes as they are now (see [`Kept`]).
    pub fn kept(&self, base: &str, notes: &[NoteView]) -> Kept {
        Kept(
            notes
                .iter()
                .filter_map(|n| {
                    let e = self.get(n.id)?;
                    (e.base == base && e.note.shows_same(n)).then_some((n.id, e))
                })
                .collect(),
        )
    }

    /// `notes` as a JSON array of statuses, as `view`'s viewer sees them. `view` holds the
    /// media of every note not in `kept`. Where `extra` has an `i`-th entry `(key, value)`, the
    /// `i`-th status gains that string field; both are plain ASCII names, written unescaped.
    pub fn page(
        &self,
        base: &str,
        notes: &[NoteView],
        view: &View,
        kept: &Kept,
        extra: &[(&'static str, &'static str)],
    ) -> serde_json::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(notes.len() * 4096 + 2);
        out.push(b'[');
        for (i, n) in notes.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.write(&mut out, base, n, view, kept)?;
            if let Some((key, value)) = extra.get(i)
                && out.pop_if(|b| *b == b'}').is_some()
            {
                for part in [",\"", key, "\":\"", value, "\"}"] {
                    out.extend_from_slice(part.as_bytes());
                }
            }
        }
        out.push(b']');
        Ok(out)
    }

    /// One note as a status.
    pub fn one(
        &self,
        base: &str,
        note: &NoteView,
        view: &View,
        kept: &Kept,
    ) -> serde_json::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(4096);
        self.write(&mut out, base, note, view, kept)?;
        Ok(out)
    }

    fn write(
        &self,
        out: &mut Vec<u8>,
        base: &str,
        n: &NoteView,
        view: &View,
        kept: &Kept,
    ) -> serde_json::Result<()> {
        let marks = (view.marks.liked.contains(&n.id), view.marks.collected.contains(&n.id));
        if let Some(e) = kept.0.get(&n.id) {
            e.write(out, marks.0, marks.1);
            return Ok(());
        }
        if n.title.contains('@') || n.body.contains('@') {
            return serde_json::to_writer(out, &status(base, n, view));
        }
        // Not kept when `kept` was taken: serialise it and keep it.
        let json = serde_json::to_vec(&status(base, n, view))?;
        match Entry::new(base, n, &json) {
            Some(entry) => {
                entry.write(out, marks.0, marks.1);
                self.put(n.id, Arc::new(entry));
            }
            None => out.extend_from_slice(&json),
        }
        Ok(())
    }

    fn get(&self, id: i64) -> Option<Arc<Entry>> {
        let mut gens = self.gens.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(e) = gens.current.get(&id) {
            return Some(Arc::clone(e));
        }
        let e = gens.previous.remove(&id)?;
        gens.current.insert(id, Arc::clone(&e));
        Some(e)
    }

    fn put(&self, id: i64, entry: Arc<Entry>) {
        let mut gens = self.gens.lock().unwrap_or_else(PoisonError::into_inner);
        if gens.current.len() >= GENERATION {
            gens.previous = std::mem::take(&mut gens.current);
        }
        gens.current.insert(id, entry);
    }
}

impl Entry {
    /// Cut the two marks' values out of `json`; `None` if either key is missing.
    fn new(base: &str, note: &NoteView, json: &[u8]) -> Option<Self> {
        // Keys in the text are escaped (`\"`), so the first unescaped match is the field.
        let (f_start, f_end) = value_at(json, FAVOURITED)?;
        let (b_start, b_end) = value_at(json, BOOKMARKED)?;
        if b_start < f_end {
            return None;
        }
        let mut cut = Vec::with_capacity(json.len());
        cut.extend_from_slice(&json[..f_start]);
        cut.extend_from_slice(&json[f_end..b_start]);
        let bookmarked_at = cut.len();
        cut.extend_from_slice(&json[b_end..]);
        Some(Entry {
            base: base.to_owned(),
            note: note.clone(),
            json: cut,
            favourited_at: f_start,
            bookmarked_at,
        })
    }

    fn write(&self, out: &mut Vec<u8>, favourited: bool, bookmarked: bool) {
        let flag = |b: bool| if b { &b"true"[..] } else { &b"false"[..] };
        out.extend_from_slice(&self.json[..self.favourited_at]);
        out.extend_from_slice(flag(favourited));
        out.extend_from_slice(&self.json[self.favourited_at..self.bookmarked_at]);
        out.extend_from_slice(flag(bookmarked));
        out.extend_from_slice(&self.json[self.bookmarked_at..]);
    }
}

/// Where the boolean value after `key` starts and ends.
fn value_at(json: &[u8], key: &[u8]) -> Option<(usize, usize)> {
    let start = json.windows(key.len()).position(|w| w == key)? + key.len();
    let len = if json[start..].starts_with(b"true") {
        4
    } else if json[start..].starts_with(b"false") {
        5
    } else {
        return None;
    };
    Some((start, start + len))
}
