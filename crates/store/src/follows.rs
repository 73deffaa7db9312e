use crate::Store;
use crate::db::{Arg, on_read, on_write};
use crate::engagement::{Act, ListedProfile, notify};
use crate::error::Result;
use crate::lists::profile_list;
use crate::notes::FeedSql;
use crate::page::Page;

/// Move one follow's two counters by `delta` (the follower's following, the followee's
/// followers) in the caller's transaction `tx`.
macro_rules! follow_counts {
    ($tx:ident, $follower:expr, $followee:expr, $delta:expr) => {
        sqlx::query("UPDATE accounts SET following_count = following_count + $2 WHERE id = $1")
            .bind($follower)
            .bind(i64::from($delta))
            .execute(&mut *$tx)
            .await?;
        sqlx::query("UPDATE accounts SET followers_count = followers_count + $2 WHERE id = $1")
            .bind($followee)
            .bind(i64::from($delta))
            .execute(&mut *$tx)
            .await?;
    };
}
pub(crate) use follow_counts;

/// Take `followee`'s notes out of `follower`'s home feed, in the caller's transaction `tx`:
/// the entries written into it and, when the followee is pulled, the link that reads them in.
macro_rules! forget_followee {
    ($tx:ident, $follower:expr, $followee:expr) => {
        for sql in [
            "DELETE FROM home_entries WHERE owner_id = $1 AND author_id = $2",
            "DELETE FROM pulled_follows WHERE follower_id = $1 AND followee_id = $2",
        ] {
            sqlx::query(sql).bind($follower).bind($followee).execute(&mut *$tx).await?;
        }
    };
}
pub(crate) use forget_followee;

/// How many of a followee's latest notes a new follower's home feed receives at once.
const BACKFILL: i64 = 40;

impl Store {
    /// Follow; returns false when it already existed. Keeps both counters exact, fills the
    /// follower's home feed with the followee's latest notes and notifies the followee.
    pub async fn follow(&self, follower: i64, followee: i64, act: Act) -> Result<bool> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "INSERT INTO follows (follower_id, followee_id, id, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (follower_id, followee_id) DO NOTHING",
            )
            .bind(follower)
            .bind(followee)
            .bind(act.id)
            .bind(act.at)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            follow_counts!(tx, follower, followee, 1);
            sqlx::query(
                "INSERT INTO home_entries (owner_id, note_id, author_id) \
                 SELECT $1, n.id, n.author_id FROM notes n WHERE n.author_id = $2 \
                 ORDER BY n.id DESC LIMIT $3 ON CONFLICT DO NOTHING",
            )
            .bind(follower)
            .bind(followee)
            .bind(BACKFILL)
            .execute(&mut *tx)
            .await?;
            // After the counter: that update waits for a post that is making the followee
            // pulled (see `home.rs`), so this sees the flag it set.
            sqlx::query(
                "INSERT INTO pulled_follows (follower_id, followee_id) \
                 SELECT $1, id FROM accounts WHERE id = $2 AND home_pull = 1 \
                 ON CONFLICT DO NOTHING",
            )
            .bind(follower)
            .bind(followee)
            .execute(&mut *tx)
            .await?;
            notify!(tx, id: act.notification_id, to: followee, kind: "follow", by: follower, note: None::<i64>, at: act.at, comment: None::<i64>);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Unfollow; returns false when there was nothing to undo. Removes the followee's notes from
    /// the follower's home feed.
    pub async fn unfollow(&self, follower: i64, followee: i64) -> Result<bool> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let done =
                sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2")
                    .bind(follower)
                    .bind(followee)
                    .execute(&mut *tx)
                    .await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            follow_counts!(tx, follower, followee, -1);
            forget_followee!(tx, follower, followee);
            tx.commit().await?;
            Ok(true)
        })
    }

    pub async fn is_following(&self, follower: i64, followee: i64) -> Result<bool> {
        let row: Option<(i64,)> = self
            .read_first(
                "SELECT follower_id FROM follows WHERE follower_id = $1 AND followee_id = $2",
                &[Arg::Int(follower), Arg::Int(followee)],
            )
            .await?;
        Ok(row.is_some())
    }
}

const FOLLOWERS: FeedSql = FeedSql {
    desc: profile_list!("follows", "followee_id", "follower_id", "DESC"),
    asc: profile_list!("follows", "followee_id", "follower_id", "ASC"),
};
const FOLLOWING: FeedSql = FeedSql {
    desc: profile_list!("follows", "follower_id", "followee_id", "DESC"),
    asc: profile_list!("follows", "follower_id", "followee_id", "ASC"),
};

impl Store {
    /// Who follows `account`, most recent first; `cursor` is the follow's id.
    pub async fn followers(&self, account: i64, page: &Page) -> Result<Vec<ListedProfile>> {
        self.keyed_page(&FOLLOWERS, account, page).await
    }

    /// The languages of up to `sample` of `account`'s followers (each follower's list, as
    /// stored): who is likely to read what the account posts.
    pub async fn follower_languages(&self, account: i64, sample: i64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_read!(self, |p| sqlx::query_as(
            "SELECT a.languages FROM follows f JOIN accounts a ON a.id = f.follower_id \
             WHERE f.followee_id = $1 LIMIT $2"
        )
        .bind(account)
        .bind(sample.clamp(1, 10_000))
        .fetch_all(p)
        .await)?;
        Ok(rows.into_iter().map(|(l,)| l).collect())
    }

    /// Whom `account` follows, most recent first; `cursor` is the follow's id.
    pub async fn following(&self, account: i64, page: &Page) -> Result<Vec<ListedProfile>> {
        self.keyed_page(&FOLLOWING, account, page).await
    }
}
