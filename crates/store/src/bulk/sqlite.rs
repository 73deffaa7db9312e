//! The SQLite side of the bulk writes: each function runs inside the one transaction of a
//! batch on the bulk connection ([`super::lite`]), a cached statement executed per row. Edges go
//! in with `ON CONFLICT DO NOTHING`, and a row counts only when SQLite reports it changed one
//! row, so a duplicate in the batch or a row already stored moves no counter. Counters are then
//! moved once per distinct id, in id order.

use std::collections::BTreeMap;

use rusqlite::{Transaction, params};

use super::{BulkCollect, BulkEdge, BulkNotice, HomeEntry};
use crate::accounts::NewAccount;
use crate::comments::NewComment;
use crate::engagement::BoardRow;
use crate::error::{Result, StoreError};
use crate::explore::explore_score;
use crate::media::MediaRow;
use crate::notes::NewNote;

/// Per id, how many rows were inserted.
type Tally = BTreeMap<i64, i64>;

fn bump(tally: &mut Tally, id: i64) {
    *tally.entry(id).or_insert(0) += 1;
}

/// Add each delta of `deltas` to a counter; `sql` takes the id as `?1` and the delta as `?2`.
fn add_counts(tx: &Transaction<'_>, sql: &str, deltas: &Tally) -> Result<()> {
    let mut st = tx.prepare_cached(sql)?;
    for (id, n) in deltas {
        st.execute(params![id, n])?;
    }
    Ok(())
}

/// Add each delta to a counter of a note (`sql` as for [`add_counts`], with
/// `RETURNING created_at, likes_count, collects_count, comments_count`) and store the note's new
/// Explore score.
fn add_note_counts(tx: &Transaction<'_>, sql: &str, deltas: &Tally) -> Result<()> {
    let mut add = tx.prepare_cached(sql)?;
    let mut score = tx.prepare_cached("UPDATE notes SET explore_score = ?2 WHERE id = ?1")?;
    for (id, n) in deltas {
        let row = add.query_row(params![id, n], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        });
        let (at, likes, collects, comments) = match row {
            Ok(row) => row,
            Err(rusqlite::Error::QueryReturnedNoRows) => continue,
            Err(e) => return Err(e.into()),
        };
        score.execute(params![id, explore_score(at, likes, collects, comments)])?;
    }
    Ok(())
}

pub(super) fn accounts(tx: &Transaction<'_>, accounts: &[NewAccount]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO accounts (id, handle, handle_key, email, password_hash, display_name, \
         home_region, languages, role, state, created_at, email_confirmed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for a in accounts {
        st.execute(params![
            a.id,
            a.handle,
            a.handle.to_lowercase(),
            a.email,
            a.password_hash,
            a.display_name,
            a.home_region,
            a.languages,
            a.role,
            a.state,
            a.created_at,
            a.email_confirmed_at,
        ])
        .map_err(|e| StoreError::conflict_on_lite(e, &["handle", "email"]))?;
    }
    Ok(())
}

pub(super) fn bios(tx: &Transaction<'_>, bios: &[(i64, String)]) -> Result<()> {
    let mut st = tx.prepare_cached("UPDATE accounts SET bio = ?2 WHERE id = ?1")?;
    for (id, bio) in bios {
        st.execute(params![id, bio])?;
    }
    Ok(())
}

pub(super) fn follows(tx: &Transaction<'_>, follows: &[BulkEdge]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO follows (follower_id, followee_id, id, created_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT DO NOTHING",
    )?;
    let (mut following, mut followers) = (Tally::new(), Tally::new());
    for f in follows {
        if st.execute(params![f.actor, f.target, f.id, f.at])? == 1 {
            bump(&mut following, f.actor);
            bump(&mut followers, f.target);
        }
    }
    add_counts(
        tx,
        "UPDATE accounts SET following_count = following_count + ?2 WHERE id = ?1",
        &following,
    )?;
    add_counts(
        tx,
        "UPDATE accounts SET followers_count = followers_count + ?2 WHERE id = ?1",
        &followers,
    )
}

pub(super) fn notes(tx: &Transaction<'_>, notes: &[NewNote], fan_out: bool) -> Result<()> {
    let mut note = tx.prepare_cached(
        "INSERT INTO notes (id, author_id, title, body, visibility, language, app_id, \
         created_at, explore_score) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut tag = tx.prepare_cached(
        "INSERT INTO note_tags (tag_key, note_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?;
    // $1 note, $2 author: bound in that order below.
    let mut home = tx.prepare_cached(crate::home::FAN_OUT_IN_POST_SQLITE)?;
    // Per author: notes written, newest time.
    let mut per_author: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for n in notes {
        note.execute(params![
            n.id,
            n.author_id,
            n.title,
            n.body,
            n.visibility,
            n.language,
            n.app_id,
            n.created_at,
            explore_score(n.created_at, 0, 0, 0),
        ])
        .map_err(|e| StoreError::conflict_on_lite(e, &["notes"]))?;
        if n.visibility == "public" {
            for t in &n.tags {
                tag.execute(params![t, n.id])?;
            }
        }
        let e = per_author.entry(n.author_id).or_insert((0, i64::MIN));
        e.0 += 1;
        e.1 = e.1.max(n.created_at);
        if fan_out {
            home.execute(params![n.id, n.author_id])?;
        }
    }
    let mut author = tx.prepare_cached(
        "UPDATE accounts SET notes_count = notes_count + ?2, last_note_at = \
         CASE WHEN last_note_at IS NULL OR last_note_at < ?3 THEN ?3 ELSE last_note_at END \
         WHERE id = ?1",
    )?;
    for (id, (n, last)) in per_author {
        author.execute(params![id, n, last])?;
    }
    Ok(())
}

pub(super) fn home_entries(tx: &Transaction<'_>, entries: &[HomeEntry]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO home_entries (owner_id, note_id, author_id) VALUES (?1, ?2, ?3) \
         ON CONFLICT DO NOTHING",
    )?;
    for e in entries {
        st.execute(params![e.owner, e.note, e.author])?;
    }
    Ok(())
}

