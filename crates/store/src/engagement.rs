//! Likes, boards and collects. Each write keeps the note's counters exact and writes the
//! author's notification in the same transaction.

use std::collections::HashSet;

use sqlx::FromRow;

use crate::Store;
use crate::accounts::Profile;
use crate::db::{Arg, on_read, on_write, placeholders};
use crate::error::{Result, StoreError};
use crate::explore::{ADD_COLLECTS, ADD_LIKES};
use crate::lists::profile_list;
use crate::notes::{FeedSql, NoteView, note_view};
use crate::page::Page;
use crate::script::{Check, Script};

/// Write a notification in the caller's transaction `tx` (see [`NOTIFY_ONCE`]).
macro_rules! notify {
    ($tx:ident, id: $id:expr, to: $to:expr, kind: $kind:expr, by: $by:expr, note: $note:expr,
     at: $at:expr, comment: $comment:expr) => {
        sqlx::query($crate::engagement::NOTIFY_ONCE)
            .bind($id)
            .bind($to)
            .bind($kind)
            .bind($by)
            .bind($note)
            .bind($at)
            .bind($comment)
            .execute(&mut *$tx)
            .await?
    };
}
pub(crate) use notify;

/// A new like, collect or similar act: its own id, when, and the id its notification gets.
#[derive(Debug, Clone, Copy)]
pub struct Act {
    pub id: i64,
    pub notification_id: i64,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct BoardRow {
    pub id: i64,
    pub owner_id: i64,
    pub name: String,
    pub is_default: i64,
    pub visibility: String,
    pub created_at: i64,
    pub notes_count: i64,
}

/// A profile in a list paged by something else's id (the like id in `favourited_by`).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ListedProfile {
    pub cursor: i64,
    #[sqlx(flatten)]
    pub profile: Profile,
}

/// What one viewer has done to a page of notes.
#[derive(Debug, Clone, Default)]
pub struct ViewerMarks {
    pub liked: HashSet<i64>,
    pub collected: HashSet<i64>,
}

/// A member's liked or collected notes, most recent act first; `cursor` is the act's id.
macro_rules! acted_notes {
    ($table:literal, $dir:literal) => {
        note_view!(
            "page.id",
            concat!(
                "(SELECT note_id, id FROM ",
                $table,
                " WHERE account_id = $1 AND id < $2 AND id > $3 ORDER BY id ",
                $dir,
                " LIMIT $4) page JOIN notes n ON n.id = page.note_id"
            ),
            "1 = 1",
            concat!("page.id ", $dir)
        )
    };
}
const FAVOURITES: FeedSql =
    FeedSql { desc: acted_notes!("likes", "DESC"), asc: acted_notes!("likes", "ASC") };
const COLLECTED: FeedSql =
    FeedSql { desc: acted_notes!("collects", "DESC"), asc: acted_notes!("collects", "ASC") };
/// A member's collects in their public boards, most recent first.
macro_rules! public_collects {
    ($dir:literal) => {
        note_view!(
            "page.id",
            concat!(
                "(SELECT c.note_id, c.id FROM collects c JOIN boards b ON b.id = c.board_id \
                  WHERE c.account_id = $1 AND b.visibility = 'public' AND c.id < $2 AND c.id > $3 \
                  ORDER BY c.id ",
                $dir,
                " LIMIT $4) page JOIN notes n ON n.id = page.note_id"
            ),
            "1 = 1",
            concat!("page.id ", $dir)
        )
    };
}
const PUBLIC_COLLECTED: FeedSql =
    FeedSql { desc: public_collects!("DESC"), asc: public_collects!("ASC") };
const LIKERS: FeedSql = FeedSql {
    desc: profile_list!("likes", "note_id", "account_id", "DESC"),
    asc: profile_list!("likes", "note_id", "account_id", "ASC"),
};

