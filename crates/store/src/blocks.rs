//! Blocks and mutes.

use std::collections::HashSet;

use crate::Store;
use crate::db::{Arg, on_write};
use crate::engagement::ListedProfile;
use crate::error::Result;
use crate::follows::{follow_counts, forget_followee};
use crate::lists::profile_list;
use crate::notes::FeedSql;
use crate::page::Page;

/// Whom a viewer must not see: accounts blocked either way, and accounts the viewer muted.
#[derive(Debug, Clone, Default)]
pub struct Hidden {
    /// Blocked by the viewer or blocking the viewer: hidden everywhere.
    pub blocked: HashSet<i64>,
    /// Muted by the viewer: hidden from feeds, comments and lists.
    pub muted: HashSet<i64>,
    /// Muted with their notifications too.
    pub muted_notifications: HashSet<i64>,
}

impl Hidden {
    /// Hidden from feeds and threads.
    pub fn hides(&self, account: i64) -> bool {
        self.blocked.contains(&account) || self.muted.contains(&account)
    }
}

const BLOCKED: FeedSql = FeedSql {
    desc: profile_list!("blocks", "blocker_id", "blocked_id", "DESC"),
    asc: profile_list!("blocks", "blocker_id", "blocked_id", "ASC"),
};
const MUTED: FeedSql = FeedSql {
    desc: profile_list!("mutes", "muter_id", "muted_id", "DESC"),
    asc: profile_list!("mutes", "muter_id", "muted_id", "ASC"),
};

impl Store {
    /// Block; false when already blocked. Ends follows both ways (counters kept exact) and
    /// removes each side's notes from the other's home feed.
    pub async fn block(&self, blocker: i64, blocked: i64, id: i64, at: i64) -> Result<bool> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "INSERT INTO blocks (blocker_id, blocked_id, id, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (blocker_id, blocked_id) DO NOTHING",
            )
            .bind(blocker)
            .bind(blocked)
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            for (a, b) in [(blocker, blocked), (blocked, blocker)] {
                let gone =
                    sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2")
                        .bind(a)
                        .bind(b)
                        .execute(&mut *tx)
                        .await?;
                if gone.rows_affected() > 0 {
                    follow_counts!(tx, a, b, -1);
                }
                forget_followee!(tx, a, b);
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    pub async fn unblock(&self, blocker: i64, blocked: i64) -> Result<bool> {
        let n = on_write!(self, |p| sqlx::query(
            "DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2"
        )
        .bind(blocker)
        .bind(blocked)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Mute (or change whether the mute covers notifications).
    pub async fn mute(
        &self,
        muter: i64,
        muted: i64,
        notifications: bool,
        id: i64,
        at: i64,
    ) -> Result<()> {
        on_write!(self, |p| sqlx::query(
            "INSERT INTO mutes (muter_id, muted_id, id, notifications, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (muter_id, muted_id) \
             DO UPDATE SET notifications = excluded.notifications"
        )
        .bind(muter)
        .bind(muted)
        .bind(id)
        .bind(i64::from(notifications))
        .bind(at)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn unmute(&self, muter: i64, muted: i64) -> Result<bool> {
        let n = on_write!(self, |p| sqlx::query(
            "DELETE FROM mutes WHERE muter_id = $1 AND muted_id = $2"
        )
        .bind(muter)
        .bind(muted)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Everyone `viewer` must not see (a member blocks and mutes few accounts, so the sets stay
    /// small).
    pub async fn hidden_for(&self, viewer: i64) -> Result<Hidden> {
        // One round trip: blocks either way (kind 0, 1) and mutes (2, 3 when they cover
        // notifications).
        let rows: Vec<(i64, i64)> = self
            .read_all(
                "SELECT blocked_id, CAST(0 AS BIGINT) FROM blocks WHERE blocker_id = $1 \
                 UNION ALL SELECT blocker_id, CAST(1 AS BIGINT) FROM blocks WHERE blocked_id = $1 \
                 UNION ALL SELECT muted_id, 2 + notifications FROM mutes WHERE muter_id = $1",
                &[Arg::Int(viewer)],
            )
            .await?;
        let blocked = rows.iter().filter(|(_, kind)| *kind < 2).map(|(id, _)| *id);
        let muted: Vec<(i64, i64)> =
            rows.iter().filter(|(_, kind)| *kind >= 2).map(|(id, kind)| (*id, kind - 2)).collect();
        Ok(Hidden {
            blocked: blocked.collect(),
            muted_notifications: muted.iter().filter(|(_, n)| *n != 0).map(|(id, _)| *id).collect(),
            muted: muted.into_iter().map(|(id, _)| id).collect(),
        })
    }

    /// (viewer blocks other, other blocks viewer, viewer mutes other, the mute covers notifications)
    pub async fn block_state(&self, viewer: i64, other: i64) -> Result<(bool, bool, bool, bool)> {
        // One round trip: which of the two blocks exist (kind 0: viewer blocks other, 1: the
        // other way) and the viewer's mute (kind 2, with whether it covers notifications).
        let rows: Vec<(i64, i64)> = self
            .read_all(
                "SELECT CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM blocks \
                 WHERE blocker_id = $1 AND blocked_id = $2 \
                 UNION ALL SELECT CAST(1 AS BIGINT), CAST(0 AS BIGINT) FROM blocks \
                 WHERE blocker_id = $2 AND blocked_id = $1 \
                 UNION ALL SELECT CAST(2 AS BIGINT), notifications FROM mutes \
                 WHERE muter_id = $1 AND muted_id = $2",
                &[Arg::Int(viewer), Arg::Int(other)],
            )
            .await?;
        let mute = rows.iter().find(|(kind, _)| *kind == 2);
        Ok((
            rows.iter().any(|(kind, _)| *kind == 0),
            rows.iter().any(|(kind, _)| *kind == 1),
            mute.is_some(),
            mute.is_some_and(|(_, n)| *n != 0),
        ))
    }

    /// Whom a member blocked, most recent first; `cursor` is the block's id.
    pub async fn blocked_accounts(&self, blocker: i64, page: &Page) -> Result<Vec<ListedProfile>> {
        self.keyed_page(&BLOCKED, blocker, page).await
    }

    /// Whom a member muted, most recent first; `cursor` is the mute's id.
    pub async fn muted_accounts(&self, muter: i64, page: &Page) -> Result<Vec<ListedProfile>> {
        self.keyed_page(&MUTED, muter, page).await
    }
}
