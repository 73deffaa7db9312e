//! The PostgreSQL side of the bulk writes (sqlx): many rows per statement, and counters moved
//! set-wise by the rows actually inserted (`ON CONFLICT DO NOTHING RETURNING`, then
//! `WITH d(id, n) AS (VALUES …) UPDATE … FROM d`).

use std::collections::BTreeMap;

use sqlx::QueryBuilder;
use sqlx::postgres::PgPool;

use super::{BulkCollect, BulkEdge, BulkNotice, HomeEntry};
use crate::accounts::NewAccount;
use crate::comments::NewComment;
use crate::engagement::BoardRow;
use crate::error::Result;
use crate::media::MediaRow;
use crate::notes::NewNote;

/// Rows per multi-row INSERT: well under PostgreSQL's 65535 bound parameters.
const CHUNK: usize = 1000;

/// Run a multi-row INSERT built in `$qb` (without its RETURNING clause) and collect, for the
/// rows actually inserted (conflicts skipped), the two columns named in `$returning`.
macro_rules! inserted {
    ($tx:ident, $qb:ident, $returning:literal) => {{
        $qb.push(concat!(" ON CONFLICT DO NOTHING RETURNING ", $returning));
        let rows: Vec<(i64, Option<i64>)> = $qb.build_query_as().fetch_all(&mut *$tx).await?;
        rows
    }};
}

/// Add each `(id, delta)` of `$deltas` to the counter `$col` of `$table`, a thousand rows per
/// statement (`WITH d(id, n) AS (VALUES …) UPDATE … FROM d`, which both databases take).
macro_rules! add_counts {
    ($tx:ident, $table:literal, $col:literal, $deltas:expr) => {
        let pairs: Vec<(i64, i64)> = $deltas.into_iter().map(|(k, v)| (*k, *v)).collect();
        for chunk in pairs.chunks(CHUNK) {
            let mut qb = QueryBuilder::new("WITH d(id, n) AS (");
            qb.push_values(chunk, |mut b, (id, n)| {
                b.push_bind(*id).push_bind(*n);
            });
            qb.push(concat!(
                ") UPDATE ",
                $table,
                " SET ",
                $col,
                " = ",
                $col,
                " + d.n FROM d WHERE ",
                $table,
                ".id = d.id"
            ));
            qb.build().execute(&mut *$tx).await?;
        }
    };
}

/// Recompute the Explore score of each of `$notes` (ids) from its counters, set-wise.
macro_rules! rescore {
    ($tx:ident, $notes:expr) => {
        let ids: Vec<i64> = $notes.into_iter().copied().collect();
        for chunk in ids.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(
                "SELECT id, created_at, likes_count, collects_count, comments_count FROM notes \
                 WHERE id IN (",
            );
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(")");
            let rows: Vec<(i64, i64, i64, i64, i64)> =
                qb.build_query_as().fetch_all(&mut *$tx).await?;
            if rows.is_empty() {
                continue;
            }
            let mut qb = QueryBuilder::new("WITH s(id, score) AS (");
            qb.push_values(&rows, |mut b, (id, at, likes, collects, comments)| {
                b.push_bind(*id)
                    .push_bind(crate::explore::explore_score(*at, *likes, *collects, *comments));
            });
            qb.push(") UPDATE notes SET explore_score = s.score FROM s WHERE notes.id = s.id");
            qb.build().execute(&mut *$tx).await?;
        }
    };
}

/// How many times each key occurs.
fn tally(keys: impl IntoIterator<Item = i64>) -> BTreeMap<i64, i64> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_insert(0) += 1;
    }
    out
}

