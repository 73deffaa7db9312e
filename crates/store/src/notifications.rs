//! Notifications and read markers.

use sqlx::FromRow;

use crate::Store;
use crate::db::{on_read, on_write, placeholders};
use crate::engagement::NOTIFY_ONCE;
use crate::error::Result;
use crate::page::Page;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub recipient_id: i64,
    pub kind: String,
    pub actor_id: i64,
    pub note_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct MarkerRow {
    pub timeline: String,
    pub last_read_id: i64,
    pub version: i64,
    pub updated_at: i64,
}

impl Store {
    /// A member's notifications, newest first; `kinds` keeps only those kinds when given.
    pub async fn notifications(
        &self,
        recipient: i64,
        kinds: Option<&[String]>,
        page: &Page,
    ) -> Result<Vec<NotificationRow>> {
        let filter = match kinds {
            Some([]) => return Ok(Vec::new()),
            Some(k) => format!(" AND kind IN ({})", placeholders(5, k.len())),
            None => String::new(),
        };
        let dir = if page.ascending() { "ASC" } else { "DESC" };
        let sql = format!(
            "SELECT id, recipient_id, kind, actor_id, note_id, comment_id, created_at FROM notifications \
             WHERE recipient_id = $1 AND id < $2 AND id > $3{filter} ORDER BY id {dir} LIMIT $4"
        );
        let mut rows: Vec<NotificationRow> = on_read!(self, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(recipient)
                .bind(page.upper())
                .bind(page.lower())
                .bind(page.limit());
            for k in kinds.unwrap_or_default() {
                q = q.bind(k.clone());
            }
            q.fetch_all(p).await
        })?;
        if page.ascending() {
            rows.reverse();
        }
        Ok(rows)
    }

    pub async fn notification(&self, recipient: i64, id: i64) -> Result<Option<NotificationRow>> {
        Ok(on_read!(self, |p| {
            sqlx::query_as(
            "SELECT id, recipient_id, kind, actor_id, note_id, comment_id, created_at FROM notifications \
             WHERE id = $1 AND recipient_id = $2"
        )
        .bind(id)
        .bind(recipient)
        .fetch_optional(p)
        .await
        })?)
    }

    /// Record a notification (deduplicated; never to the actor themself).
    pub async fn notify(&self, n: &NotificationRow) -> Result<()> {
        on_write!(self, |p| sqlx::query(NOTIFY_ONCE)
            .bind(n.id)
            .bind(n.recipient_id)
            .bind(&n.kind)
            .bind(n.actor_id)
            .bind(n.note_id)
            .bind(n.created_at)
            .bind(n.comment_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Dismiss one notification; false when it was not the member's or did not exist.
    pub async fn dismiss_notification(&self, recipient: i64, id: i64) -> Result<bool> {
        let n = on_write!(self, |p| sqlx::query(
            "DELETE FROM notifications WHERE id = $1 AND recipient_id = $2"
        )
        .bind(id)
        .bind(recipient)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    pub async fn clear_notifications(&self, recipient: i64) -> Result<()> {
        on_write!(self, |p| sqlx::query("DELETE FROM notifications WHERE recipient_id = $1")
            .bind(recipient)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// How many notifications arrived after the member's notifications marker, counted up to
    /// `cap` (a badge needs no more).
    pub async fn unread_notifications(&self, account: i64, cap: i64) -> Result<i64> {
        let (n,): (i64,) = on_read!(self, |p| {
            sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE recipient_id = $1 AND id > \
             COALESCE((SELECT last_read_id FROM markers \
                       WHERE account_id = $1 AND timeline = 'notifications'), 0) \
             LIMIT $2) unread"
        )
        .bind(account)
        .bind(cap.clamp(1, 1_000))
        .fetch_one(p)
        .await
        })?;
        Ok(n)
    }

    pub async fn markers(&self, account: i64) -> Result<Vec<MarkerRow>> {
        Ok(on_read!(self, |p| sqlx::query_as(
            "SELECT timeline, last_read_id, version, updated_at FROM markers WHERE account_id = $1"
        )
        .bind(account)
        .fetch_all(p)
        .await)?)
    }

    /// Move a marker (creating it), bumping its version.
    pub async fn set_marker(
        &self,
        account: i64,
        timeline: &str,
        last_read: i64,
        now: i64,
    ) -> Result<()> {
        on_write!(self, |p| sqlx::query(
            "INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at) \
             VALUES ($1, $2, $3, 0, $4) ON CONFLICT (account_id, timeline) DO UPDATE SET \
             last_read_id = excluded.last_read_id, version = markers.version + 1, \
             updated_at = excluded.updated_at"
        )
        .bind(account)
        .bind(timeline)
        .bind(last_read)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
