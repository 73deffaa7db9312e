//! Explore v0: public notes by a stored score (see migration 0007 for the formula).

use crate::Store;
use crate::db::Arg;
use crate::error::Result;
use crate::notes::{FeedSql, NoteView, note_view};

/// Twelve hours newer weighs as much as e-fold engagement.
const TIME_SCALE_MS: f64 = 12.0 * 3_600_000.0;

/// A note's Explore score from its creation time and engagement counts.
#[allow(clippy::cast_precision_loss)]
pub fn explore_score(created_at: i64, likes: i64, collects: i64, comments: i64) -> f64 {
    let engagement = (likes.max(0) + 2 * collects.max(0) + 3 * comments.max(0)) as f64;
    created_at as f64 / TIME_SCALE_MS + engagement.ln_1p()
}

/// Adds $2 to a note's likes and scores it afresh: `nb_explore_score` is [`explore_score`] as
/// an SQL function (registered on the SQLite script connection, see [`register_score`]; made
/// by a migration on PostgreSQL). $1 note, $2 change.
pub(crate) const ADD_LIKES: &str = "UPDATE notes SET likes_count = likes_count + $2, \
     explore_score = nb_explore_score(created_at, likes_count + $2, collects_count, comments_count) \
     WHERE id = $1";

/// As [`ADD_LIKES`], for collects.
pub(crate) const ADD_COLLECTS: &str = "UPDATE notes SET collects_count = collects_count + $2, \
     explore_score = nb_explore_score(created_at, likes_count, collects_count + $2, comments_count) \
     WHERE id = $1";

/// Make [`explore_score`] callable as `nb_explore_score` on `conn`.
pub(crate) fn register_score(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("nb_explore_score", 4, flags, |f| {
        Ok(explore_score(f.get(0)?, f.get(1)?, f.get(2)?, f.get(3)?))
    })
}

/// Public notes ranked by score, after the cursor (score, id). $1 score, $2 id, $3 limit.
pub const EXPLORE_FEED: FeedSql = FeedSql {
    desc: note_view!(
        "notes n",
        "n.visibility = 'public' AND (n.explore_score, n.id) < ($1, $2)",
        "n.explore_score DESC, n.id DESC LIMIT $3"
    ),
    // Explore only pages forward.
    asc: note_view!(
        "notes n",
        "n.visibility = 'public' AND (n.explore_score, n.id) > ($1, $2)",
        "n.explore_score ASC, n.id ASC LIMIT $3"
    ),
};

/// Recompute one note's score from its counters, inside the caller's transaction.
macro_rules! refresh_score {
    ($tx:expr, $note:expr) => {{
        let row: Option<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT created_at, likes_count, collects_count, comments_count FROM notes WHERE id = $1",
        )
        .bind($note)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some((at, likes, collects, comments)) = row {
            sqlx::query("UPDATE notes SET explore_score = $2 WHERE id = $1")
                .bind($note)
                .bind($crate::explore::explore_score(at, likes, collects, comments))
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use refresh_score;

impl Store {
    /// The next page of Explore after `(score, id)`; start with `(f64::MAX, i64::MAX)`. Each
    /// row's `(explore_score, id)` is the cursor for the page after it.
    pub async fn explore_feed(&self, after: (f64, i64), limit: i64) -> Result<Vec<NoteView>> {
        let args = [Arg::Real(after.0), Arg::Int(after.1), Arg::Int(limit.clamp(1, 200))];
        self.read_all(EXPLORE_FEED.desc, &args).await
    }
}
