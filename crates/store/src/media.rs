//! References to uploaded images; the bytes live in the blob store.

use std::collections::HashMap;

use sqlx::FromRow;

use crate::Store;
use crate::db::{Arg, placeholders};
use crate::error::Result;
use crate::script::{Check, Script};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct MediaRow {
    pub id: i64,
    pub owner_id: i64,
    pub note_id: Option<i64>,
    pub position: i64,
    pub mime: String,
    pub original_key: String,
    pub original_width: i64,
    pub original_height: i64,
    pub small_key: String,
    pub small_width: i64,
    pub small_height: i64,
    pub blurhash: String,
    /// The 64-bit perceptual hash, stored as its two's-complement i64.
    pub phash: i64,
    /// Alt text.
    pub description: String,
    pub created_at: i64,
}

crate::lite::lite_row!(MediaRow {
    id,
    owner_id,
    note_id,
    position,
    mime,
    original_key,
    original_width,
    original_height,
    small_key,
    small_width,
    small_height,
    blurhash,
    phash,
    description,
    created_at,
});

pub(crate) const MEDIA_COLS: &str = "id, owner_id, note_id, position, mime, original_key, original_width, \
    original_height, small_key, small_width, small_height, blurhash, phash, description, created_at";

impl Store {
    pub async fn insert_media(&self, m: &MediaRow) -> Result<()> {
        self.bulk_insert_media(std::slice::from_ref(m)).await
    }

    pub async fn media(&self, id: i64) -> Result<Option<MediaRow>> {
        let sql = format!("SELECT {MEDIA_COLS} FROM media WHERE id = $1");
        self.read_first(&sql, &[Arg::Int(id)]).await
    }

    /// Set a medium's alt text; false when it is not the owner's. The note it is attached to,
    /// if any, counts a media change (`notes.media_rev`).
    pub async fn set_media_description(
        &self,
        id: i64,
        owner: i64,
        description: &str,
    ) -> Result<bool> {
        let mut script = Script::default();
        script.checked(
            "UPDATE media SET description = $3 WHERE id = $1 AND owner_id = $2",
            vec![Arg::Int(id), Arg::Int(owner), Arg::Text(description.to_owned())],
            Check::EndsUnlessChanged,
        );
        script.push(
            "UPDATE notes SET media_rev = media_rev + 1 \
             WHERE id = (SELECT note_id FROM media WHERE id = $1)",
            vec![Arg::Int(id)],
        );
        Ok(self.run_script(script).await? > 0)
    }

    /// The media of these notes, by note, in position order.
    pub async fn media_of_notes(&self, notes: &[i64]) -> Result<HashMap<i64, Vec<MediaRow>>> {
        let mut out: HashMap<i64, Vec<MediaRow>> = HashMap::new();
        if notes.is_empty() {
            return Ok(out);
        }
        let sql = format!(
            "SELECT {MEDIA_COLS} FROM media WHERE note_id IN ({}) ORDER BY note_id, position",
            placeholders(1, notes.len())
        );
        let args: Vec<Arg> = notes.iter().map(|n| Arg::Int(*n)).collect();
        let rows: Vec<MediaRow> = self.read_all(&sql, &args).await?;
        for m in rows {
            if let Some(n) = m.note_id {
                out.entry(n).or_default().push(m);
            }
        }
        Ok(out)
    }
}
