//! The PostgreSQL side of the bulk writes (sqlx): the big tables' rows copied in (`COPY`, see
//! [`super::pg_copy`]), the small ones many rows per statement; counters moved set-wise by the
//! rows actually inserted.

use std::collections::BTreeMap;

use sqlx::QueryBuilder;
use sqlx::postgres::{PgConnection, PgPool};

use super::pg_copy::{CopyRows, NoteCounter, add_counts, add_note_counts, copy_in, insert_copied};
use super::{BulkCollect, BulkEdge, BulkNotice, HomeEntry};
use crate::accounts::NewAccount;
use crate::comments::NewComment;
use crate::engagement::BoardRow;
use crate::error::Result;
use crate::media::{MEDIA_COLS, MediaRow};
use crate::notes::NewNote;

/// Rows per multi-row INSERT: well under PostgreSQL's 65535 bound parameters.
const CHUNK: usize = 1000;

/// Insert `edges` into `table` (columns `cols` for actor and target, then `id, created_at`),
/// skipping those already there; returns how many were inserted per target.
async fn insert_edges(
    conn: &mut PgConnection,
    table: &str,
    cols: &str,
    edges: &[BulkEdge],
) -> Result<BTreeMap<i64, i64>> {
    let write = |r: &mut CopyRows, e: &BulkEdge| {
        r.int(e.actor).int(e.target).int(e.id).int(e.at);
    };
    let target = cols.rsplit(", ").next().unwrap_or(cols);
    let returning = format!("{target}, CAST(NULL AS BIGINT)");
    let all = format!("{cols}, id, created_at");
    let new =
        insert_copied(conn, table, &all, edges, write, &returning, |e| (e.target, None)).await?;
    Ok(tally(new.iter().map(|r| r.0)))
}

/// [`insert_copied`] for rows that move no counter.
async fn insert_rows<T>(
    conn: &mut PgConnection,
    table: &str,
    cols: &str,
    items: &[T],
    write: impl FnMut(&mut CopyRows, &T),
) -> Result<()> {
    let nothing = "CAST(0 AS BIGINT), CAST(NULL AS BIGINT)";
    insert_copied(conn, table, cols, items, write, nothing, |_| (0, None)).await?;
    Ok(())
}

/// How many times each key occurs.
fn tally(keys: impl IntoIterator<Item = i64>) -> BTreeMap<i64, i64> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_insert(0) += 1;
    }
    out
}