impl Store {
    /// Like a note; false when already liked. Notifies the author (not oneself).
    pub async fn like(&self, account: i64, note: i64, act: Act) -> Result<bool> {
        let mut script = Script::default();
        script.checked(
            "INSERT INTO likes (account_id, note_id, id, created_at) SELECT $1, $2, $3, $4 \
             WHERE EXISTS (SELECT 1 FROM notes WHERE id = $2) ON CONFLICT DO NOTHING",
            vec![Arg::Int(account), Arg::Int(note), Arg::Int(act.id), Arg::Int(act.at)],
            Check::EndsUnlessChanged,
        );
        script.push(ADD_LIKES, vec![Arg::Int(note), Arg::Int(1)]);
        notify_author(&mut script, "favourite", account, note, act);
        if self.run_script(script).await? > 0 {
            return Ok(true);
        }
        match self.note(note).await? {
            Some(_) => Ok(false),
            None => Err(StoreError::NotFound),
        }
    }

    /// Undo a like; false when there was none.
    pub async fn unlike(&self, account: i64, note: i64) -> Result<bool> {
        let mut script = Script::default();
        script.checked(
            "DELETE FROM likes WHERE account_id = $1 AND note_id = $2",
            vec![Arg::Int(account), Arg::Int(note)],
            Check::EndsUnlessChanged,
        );
        script.push(ADD_LIKES, vec![Arg::Int(note), Arg::Int(-1)]);
        Ok(self.run_script(script).await? > 0)
    }

    /// The notes a member liked, most recently liked first; `cursor` is the like id.
    pub async fn liked_notes(&self, account: i64, page: &Page) -> Result<Vec<NoteView>> {
        self.keyed_page(&FAVOURITES, account, page).await
    }

    /// The notes a member collected (any board), most recent first; `cursor` is the collect id.
    pub async fn collected_notes(&self, account: i64, page: &Page) -> Result<Vec<NoteView>> {
        self.keyed_page(&COLLECTED, account, page).await
    }

    /// The notes in a member's public boards, most recent collect first.
    pub async fn public_collected_notes(&self, account: i64, page: &Page) -> Result<Vec<NoteView>> {
        self.keyed_page(&PUBLIC_COLLECTED, account, page).await
    }

