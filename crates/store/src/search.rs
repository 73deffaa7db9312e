//! Searching accounts and tags by what a member types. Accounts are few enough per instance for
//! a scan (the search crate replaces this with an index); tags walk an index by prefix.

use crate::Store;
use crate::accounts::Profile;
use crate::db::{Db, on_read};
use crate::error::Result;

/// Escape LIKE's wildcards so a query matches literally.
fn like_literal(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Escape GLOB's wildcards (SQLite) by wrapping them in brackets.
fn glob_literal(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '*' | '?' | '[' | ']' => format!("[{c}]"),
            c => c.to_string(),
        })
        .collect()
}

impl Store {
    /// Accounts whose handle starts with `q` or whose display name contains it: the exact
    /// handle first, then handle prefixes, then display names, most followed first in each.
    pub async fn search_accounts(&self, q: &str, limit: i64, offset: i64) -> Result<Vec<Profile>> {
        let q = q.trim().trim_start_matches('@').to_lowercase();
        let prefix = format!("{}%", like_literal(&q));
        let anywhere = format!("%{}%", like_literal(&q));
        Ok(on_read!(self, |p| sqlx::query_as(
            "SELECT id, handle, display_name, bio, home_region, languages, role, created_at, \
             notes_count, followers_count, following_count, last_note_at, avatar_key, header_key \
             FROM accounts \
             WHERE state = 'active' AND (handle_key LIKE $1 ESCAPE '\\' \
             OR LOWER(display_name) LIKE $2 ESCAPE '\\') \
             ORDER BY handle_key = $3 DESC, handle_key LIKE $1 ESCAPE '\\' DESC, \
             followers_count DESC, id LIMIT $4 OFFSET $5"
        )
        .bind(&prefix)
        .bind(&anywhere)
        .bind(&q)
        .bind(limit.clamp(1, 40))
        .bind(offset.clamp(0, 200))
        .fetch_all(p)
        .await)?)
    }

    /// The tags most used by the newest `window` public notes, most used first (ties by key).
    pub async fn trending_tags(&self, window: i64, limit: i64) -> Result<Vec<String>> {
        let rows: Vec<(String, i64)> = on_read!(self, |p| sqlx::query_as(
            "SELECT t.tag_key, COUNT(*) AS uses \
             FROM (SELECT id FROM notes WHERE visibility = 'public' ORDER BY id DESC LIMIT $1) n \
             JOIN note_tags t ON t.note_id = n.id \
             GROUP BY t.tag_key ORDER BY uses DESC, t.tag_key LIMIT $2"
        )
        .bind(window.clamp(1, 10_000))
        .bind(limit.clamp(1, 40))
        .fetch_all(p)
        .await)?;
        Ok(rows.into_iter().map(|(t, _)| t).collect())
    }

    /// Tags in use (on public notes) that start with `prefix`, in key order.
    pub async fn search_tags(&self, prefix: &str, limit: i64) -> Result<Vec<String>> {
        let key = prefix.trim().trim_start_matches('#').to_lowercase();
        let limit = limit.clamp(1, 40);
        let rows: Vec<(String,)> = match &self.db {
            Db::Sqlite { reader, .. } => {
                sqlx::query_as(
                    "SELECT DISTINCT tag_key FROM note_tags WHERE tag_key GLOB $1 \
                     ORDER BY tag_key LIMIT $2",
                )
                .bind(format!("{}*", glob_literal(&key)))
                .bind(limit)
                .fetch_all(reader)
                .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT DISTINCT tag_key FROM note_tags WHERE tag_key LIKE $1 ESCAPE '\\' \
                     ORDER BY tag_key LIMIT $2",
                )
                .bind(format!("{}%", like_literal(&key)))
                .bind(limit)
                .fetch_all(pool)
                .await?
            }
        };
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }
}