/// Drop the foreign keys of `tables`, keeping each definition in `load_dropped_foreign_keys`
/// in the same transaction (so nothing is lost if the load stops midway).
pub(super) async fn drop_foreign_keys(p: &PgPool, tables: &[&str]) -> Result<()> {
    let mut tx = p.begin().await?;
    let keys: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.conname::text, t.relname::text, pg_get_constraintdef(c.oid) \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = current_schema() \
         WHERE c.contype = 'f' AND t.relname::text = ANY($1) ORDER BY 1",
    )
    .bind(tables)
    .fetch_all(&mut *tx)
    .await?;
    for (name, table, definition) in keys {
        sqlx::query(
            "INSERT INTO load_dropped_foreign_keys (name, table_name, definition) \
             VALUES ($1, $2, $3)",
        )
        .bind(&name)
        .bind(&table)
        .bind(&definition)
        .execute(&mut *tx)
        .await?;
        let sql = format!("ALTER TABLE {table} DROP CONSTRAINT {name}");
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Add back every foreign key [`drop_foreign_keys`] dropped; each is checked against its
/// table's rows in one pass.
pub(super) async fn restore_foreign_keys(p: &PgPool) -> Result<()> {
    let mut tx = p.begin().await?;
    let keys: Vec<(String, String, String)> = sqlx::query_as(
        "DELETE FROM load_dropped_foreign_keys RETURNING name, table_name, definition",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (name, table, definition) in keys {
        // The names and definitions were read from the catalog by `drop_foreign_keys`.
        let sql = format!("ALTER TABLE {table} ADD CONSTRAINT {name} {definition}");
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
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
    let cols = "follower_id, followee_id, id, created_at";
    let write = |r: &mut CopyRows, f: &BulkEdge| {
        r.int(f.actor).int(f.target).int(f.id).int(f.at);
    };
    let returning = "follower_id, followee_id";
    let new = insert_copied(&mut tx, "follows", cols, follows, write, returning, |f| {
        (f.actor, Some(f.target))
    })
    .await?;
    add_counts(&mut tx, "accounts", "following_count", &tally(new.iter().map(|r| r.0))).await?;
    let followed = tally(new.iter().filter_map(|r| r.1));
    add_counts(&mut tx, "accounts", "followers_count", &followed).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn notes(p: &PgPool, notes: &[NewNote], fan_out: bool) -> Result<()> {
    let mut tx = p.begin().await?;
    let cols = "id, author_id, title, body, visibility, language, app_id, created_at, \
                explore_score";
    copy_in(&mut tx, &format!("notes ({cols})"), notes, |r, n| {
        r.int(n.id)
            .int(n.author_id)
            .text(&n.title)
            .text(&n.body)
            .text(&n.visibility)
            .opt_text(n.language.as_deref())
            .opt_int(n.app_id)
            .int(n.created_at)
            .float(crate::explore::explore_score(n.created_at, 0, 0, 0));
    })
    .await
    .map_err(|e| crate::StoreError::conflict_on(e, &["notes"]))?;
    let tags: Vec<(&str, i64)> = notes
        .iter()
        .filter(|n| n.visibility == "public")
        .flat_map(|n| n.tags.iter().map(move |t| (t.as_str(), n.id)))
        .collect();
    let write = |r: &mut CopyRows, (tag, note): &(&str, i64)| {
        r.text(tag).int(*note);
    };
    insert_rows(&mut tx, "note_tags", "tag_key, note_id", &tags, write).await?;
    let mut per_author: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for n in notes {
        let e = per_author.entry(n.author_id).or_insert((0, i64::MIN));
        e.0 += 1;
        e.1 = e.1.max(n.created_at);
    }
    let rows: Vec<(i64, i64, i64)> =
        per_author.into_iter().map(|(a, (n, last))| (a, n, last)).collect();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::new("WITH d(id, n, last) AS (");
        qb.push_values(chunk, |mut b, (id, n, last)| {
            b.push_bind(*id).push_bind(*n).push_bind(*last);
        });
        qb.push(
            ") UPDATE accounts SET notes_count = notes_count + d.n, last_note_at = \
             CASE WHEN last_note_at IS NULL OR last_note_at < d.last THEN d.last \
             ELSE last_note_at END FROM d WHERE accounts.id = d.id",
        );
        qb.build().execute(&mut *tx).await?;
    }
    if fan_out {
        let ids: Vec<i64> = notes.iter().map(|n| n.id).collect();
        sqlx::query(
            "INSERT INTO home_entries (owner_id, note_id, author_id) \
             SELECT f.follower_id, n.id, n.author_id FROM notes n \
             JOIN accounts a ON a.id = n.author_id AND a.home_pull = 0 \
             JOIN follows f ON f.followee_id = n.author_id WHERE n.id = ANY($1) \
             UNION ALL SELECT n.author_id, n.id, n.author_id FROM notes n WHERE n.id = ANY($1)",
        )
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn media(p: &PgPool, media: &[MediaRow]) -> Result<()> {
    let mut tx = p.begin().await?;
    copy_in(&mut tx, &format!("media ({MEDIA_COLS})"), media, |r, m| {
        r.int(m.id)
            .int(m.owner_id)
            .opt_int(m.note_id)
            .int(m.position)
            .text(&m.mime)
            .text(&m.original_key)
            .int(m.original_width)
            .int(m.original_height)
            .text(&m.small_key)
            .int(m.small_width)
            .int(m.small_height)
            .text(&m.blurhash)
            .int(m.phash)
            .text(&m.description)
            .int(m.created_at);
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Home entries, skipping those already present.
pub(super) async fn home_entries(p: &PgPool, entries: &[HomeEntry]) -> Result<()> {
    let mut tx = p.begin().await?;
    let cols = "owner_id, note_id, author_id";
    let write = |r: &mut CopyRows, e: &HomeEntry| {
        r.int(e.owner).int(e.note).int(e.author);
    };
    insert_rows(&mut tx, "home_entries", cols, entries, write).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn likes(p: &PgPool, likes: &[BulkEdge]) -> Result<()> {
    let mut tx = p.begin().await?;
    let new = insert_edges(&mut tx, "likes", "account_id, note_id", likes).await?;
    add_note_counts(&mut tx, NoteCounter::Likes, &new).await?;
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
    let cols = "account_id, note_id, id, board_id, created_at";
    let write = |r: &mut CopyRows, c: &BulkCollect| {
        r.int(c.account).int(c.note).int(c.id).int(c.board).int(c.at);
    };
    let returning = "note_id, board_id";
    let new = insert_copied(&mut tx, "collects", cols, collects, write, returning, |c| {
        (c.note, Some(c.board))
    })
    .await?;
    add_note_counts(&mut tx, NoteCounter::Collects, &tally(new.iter().map(|r| r.0))).await?;
    add_counts(&mut tx, "boards", "notes_count", &tally(new.iter().filter_map(|r| r.1))).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn comments(p: &PgPool, comments: &[NewComment]) -> Result<()> {
    let mut tx = p.begin().await?;
    let cols = "id, note_id, author_id, parent_id, reply_to_account_id, body, language, \
                created_at";
    let write = |r: &mut CopyRows, c: &NewComment| {
        r.int(c.id)
            .int(c.note_id)
            .int(c.author_id)
            .opt_int(c.parent_id)
            .opt_int(c.reply_to_account_id)
            .text(&c.body)
            .opt_text(c.language.as_deref())
            .int(c.created_at);
    };
    let returning = "note_id, parent_id";
    let new = insert_copied(&mut tx, "comments", cols, comments, write, returning, |c| {
        (c.note_id, c.parent_id)
    })
    .await?;
    add_note_counts(&mut tx, NoteCounter::Comments, &tally(new.iter().map(|r| r.0))).await?;
    let replied = tally(new.iter().filter_map(|r| r.1));
    add_counts(&mut tx, "comments", "replies_count", &replied).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn comment_likes(p: &PgPool, likes: &[BulkEdge]) -> Result<()> {
    let mut tx = p.begin().await?;
    let new = insert_edges(&mut tx, "comment_likes", "account_id, comment_id", likes).await?;
    add_counts(&mut tx, "comments", "likes_count", &new).await?;
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