    /// How many likes and collects a member's notes received in all (a profile's figure).
    pub async fn likes_and_collects_received(&self, account: i64) -> Result<i64> {
        let (n,): (i64,) = on_read!(self, |p| sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(likes_count + collects_count), 0) AS BIGINT) \
             FROM notes WHERE author_id = $1"
        )
        .bind(account)
        .fetch_one(p)
        .await)?;
        Ok(n)
    }

    /// Who liked a note, most recent first; `cursor` is the like id.
    pub async fn likers(&self, note: i64, page: &Page) -> Result<Vec<ListedProfile>> {
        self.keyed_page(&LIKERS, note, page).await
    }

    /// Which of `notes` the viewer liked and collected.
    pub async fn viewer_marks(&self, viewer: i64, notes: &[i64]) -> Result<ViewerMarks> {
        if notes.is_empty() {
            return Ok(ViewerMarks::default());
        }
        // One round trip for both marks: the second column says which.
        let list = placeholders(2, notes.len());
        let sql = format!(
            "SELECT note_id, CAST(0 AS BIGINT) AS kind FROM likes \
             WHERE account_id = $1 AND note_id IN ({list}) \
             UNION ALL \
             SELECT note_id, CAST(1 AS BIGINT) AS kind FROM collects \
             WHERE account_id = $1 AND note_id IN ({list})"
        );
        let rows: Vec<(i64, i64)> = self.read_all(&sql, &Arg::ints(viewer, notes)).await?;
        let mut marks = ViewerMarks::default();
        for (note, kind) in rows {
            if kind == 0 {
                marks.liked.insert(note);
            } else {
                marks.collected.insert(note);
            }
        }
        Ok(marks)
    }

    /// The member's default board, made on first use with `new_id`.
    pub async fn default_board(&self, owner: i64, new_id: i64, now: i64) -> Result<BoardRow> {
        on_write!(self, |p| {
            sqlx::query(
                "INSERT INTO boards (id, owner_id, name, is_default, visibility, created_at) \
                 VALUES ($1, $2, '', 1, 'private', $3) ON CONFLICT DO NOTHING",
            )
            .bind(new_id)
            .bind(owner)
            .bind(now)
            .execute(p)
            .await?;
            Ok::<_, sqlx::Error>(())
        })?;
        on_write!(self, |p| sqlx::query_as(
            "SELECT id, owner_id, name, is_default, visibility, created_at, notes_count \
             FROM boards WHERE owner_id = $1 AND is_default = 1"
        )
        .bind(owner)
        .fetch_one(p)
        .await)
        .map_err(StoreError::from)
    }

    pub async fn insert_board(&self, b: &BoardRow) -> Result<()> {
        on_write!(self, |p| sqlx::query(
            "INSERT INTO boards (id, owner_id, name, is_default, visibility, created_at) \
             VALUES ($1, $2, $3, 0, $4, $5)"
        )
        .bind(b.id)
        .bind(b.owner_id)
        .bind(&b.name)
        .bind(&b.visibility)
        .bind(b.created_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn board(&self, id: i64) -> Result<Option<BoardRow>> {
        Ok(on_read!(self, |p| sqlx::query_as(
            "SELECT id, owner_id, name, is_default, visibility, created_at, notes_count \
             FROM boards WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(p)
        .await)?)
    }

    pub async fn boards_of(&self, owner: i64) -> Result<Vec<BoardRow>> {
        Ok(on_read!(self, |p| sqlx::query_as(
            "SELECT id, owner_id, name, is_default, visibility, created_at, notes_count \
             FROM boards WHERE owner_id = $1 ORDER BY id"
        )
        .bind(owner)
        .fetch_all(p)
        .await)?)
    }

    /// The board of the member's that holds this note, if they collected it.
    pub async fn board_of_collect(&self, account: i64, note: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = on_read!(self, |p| sqlx::query_as(
            "SELECT board_id FROM collects WHERE account_id = $1 AND note_id = $2"
        )
        .bind(account)
        .bind(note)
        .fetch_optional(p)
        .await)?;
        Ok(row.map(|(b,)| b))
    }

    /// Collect a note into `board` (the caller checked the board is the member's). Collecting
    /// again into another board moves it. Returns true when the note was newly collected.
    pub async fn collect(&self, account: i64, note: i64, board: i64, act: Act) -> Result<bool> {
        // Each script checks in its first step that the collect is still as read: when another
        // request changed it in between, read again.
        for _ in 0..RACES {
            let mut script = Script::default();
            match self.board_of_collect(account, note).await? {
                Some(old) if old == board => return Ok(false),
                Some(old) => {
                    script.checked(
                        "UPDATE collects SET board_id = $3 \
                         WHERE account_id = $1 AND note_id = $2 AND board_id = $4",
                        vec![Arg::Int(account), Arg::Int(note), Arg::Int(board), Arg::Int(old)],
                        Check::EndsUnlessChanged,
                    );
                    script.push(ADD_TO_BOARD, vec![Arg::Int(old), Arg::Int(-1)]);
                    script.push(ADD_TO_BOARD, vec![Arg::Int(board), Arg::Int(1)]);
                    if self.run_script(script).await? > 0 {
                        return Ok(false);
                    }
                }
                None => {
                    script.checked(
                        "INSERT INTO collects (account_id, note_id, id, board_id, created_at) \
                         SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM notes WHERE id = $2) \
                         ON CONFLICT DO NOTHING",
                        vec![
                            Arg::Int(account),
                            Arg::Int(note),
                            Arg::Int(act.id),
                            Arg::Int(board),
                            Arg::Int(act.at),
                        ],
                        Check::EndsUnlessChanged,
                    );
                    script.push(ADD_TO_BOARD, vec![Arg::Int(board), Arg::Int(1)]);
                    script.push(ADD_COLLECTS, vec![Arg::Int(note), Arg::Int(1)]);
                    notify_author(&mut script, "collect", account, note, act);
                    if self.run_script(script).await? > 0 {
                        return Ok(true);
                    }
                    if self.note(note).await?.is_none() {
                        return Err(StoreError::NotFound);
                    }
                    // Collected by a concurrent request (a double tap): read again.
                }
            }
        }
        Err(StoreError::Contended("the collect"))
    }

    /// Take a note out of the member's boards; false when it was not collected.
    pub async fn uncollect(&self, account: i64, note: i64) -> Result<bool> {
        for _ in 0..RACES {
            let Some(board) = self.board_of_collect(account, note).await? else {
                return Ok(false);
            };
            let mut script = Script::default();
            script.checked(
                "DELETE FROM collects WHERE account_id = $1 AND note_id = $2 AND board_id = $3",
                vec![Arg::Int(account), Arg::Int(note), Arg::Int(board)],
                Check::EndsUnlessChanged,
            );
            script.push(ADD_TO_BOARD, vec![Arg::Int(board), Arg::Int(-1)]);
            script.push(ADD_COLLECTS, vec![Arg::Int(note), Arg::Int(-1)]);
            if self.run_script(script).await? > 0 {
                return Ok(true);
            }
        }
        Err(StoreError::Contended("the collect"))
    }
}

/// Times a collect or uncollect reads the member's collect again after another request changed
/// it between the read and the write.
const RACES: usize = 3;

/// $1 board, $2 change.
const ADD_TO_BOARD: &str = "UPDATE boards SET notes_count = notes_count + $2 WHERE id = $1";

/// Notify a note's author of `kind` by `actor`, once (see [`NOTIFY_ONCE`]; the recipient is
/// read in the statement).
fn notify_author(script: &mut Script, kind: &str, actor: i64, note: i64, act: Act) {
    script.push(
        NOTIFY_AUTHOR_ONCE,
        vec![
            Arg::Int(act.notification_id),
            Arg::Text(kind.to_owned()),
            Arg::Int(actor),
            Arg::Int(act.at),
            Arg::Int(note),
        ],
    );
}

/// [`NOTIFY_ONCE`] to the author of note $5: $1 id, $2 kind, $3 actor, $4 at.
pub const NOTIFY_AUTHOR_ONCE: &str = "INSERT INTO notifications \
    (id, recipient_id, kind, actor_id, note_id, created_at, comment_id) \
    SELECT $1, n.author_id, $2, $3, n.id, $4, CAST(NULL AS BIGINT) FROM notes n \
    WHERE n.id = $5 AND n.author_id <> $3 AND NOT EXISTS (SELECT 1 FROM notifications x \
    WHERE x.actor_id = $3 AND x.recipient_id = n.author_id AND x.kind = $2 \
    AND COALESCE(x.note_id, 0) = n.id AND COALESCE(x.comment_id, 0) = 0)";

/// Insert a notification unless the same one exists or it would go to the actor themself.
/// $1 id, $2 recipient, $3 kind, $4 actor, $5 note, $6 at, $7 comment.
///
/// The duplicate check finds the pair through `notifications_by_actor (actor_id,
/// recipient_id)`. Note and comment are compared through `COALESCE` (ids are positive) so that
/// no plan uses their indexes: written as `comment_id = $7 OR (comment_id IS NULL AND …)`, SQLite
/// chose an OR over `notifications_by_comment`, and for a like (no comment) that read every
/// notification without one: over a second per like with 4M notifications.
pub const NOTIFY_ONCE: &str = "INSERT INTO notifications \
    (id, recipient_id, kind, actor_id, note_id, created_at, comment_id) \
    SELECT $1, $2, $3, $4, $5, $6, $7 WHERE $2 <> $4 AND NOT EXISTS (SELECT 1 FROM notifications \
    WHERE actor_id = $4 AND recipient_id = $2 AND kind = $3 \
    AND COALESCE(note_id, 0) = COALESCE($5, 0) AND COALESCE(comment_id, 0) = COALESCE($7, 0))";
