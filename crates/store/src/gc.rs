//! Removing media rows and profile pictures, with the blob releases that follow them enqueued in
//! the same transaction; and the question blob collection asks: does any row still use a key?

use crate::Store;
use crate::db::{on_read, on_write};
use crate::error::Result;
use crate::jobs::{NewJob, enqueue_job};
use crate::media::{MEDIA_COLS, MediaRow};

/// A profile picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    Avatar,
    Header,
}

impl Picture {
    fn column(self) -> &'static str {
        match self {
            Picture::Avatar => "avatar_key",
            Picture::Header => "header_key",
        }
    }
}

/// What became of a request to delete an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaRemoval {
    Removed(Box<MediaRow>),
    /// Not there, or not the owner's.
    NotFound,
    /// Still attached to a note.
    Attached,
}

fn keys_of(rows: &[MediaRow]) -> Vec<String> {
    rows.iter().flat_map(|m| [m.original_key.clone(), m.small_key.clone()]).collect()
}

impl Store {
    /// Set (or clear) a profile picture. When it replaces another, `release` builds the job that
    /// frees the old blob, enqueued with the change. Returns the old key.
    pub async fn set_profile_picture(
        &self,
        account: i64,
        which: Picture,
        key: Option<&str>,
        release: impl FnOnce(Vec<String>) -> NewJob,
    ) -> Result<Option<String>> {
        let col = which.column();
        let read = format!("SELECT {col} FROM accounts WHERE id = $1");
        let write = format!("UPDATE accounts SET {col} = $2 WHERE id = $1");
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let old: Option<(Option<String>,)> = sqlx::query_as(sqlx::AssertSqlSafe(read))
                .bind(account)
                .fetch_optional(&mut *tx)
                .await?;
            let old = old.ok_or(crate::StoreError::NotFound)?.0;
            sqlx::query(sqlx::AssertSqlSafe(write))
                .bind(account)
                .bind(key)
                .execute(&mut *tx)
                .await?;
            if let Some(old) = old.as_ref().filter(|o| Some(o.as_str()) != key) {
                let _ = enqueue_job!(tx, &release(vec![old.clone()]));
            }
            tx.commit().await?;
            Ok(old)
        })
    }

    /// Delete one of `owner`'s uploads that no note carries; `release` builds the job that frees
    /// its blobs.
    pub async fn remove_unattached_media(
        &self,
        id: i64,
        owner: i64,
        release: impl FnOnce(Vec<String>) -> NewJob,
    ) -> Result<MediaRemoval> {
        let sql = format!(
            "DELETE FROM media WHERE id = $1 AND owner_id = $2 AND note_id IS NULL \
             RETURNING {MEDIA_COLS}"
        );
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let row: Option<MediaRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(owner)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                let attached: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM media WHERE id = $1 AND owner_id = $2 AND note_id IS NOT NULL",
                )
                .bind(id)
                .bind(owner)
                .fetch_optional(&mut *tx)
                .await?;
                return Ok(if attached.is_some() {
                    MediaRemoval::Attached
                } else {
                    MediaRemoval::NotFound
                });
            };
            let _ = enqueue_job!(tx, &release(keys_of(std::slice::from_ref(&row))));
            tx.commit().await?;
            Ok(MediaRemoval::Removed(Box::new(row)))
        })
    }

    /// Delete up to `limit` uploads created before `before` that no note carries (abandoned
    /// drafts, photos of deleted notes), oldest first; `release` builds the job that frees their
    /// blobs. Returns how many went.
    pub async fn prune_unattached_media(
        &self,
        before: i64,
        limit: i64,
        release: impl FnOnce(Vec<String>) -> NewJob,
    ) -> Result<usize> {
        let sql = format!(
            "DELETE FROM media WHERE id IN (SELECT id FROM media WHERE note_id IS NULL \
             AND created_at < $1 ORDER BY id LIMIT $2) RETURNING {MEDIA_COLS}"
        );
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let rows: Vec<MediaRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(before)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
            if !rows.is_empty() {
                let _ = enqueue_job!(tx, &release(keys_of(&rows)));
            }
            tx.commit().await?;
            Ok(rows.len())
        })
    }

    /// Whether any upload or profile refers to the blob `key`.
    pub async fn blob_in_use(&self, key: &str) -> Result<bool> {
        let found: Option<(String,)> = on_read!(self, |p| sqlx::query_as(
            "SELECT original_key FROM media WHERE original_key = $1 \
             UNION ALL SELECT small_key FROM media WHERE small_key = $1 \
             UNION ALL SELECT avatar_key FROM accounts WHERE avatar_key = $1 \
             UNION ALL SELECT header_key FROM accounts WHERE header_key = $1 LIMIT 1"
        )
        .bind(key)
        .fetch_optional(p)
        .await)?;
        Ok(found.is_some())
    }
}
