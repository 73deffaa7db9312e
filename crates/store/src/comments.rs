//! Comments: two levels under a note, with likes. Counters on the note and on the top-level
//! comment stay exact; notifications are written in the same transaction.

use sqlx::FromRow;

use crate::Store;
use crate::accounts::{AuthorColumns, Profile};
use crate::db::{Arg, on_write};
use crate::engagement::{Act, notify};
use crate::error::{Result, StoreError};
use crate::explore::refresh_score;
use crate::idempotency::{Keyed, put_idempotency_key};

#[derive(Debug, Clone)]
pub struct NewComment {
    pub id: i64,
    pub note_id: i64,
    pub author_id: i64,
    /// The top-level comment this replies to; `None` for a top-level comment.
    pub parent_id: Option<i64>,
    /// Whom a reply answers (the author of the comment replied to).
    pub reply_to_account_id: Option<i64>,
    pub body: String,
    pub language: Option<String>,
    pub created_at: i64,
    /// A client's `Idempotency-Key`, kept an hour ([`crate::IDEMPOTENCY_WINDOW_MS`]).
    pub idempotency_key: Option<String>,
}

/// A notification a new comment causes: (id, recipient, kind) with kind comment, reply or
/// mention. Duplicates and self-notifications are dropped.
pub type CommentNotice = (i64, i64, &'static str);

/// A comment with its author, as lists and statuses show it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CommentView {
    pub id: i64,
    pub note_id: i64,
    pub author_id: i64,
    pub parent_id: Option<i64>,
    pub reply_to_account_id: Option<i64>,
    pub body: String,
    pub language: Option<String>,
    pub created_at: i64,
    pub likes_count: i64,
    pub replies_count: i64,
    /// The note's author and visibility: who may see the comment follows from them.
    pub note_author_id: i64,
    pub note_visibility: String,
    #[sqlx(flatten)]
    author_cols: AuthorColumns,
}

crate::lite::lite_row!(CommentView {
    id, note_id, author_id, parent_id, reply_to_account_id, body, language, created_at,
    likes_count, replies_count, note_author_id, note_visibility,
} flatten author_cols: AuthorColumns);

impl CommentView {
    pub fn author(&self) -> Profile {
        self.author_cols.profile(self.author_id)
    }
}

macro_rules! comment_view {
    ($where:literal) => {
        concat!(
            "SELECT c.id, c.note_id, c.author_id, c.parent_id, c.reply_to_account_id, c.body, \
             c.language, c.created_at, c.likes_count, c.replies_count, \
             n.author_id AS note_author_id, n.visibility AS note_visibility, \
             a.handle AS a_handle, a.display_name AS a_display_name, a.bio AS a_bio, \
             a.home_region AS a_home_region, a.languages AS a_languages, a.role AS a_role, \
             a.created_at AS a_created_at, a.notes_count AS a_notes_count, \
             a.followers_count AS a_followers_count, a.following_count AS a_following_count, \
             a.last_note_at AS a_last_note_at, a.avatar_key AS a_avatar_key, \
             a.header_key AS a_header_key \
             FROM comments c JOIN accounts a ON a.id = c.author_id \
             JOIN notes n ON n.id = c.note_id WHERE ",
            $where
        )
    };
}

/// The most comments a thread listing returns at once.
pub const THREAD_LIMIT: i64 = 1000;