pub(super) fn media(tx: &Transaction<'_>, media: &[MediaRow]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO media (id, owner_id, note_id, position, mime, original_key, \
         original_width, original_height, small_key, small_width, small_height, blurhash, \
         phash, description, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for m in media {
        st.execute(params![
            m.id,
            m.owner_id,
            m.note_id,
            m.position,
            m.mime,
            m.original_key,
            m.original_width,
            m.original_height,
            m.small_key,
            m.small_width,
            m.small_height,
            m.blurhash,
            m.phash,
            m.description,
            m.created_at,
        ])?;
    }
    Ok(())
}

pub(super) fn likes(tx: &Transaction<'_>, likes: &[BulkEdge]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO likes (account_id, note_id, id, created_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT DO NOTHING",
    )?;
    let mut per_note = Tally::new();
    for l in likes {
        if st.execute(params![l.actor, l.target, l.id, l.at])? == 1 {
            bump(&mut per_note, l.target);
        }
    }
    add_note_counts(tx, NOTE_LIKES, &per_note)
}

const NOTE_LIKES: &str = "UPDATE notes SET likes_count = likes_count + ?2 WHERE id = ?1 \
     RETURNING created_at, likes_count, collects_count, comments_count";
const NOTE_COLLECTS: &str = "UPDATE notes SET collects_count = collects_count + ?2 \
     WHERE id = ?1 RETURNING created_at, likes_count, collects_count, comments_count";
const NOTE_COMMENTS: &str = "UPDATE notes SET comments_count = comments_count + ?2 \
     WHERE id = ?1 RETURNING created_at, likes_count, collects_count, comments_count";

pub(super) fn boards(tx: &Transaction<'_>, boards: &[BoardRow]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO boards (id, owner_id, name, is_default, visibility, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
    )?;
    for b in boards {
        st.execute(params![b.id, b.owner_id, b.name, b.is_default, b.visibility, b.created_at])?;
    }
    Ok(())
}

pub(super) fn collects(tx: &Transaction<'_>, collects: &[BulkCollect]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO collects (account_id, note_id, id, board_id, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
    )?;
    let (mut per_note, mut per_board) = (Tally::new(), Tally::new());
    for c in collects {
        if st.execute(params![c.account, c.note, c.id, c.board, c.at])? == 1 {
            bump(&mut per_note, c.note);
            bump(&mut per_board, c.board);
        }
    }
    add_note_counts(tx, NOTE_COLLECTS, &per_note)?;
    add_counts(tx, "UPDATE boards SET notes_count = notes_count + ?2 WHERE id = ?1", &per_board)
}

pub(super) fn comments(tx: &Transaction<'_>, comments: &[NewComment]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO comments (id, note_id, author_id, parent_id, reply_to_account_id, body, \
         language, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
    )?;
    let (mut per_note, mut per_parent) = (Tally::new(), Tally::new());
    for c in comments {
        let changed = st.execute(params![
            c.id,
            c.note_id,
            c.author_id,
            c.parent_id,
            c.reply_to_account_id,
            c.body,
            c.language,
            c.created_at,
        ])?;
        if changed == 1 {
            bump(&mut per_note, c.note_id);
            if let Some(parent) = c.parent_id {
                bump(&mut per_parent, parent);
            }
        }
    }
    add_note_counts(tx, NOTE_COMMENTS, &per_note)?;
    add_counts(
        tx,
        "UPDATE comments SET replies_count = replies_count + ?2 WHERE id = ?1",
        &per_parent,
    )
}

pub(super) fn comment_likes(tx: &Transaction<'_>, likes: &[BulkEdge]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO comment_likes (account_id, comment_id, id, created_at) \
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
    )?;
    let mut per_comment = Tally::new();
    for l in likes {
        if st.execute(params![l.actor, l.target, l.id, l.at])? == 1 {
            bump(&mut per_comment, l.target);
        }
    }
    add_counts(tx, "UPDATE comments SET likes_count = likes_count + ?2 WHERE id = ?1", &per_comment)
}

pub(super) fn notify(tx: &Transaction<'_>, notices: &[BulkNotice]) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO notifications (id, recipient_id, kind, actor_id, note_id, comment_id, \
         created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    )?;
    for n in notices {
        st.execute(params![n.id, n.recipient, n.kind, n.actor, n.note, n.comment, n.at])?;
    }
    Ok(())
}