pub(super) async fn accounts(p: &PgPool, accounts: &[NewAccount]) -> Result<()> {
    let mut tx = p.begin().await?;
    for chunk in accounts.chunks(CHUNK / 10) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO accounts (id, handle, handle_key, email, password_hash, \
             display_name, home_region, languages, role, state, created_at, \
             email_confirmed_at) ",
        );
        qb.push_values(chunk, |mut b, a| {
            b.push_bind(a.id)
                .push_bind(&a.handle)
                .push_bind(a.handle.to_lowercase())
                .push_bind(&a.email)
                .push_bind(&a.password_hash)
                .push_bind(&a.display_name)
                .push_bind(&a.home_region)
                .push_bind(&a.languages)
                .push_bind(&a.role)
                .push_bind(&a.state)
                .push_bind(a.created_at)
                .push_bind(a.email_confirmed_at);
        });
        qb.build()
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::StoreError::conflict_on(e, &["handle", "email"]))?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn bios(p: &PgPool, bios: &[(i64, String)]) -> Result<()> {
    let mut tx = p.begin().await?;
    for (id, bio) in bios {
        sqlx::query("UPDATE accounts SET bio = $2 WHERE id = $1")
            .bind(id)
            .bind(bio)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn follows(p: &PgPool, follows: &[BulkEdge]) -> Result<()> {
    let mut tx = p.begin().await?;
    for chunk in follows.chunks(CHUNK) {
        let mut qb =
            QueryBuilder::new("INSERT INTO follows (follower_id, followee_id, id, created_at) ");
        qb.push_values(chunk, |mut b, f| {
            b.push_bind(f.actor).push_bind(f.target).push_bind(f.id).push_bind(f.at);
        });
        let new = inserted!(tx, qb, "follower_id, followee_id");
        add_counts!(tx, "accounts", "following_count", &tally(new.iter().map(|r| r.0)));
        add_counts!(tx, "accounts", "followers_count", &tally(new.iter().filter_map(|r| r.1)));
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn notes(p: &PgPool, notes: &[NewNote], fan_out: bool) -> Result<()> {
    let mut tx = p.begin().await?;
    for chunk in notes.chunks(CHUNK / 2) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO notes (id, author_id, title, body, visibility, language, app_id, \
             created_at, explore_score) ",
        );
        qb.push_values(chunk, |mut b, n| {
            b.push_bind(n.id)
                .push_bind(n.author_id)
                .push_bind(&n.title)
                .push_bind(&n.body)
                .push_bind(&n.visibility)
                .push_bind(&n.language)
                .push_bind(n.app_id)
                .push_bind(n.created_at)
                .push_bind(crate::explore::explore_score(n.created_at, 0, 0, 0));
        });
        qb.build()
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::StoreError::conflict_on(e, &["notes"]))?;
        let tags: Vec<(&str, i64)> = chunk
            .iter()
            .filter(|n| n.visibility == "public")
            .flat_map(|n| n.tags.iter().map(move |t| (t.as_str(), n.id)))
            .collect();
        for tags in tags.chunks(CHUNK) {
            let mut qb = QueryBuilder::new("INSERT INTO note_tags (tag_key, note_id) ");
            qb.push_values(tags, |mut b, (tag, note)| {
                b.push_bind(*tag).push_bind(*note);
            });
            qb.push(" ON CONFLICT DO NOTHING");
            qb.build().execute(&mut *tx).await?;
        }
        let mut per_author: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for n in chunk {
            let e = per_author.entry(n.author_id).or_insert((0, i64::MIN));
            e.0 += 1;
            e.1 = e.1.max(n.created_at);
        }
        let rows: Vec<(i64, i64, i64)> =
            per_author.into_iter().map(|(a, (n, last))| (a, n, last)).collect();
        let mut qb = QueryBuilder::new("WITH d(id, n, last) AS (");
        qb.push_values(&rows, |mut b, (id, n, last)| {
            b.push_bind(*id).push_bind(*n).push_bind(*last);
        });
        qb.push(
            ") UPDATE accounts SET notes_count = notes_count + d.n, last_note_at = \
             CASE WHEN last_note_at IS NULL OR last_note_at < d.last THEN d.last \
             ELSE last_note_at END FROM d WHERE accounts.id = d.id",
        );
        qb.build().execute(&mut *tx).await?;
        if !fan_out {
            continue;
        }
        let mut qb = QueryBuilder::new("WITH d(note, author) AS (");
        qb.push_values(chunk, |mut b, n| {
            b.push_bind(n.id).push_bind(n.author_id);
        });
        qb.push(
            ") INSERT INTO home_entries (owner_id, note_id, author_id) \
             SELECT f.follower_id, d.note, d.author FROM d \
             JOIN follows f ON f.followee_id = d.author \
             UNION ALL SELECT d.author, d.note, d.author FROM d",
        );
        qb.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn media(p: &PgPool, media: &[MediaRow]) -> Result<()> {
    let mut tx = p.begin().await?;
    for chunk in media.chunks(CHUNK / 20) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO media (id, owner_id, note_id, position, mime, original_key, \
             original_width, original_height, small_key, small_width, small_height, \
             blurhash, phash, description, created_at) ",
        );
        qb.push_values(chunk, |mut b, m| {
            b.push_bind(m.id)
                .push_bind(m.owner_id)
                .push_bind(m.note_id)
                .push_bind(m.position)
                .push_bind(&m.mime)
                .push_bind(&m.original_key)
                .push_bind(m.original_width)
                .push_bind(m.original_height)
                .push_bind(&m.small_key)
                .push_bind(m.small_width)
                .push_bind(m.small_height)
                .push_bind(&m.blurhash)
                .push_bind(m.phash)
                .push_bind(&m.description)
                .push_bind(m.created_at);
        });
        qb.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Home entries as three arrays per statement (`UNNEST`), which PostgreSQL takes far faster
/// than a multi-row `VALUES` with three parameters a row.
pub(super) async fn home_entries(p: &PgPool, entries: &[HomeEntry]) -> Result<()> {
    let mut tx = p.begin().await?;
    for chunk in entries.chunks(CHUNK * 100) {
        let owners: Vec<i64> = chunk.iter().map(|e| e.owner).collect();
        let notes: Vec<i64> = chunk.iter().map(|e| e.note).collect();
        let authors: Vec<i64> = chunk.iter().map(|e| e.author).collect();
        sqlx::query(
            "INSERT INTO home_entries (owner_id, note_id, author_id) \
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[]) \
             ON CONFLICT DO NOTHING",
        )
        .bind(owners)
        .bind(notes)
        .bind(authors)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn likes(p: &PgPool, likes: &[BulkEdge]) -> Result<()> {
    let mut tx = p.begin().await?;
    let mut per_note = BTreeMap::new();
    for chunk in likes.chunks(CHUNK) {
        let mut qb = QueryBuilder::new("INSERT INTO likes (account_id, note_id, id, created_at) ");
        qb.push_values(chunk, |mut b, l| {
            b.push_bind(l.actor).push_bind(l.target).push_bind(l.id).push_bind(l.at);
        });
        let new = inserted!(tx, qb, "note_id, CAST(NULL AS BIGINT)");
        for (note, n) in tally(new.iter().map(|r| r.0)) {
            *per_note.entry(note).or_insert(0) += n;
        }
    }
    add_counts!(tx, "notes", "likes_count", &per_note);
    rescore!(tx, per_note.keys());
    tx.commit().await?;
    Ok(())
}

pub(super) async fn boards(p: &PgPool, boards: &[BoardRow]) -> Result<()> {
    let mut tx = p.begin().await?;
    for chunk in boards.chunks(CHUNK / 10) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO boards (id, owner_id, name, is_default, visibility, created_at) ",
        );
        qb.push_values(chunk, |mut b, r| {
            b.push_bind(r.id)
                .push_bind(r.owner_id)
                .push_bind(&r.name)
                .push_bind(r.is_default)
                .push_bind(&r.visibility)
                .push_bind(r.created_at);
        });
        qb.push(" ON CONFLICT DO NOTHING");
        qb.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn collects(p: &PgPool, collects: &[BulkCollect]) -> Result<()> {
    let mut tx = p.begin().await?;
    let (mut per_note, mut per_board) = (BTreeMap::new(), BTreeMap::new());
    for chunk in collects.chunks(CHUNK) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO collects (account_id, note_id, id, board_id, created_at) ",
        );
        qb.push_values(chunk, |mut b, c| {
            b.push_bind(c.account)
                .push_bind(c.note)
                .push_bind(c.id)
                .push_bind(c.board)
                .push_bind(c.at);
        });
        let new = inserted!(tx, qb, "note_id, board_id");
        for (note, n) in tally(new.iter().map(|r| r.0)) {
            *per_note.entry(note).or_insert(0) += n;
        }
        for (board, n) in tally(new.iter().filter_map(|r| r.1)) {
            *per_board.entry(board).or_insert(0) += n;
        }
    }
    add_counts!(tx, "notes", "collects_count", &per_note);
    add_counts!(tx, "boards", "notes_count", &per_board);
    rescore!(tx, per_note.keys());
    tx.commit().await?;
    Ok(())
}

pub(super) async fn comments(p: &PgPool, comments: &[NewComment]) -> Result<()> {
    let mut tx = p.begin().await?;
    let (mut per_note, mut per_parent) = (BTreeMap::new(), BTreeMap::new());
    for chunk in comments.chunks(CHUNK / 10) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO comments (id, note_id, author_id, parent_id, \
             reply_to_account_id, body, language, created_at) ",
        );
        qb.push_values(chunk, |mut b, c| {
            b.push_bind(c.id)
                .push_bind(c.note_id)
                .push_bind(c.author_id)
                .push_bind(c.parent_id)
                .push_bind(c.reply_to_account_id)
                .push_bind(&c.body)
                .push_bind(&c.language)
                .push_bind(c.created_at);
        });
        let new = inserted!(tx, qb, "note_id, parent_id");
        for (note, n) in tally(new.iter().map(|r| r.0)) {
            *per_note.entry(note).or_insert(0) += n;
        }
        for (parent, n) in tally(new.iter().filter_map(|r| r.1)) {
            *per_parent.entry(parent).or_insert(0) += n;
        }
    }
    add_counts!(tx, "notes", "comments_count", &per_note);
    add_counts!(tx, "comments", "replies_count", &per_parent);
    rescore!(tx, per_note.keys());
    tx.commit().await?;
    Ok(())
}

pub(super) async fn comment_likes(p: &PgPool, likes: &[BulkEdge]) -> Result<()> {
    let mut tx = p.begin().await?;
    for chunk in likes.chunks(CHUNK) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO comment_likes (account_id, comment_id, id, created_at) ",
        );
        qb.push_values(chunk, |mut b, l| {
            b.push_bind(l.actor).push_bind(l.target).push_bind(l.id).push_bind(l.at);
        });
        let new = inserted!(tx, qb, "comment_id, CAST(NULL AS BIGINT)");
        add_counts!(tx, "comments", "likes_count", &tally(new.iter().map(|r| r.0)));
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn notify(p: &PgPool, notices: &[BulkNotice]) -> Result<()> {
    let mut tx = p.begin().await?;
    for chunk in notices.chunks(CHUNK / 10) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO notifications (id, recipient_id, kind, actor_id, note_id, \
             comment_id, created_at) ",
        );
        qb.push_values(chunk, |mut b, n| {
            b.push_bind(n.id)
                .push_bind(n.recipient)
                .push_bind(n.kind)
                .push_bind(n.actor)
                .push_bind(n.note)
                .push_bind(n.comment)
                .push_bind(n.at);
        });
        qb.push(" ON CONFLICT DO NOTHING");
        qb.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