impl Store {
    /// Write a comment, bump the counters and write its notifications, in one transaction.
    pub async fn insert_comment(&self, c: &NewComment, notices: &[CommentNotice]) -> Result<()> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO comments (id, note_id, author_id, parent_id, reply_to_account_id, \
                 body, language, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(c.id)
            .bind(c.note_id)
            .bind(c.author_id)
            .bind(c.parent_id)
            .bind(c.reply_to_account_id)
            .bind(&c.body)
            .bind(&c.language)
            .bind(c.created_at)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE notes SET comments_count = comments_count + 1 WHERE id = $1")
                .bind(c.note_id)
                .execute(&mut *tx)
                .await?;
            if let Some(parent) = c.parent_id {
                sqlx::query("UPDATE comments SET replies_count = replies_count + 1 WHERE id = $1")
                    .bind(parent)
                    .execute(&mut *tx)
                    .await?;
            }
            refresh_score!(tx, c.note_id);
            if let Some(key) = &c.idempotency_key {
                put_idempotency_key!(tx, Keyed::Comment, c.author_id, key, c.id, c.created_at);
            }
            for (id, recipient, kind) in notices {
                notify!(tx, id: *id, to: *recipient, kind: *kind, by: c.author_id, note: c.note_id, at: c.created_at, comment: c.id);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn comment(&self, id: i64) -> Result<Option<CommentView>> {
        self.read_first(comment_view!("c.id = $1"), &[Arg::Int(id)]).await
    }

    /// A note's comments in thread order's raw material: oldest first, at most
    /// [`THREAD_LIMIT`].
    pub async fn note_comments(&self, note: i64) -> Result<Vec<CommentView>> {
        let sql = comment_view!("c.note_id = $1 ORDER BY c.id LIMIT $2");
        self.read_all(sql, &[Arg::Int(note), Arg::Int(THREAD_LIMIT)]).await
    }

    /// The replies under a top-level comment, oldest first.
    pub async fn comment_replies(&self, parent: i64) -> Result<Vec<CommentView>> {
        let sql = comment_view!("c.parent_id = $1 ORDER BY c.id LIMIT $2");
        self.read_all(sql, &[Arg::Int(parent), Arg::Int(THREAD_LIMIT)]).await
    }

    /// Delete a comment and its replies; fix the note's and the parent's counters.
    pub async fn delete_comment(&self, id: i64) -> Result<()> {
        let lock = self.lock_row_sql("comments");
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            // PostgreSQL: hold the comment so a reply in flight waits and then fails, instead of
            // being cascaded away uncounted.
            sqlx::query(sqlx::AssertSqlSafe(lock)).bind(id).execute(&mut *tx).await?;
            let row: Option<(i64, Option<i64>, i64)> = sqlx::query_as(
                "SELECT note_id, parent_id, replies_count FROM comments WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let (note, parent, replies) = row.ok_or(StoreError::NotFound)?;
            sqlx::query("DELETE FROM comments WHERE id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("UPDATE notes SET comments_count = comments_count - $2 WHERE id = $1")
                .bind(note)
                .bind(1 + replies)
                .execute(&mut *tx)
                .await?;
            if let Some(parent) = parent {
                sqlx::query("UPDATE comments SET replies_count = replies_count - 1 WHERE id = $1")
                    .bind(parent)
                    .execute(&mut *tx)
                    .await?;
            }
            refresh_score!(tx, note);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Like a comment; false when already liked. Notifies its author.
    pub async fn like_comment(&self, account: i64, comment: i64, act: Act) -> Result<bool> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "INSERT INTO comment_likes (account_id, comment_id, id, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(account)
            .bind(comment)
            .bind(act.id)
            .bind(act.at)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            let row: Option<(i64, i64)> = sqlx::query_as(
                "UPDATE comments SET likes_count = likes_count + 1 WHERE id = $1 \
                 RETURNING author_id, note_id",
            )
            .bind(comment)
            .fetch_optional(&mut *tx)
            .await?;
            let (author, note) = row.ok_or(StoreError::NotFound)?;
            notify!(tx, id: act.notification_id, to: author, kind: "favourite", by: account, note: note, at: act.at, comment: comment);
            tx.commit().await?;
            Ok(true)
        })
    }

    pub async fn unlike_comment(&self, account: i64, comment: i64) -> Result<bool> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let done =
                sqlx::query("DELETE FROM comment_likes WHERE account_id = $1 AND comment_id = $2")
                    .bind(account)
                    .bind(comment)
                    .execute(&mut *tx)
                    .await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            sqlx::query("UPDATE comments SET likes_count = likes_count - 1 WHERE id = $1")
                .bind(comment)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Which of `comments` the viewer liked.
    pub async fn liked_comments(&self, viewer: i64, comments: &[i64]) -> Result<Vec<i64>> {
        if comments.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT comment_id FROM comment_likes WHERE account_id = $1 AND comment_id IN ({})",
            crate::db::placeholders(2, comments.len())
        );
        let rows: Vec<(i64,)> = self.read_all(&sql, &Arg::ints(viewer, comments)).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
