//! Explore's candidates: public notes by a stored score (see migration 0007 for the formula)
//! and the newest ones, with what `nb-rank` scores them by; and a member's Explore profile.

use std::collections::HashMap;

use sqlx::FromRow;

use crate::Store;
use crate::db::{Arg, placeholders};
use crate::error::Result;

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

/// What Explore's ranking keeps in memory of a public note (its tags come separately).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ExploreCandidate {
    pub id: i64,
    pub author_id: i64,
    pub created_at: i64,
    pub likes_count: i64,
    pub collects_count: i64,
    pub comments_count: i64,
    /// How many photos the note shows.
    pub photos: i64,
}

crate::lite::lite_row!(ExploreCandidate {
    id,
    author_id,
    created_at,
    likes_count,
    collects_count,
    comments_count,
    photos,
});

macro_rules! candidates {
    ($rest:expr) => {
        concat!(
            "SELECT n.id, n.author_id, n.created_at, n.likes_count, n.collects_count, \
             n.comments_count, (SELECT COUNT(*) FROM media m WHERE m.note_id = n.id) AS photos \
             FROM notes n WHERE n.visibility = 'public' ",
            $rest
        )
    };
}

/// The public notes with the best stored scores (recent and engaged), from the top down:
/// $1 limit, $2 the score they stay under (`f64::MAX` for all).
pub const EXPLORE_TOP: &str =
    candidates!("AND n.explore_score < $2 ORDER BY n.explore_score DESC, n.id DESC LIMIT $1");
/// The newest public notes, engaged with or not yet: $1 limit, $2 the id they stay under
/// (`i64::MAX` for all).
pub const EXPLORE_NEWEST: &str = candidates!("AND n.id < $2 ORDER BY n.id DESC LIMIT $1");

/// The accounts a member follows, most recently followed first. $1 member, $2 limit.
pub const FOLLOWEE_IDS: &str =
    "SELECT followee_id FROM follows WHERE follower_id = $1 ORDER BY id DESC LIMIT $2";

/// The notes of a member's latest likes and collects. $1 member, $2 how many of each.
pub const LIKED_NOTES: &str = "SELECT note_id FROM (SELECT note_id FROM likes \
     WHERE account_id = $1 ORDER BY id DESC LIMIT $2) recent_likes \
     UNION ALL SELECT note_id FROM (SELECT note_id FROM collects WHERE account_id = $1 \
     ORDER BY id DESC LIMIT $2) recent_collects";

/// Ids per `IN` list: well under both databases' limits on bound values.
const IDS_PER_QUERY: usize = 500;

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
    /// Explore's candidates: the `top` public notes by stored score and the `newest` public
    /// notes, each once, with their tag keys.
    pub async fn explore_candidates(
        &self,
        top: i64,
        newest: i64,
    ) -> Result<Vec<(ExploreCandidate, Vec<String>)>> {
        let mut rows: Vec<ExploreCandidate> =
            self.read_all(EXPLORE_TOP, &[Arg::Int(top), Arg::Real(f64::MAX)]).await?;
        let fresh: Vec<ExploreCandidate> =
            self.read_all(EXPLORE_NEWEST, &[Arg::Int(newest), Arg::Int(i64::MAX)]).await?;
        let seen: std::collections::HashSet<i64> = rows.iter().map(|c| c.id).collect();
        rows.extend(fresh.into_iter().filter(|c| !seen.contains(&c.id)));
        self.with_tags(rows).await
    }

    /// Those of `ids` that are public notes, as Explore candidates with their tag keys.
    pub async fn explore_candidates_by_id(
        &self,
        ids: &[i64],
    ) -> Result<Vec<(ExploreCandidate, Vec<String>)>> {
        let mut rows = Vec::new();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let sql = format!(candidates!("AND n.id IN ({})"), placeholders(1, chunk.len()));
            let args: Vec<Arg> = chunk.iter().map(|&id| Arg::Int(id)).collect();
            rows.extend(self.read_all::<ExploreCandidate>(&sql, &args).await?);
        }
        self.with_tags(rows).await
    }

    async fn with_tags(
        &self,
        rows: Vec<ExploreCandidate>,
    ) -> Result<Vec<(ExploreCandidate, Vec<String>)>> {
        let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
        let mut tags = self.tags_of(&ids).await?;
        Ok(rows
            .into_iter()
            .map(|c| {
                let t = tags.remove(&c.id).unwrap_or_default();
                (c, t)
            })
            .collect())
    }

    /// The tag keys of each of `notes` that has any.
    async fn tags_of(&self, notes: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
        let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in notes.chunks(IDS_PER_QUERY) {
            let sql = format!(
                "SELECT note_id, tag_key FROM note_tags WHERE note_id IN ({})",
                placeholders(1, chunk.len())
            );
            let args: Vec<Arg> = chunk.iter().map(|&id| Arg::Int(id)).collect();
            for (note, key) in self.read_all::<(i64, String)>(&sql, &args).await? {
                tags.entry(note).or_default().push(key);
            }
        }
        Ok(tags)
    }

    /// What Explore personalises with: the latest `follows` accounts `member` follows, and the
    /// tags on their latest `likes` likes and as many collects, with their counts.
    pub async fn explore_profile(
        &self,
        member: i64,
        follows: i64,
        likes: i64,
    ) -> Result<(Vec<i64>, Vec<(String, i64)>)> {
        let followees: Vec<(i64,)> =
            self.read_all(FOLLOWEE_IDS, &[Arg::Int(member), Arg::Int(follows)]).await?;
        let liked: Vec<(i64,)> =
            self.read_all(LIKED_NOTES, &[Arg::Int(member), Arg::Int(likes)]).await?;
        // A note both liked and collected counts twice.
        let liked: Vec<i64> = liked.into_iter().map(|(id,)| id).collect();
        let tags_of = self.tags_of(&liked).await?;
        let mut tags: HashMap<String, i64> = HashMap::new();
        for key in liked.iter().filter_map(|id| tags_of.get(id)).flatten() {
            *tags.entry(key.clone()).or_default() += 1;
        }
        Ok((followees.into_iter().map(|(id,)| id).collect(), tags.into_iter().collect()))
    }
}
