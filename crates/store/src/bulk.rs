//! Bulk writes for the simulator and imports: many rows per statement, one transaction per
//! batch, and every counter the single writes keep moved by the rows a batch actually inserted
//! (`RETURNING` after `ON CONFLICT DO NOTHING`), so counters are exact after each batch. Rows
//! that already exist are skipped, not errors.

use std::collections::BTreeMap;

use sqlx::QueryBuilder;

use crate::Store;
use crate::accounts::NewAccount;
use crate::comments::NewComment;
use crate::db::{Db, on_write};
use crate::engagement::BoardRow;
use crate::error::Result;
use crate::media::MediaRow;
use crate::notes::NewNote;

/// Rows per multi-row INSERT: under SQLite's 32766 bound variables with room to spare.
const CHUNK: usize = 1000;

/// A follow, like or collect by `actor` of `target` (an account or a note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkEdge {
    pub id: i64,
    pub actor: i64,
    pub target: i64,
    pub at: i64,
}

/// A collect into a board the collector owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkCollect {
    pub id: i64,
    pub account: i64,
    pub note: i64,
    pub board: i64,
    pub at: i64,
}

/// A notification, written as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkNotice {
    pub id: i64,
    pub recipient: i64,
    pub kind: &'static str,
    pub actor: i64,
    pub note: Option<i64>,
    pub comment: Option<i64>,
    pub at: i64,
}

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

/// Secondary indexes of the big edge tables, as the migrations define them (the same on both
/// backends). A bulk load into an empty database drops them and builds them once at the end:
/// inserting at random positions into three or four B-trees per row is what made seeding slow.
const LOAD_INDEXES: [(&str, &str); 9] = [
    ("follows_followee", "follows (followee_id, follower_id)"),
    ("follows_by_follower", "UNIQUE follows (follower_id, id)"),
    ("follows_by_followee", "UNIQUE follows (followee_id, id)"),
    ("likes_by_account", "UNIQUE likes (account_id, id)"),
    ("likes_by_note", "likes (note_id, id)"),
    ("collects_by_account", "UNIQUE collects (account_id, id)"),
    ("collects_by_board", "collects (board_id, id)"),
    ("collects_by_note", "collects (note_id)"),
    ("comment_likes_by_comment", "comment_likes (comment_id)"),
];

impl Store {
    /// Drop the secondary indexes of follows, likes, collects and comment likes for a bulk load;
    /// [`Store::restore_load_indexes`] (also run by every [`Store::migrate`], so an interrupted
    /// load is repaired on the next start) builds them again.
    pub async fn drop_load_indexes(&self) -> Result<()> {
        for (name, _) in LOAD_INDEXES {
            let sql = format!("DROP INDEX IF EXISTS {name}");
            on_write!(self, |p| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(p)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Trade durability for speed while a bulk load fills an empty SQLite database: no sync at
    /// checkpoints and rarer checkpoints (an OS crash midway can corrupt the file, which a
    /// load into an empty database can simply be run again to replace). `false` restores the
    /// normal settings and checkpoints the log. PostgreSQL is left as it is.
    pub async fn set_bulk_load_mode(&self, on: bool) -> Result<()> {
        let Db::Sqlite { writer, .. } = &self.db else { return Ok(()) };
        let pragmas: &[&str] = if on {
            &["PRAGMA synchronous = OFF", "PRAGMA wal_autocheckpoint = 100000"]
        } else {
            &[
                "PRAGMA synchronous = NORMAL",
                "PRAGMA wal_autocheckpoint = 1000",
                "PRAGMA wal_checkpoint(TRUNCATE)",
            ]
        };
        // The writer pool holds its one connection, so the pragmas stay with it.
        let mut conn = writer.acquire().await?;
        for pragma in pragmas {
            sqlx::query(sqlx::AssertSqlSafe(*pragma)).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Build any of the bulk-load indexes that is missing.
    pub async fn restore_load_indexes(&self) -> Result<()> {
        for (name, def) in LOAD_INDEXES {
            let (unique, on) = match def.strip_prefix("UNIQUE ") {
                Some(on) => ("UNIQUE ", on),
                None => ("", def),
            };
            let sql = format!("CREATE {unique}INDEX IF NOT EXISTS {name} ON {on}");
            on_write!(self, |p| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(p)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Accounts, all or none (a taken handle or email fails the batch).
    pub async fn bulk_insert_accounts(&self, accounts: &[NewAccount]) -> Result<()> {
        on_write!(self, |p| {
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
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Set bios (the simulator writes them after the accounts).
    pub async fn bulk_set_bios(&self, bios: &[(i64, String)]) -> Result<()> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for (id, bio) in bios {
                sqlx::query("UPDATE accounts SET bio = $2 WHERE id = $1")
                    .bind(id)
                    .bind(bio)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Follows; both accounts' counters are recounted.
    pub async fn bulk_follow(&self, follows: &[BulkEdge]) -> Result<()> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in follows.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO follows (follower_id, followee_id, id, created_at) ",
                );
                qb.push_values(chunk, |mut b, f| {
                    b.push_bind(f.actor).push_bind(f.target).push_bind(f.id).push_bind(f.at);
                });
                let new = inserted!(tx, qb, "follower_id, followee_id");
                add_counts!(tx, "accounts", "following_count", &tally(new.iter().map(|r| r.0)));
                add_counts!(
                    tx,
                    "accounts",
                    "followers_count",
                    &tally(new.iter().filter_map(|r| r.1))
                );
            }
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Notes, many per statement: tags indexed and authors' counters moved as
    /// [`Store::insert_note`] does one at a time; with `fan_out`, each note also goes to its
    /// author's followers' home feeds (without it, call [`Store::rebuild_home_feeds`] after the
    /// load). Mentions, idempotency keys and media to attach are for single posts and are
    /// refused here.
    pub async fn bulk_insert_notes(&self, notes: &[NewNote], fan_out: bool) -> Result<()> {
        if notes.iter().any(|n| {
            !n.mentions.is_empty() || n.idempotency_key.is_some() || !n.media_ids.is_empty()
        }) {
            return Err(crate::StoreError::Unsupported(
                "bulk notes take no mentions, idempotency keys or media to attach",
            ));
        }
        on_write!(self, |p| {
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
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Rebuild every home feed from the follow graph: each member's own notes and those of the
    /// accounts they follow. For after a bulk load without fan-out: rows go in sorted by owner
    /// with the secondary indexes dropped and made again afterwards, which is many times faster
    /// than fanning out note by note.
    pub async fn rebuild_home_feeds(&self) -> Result<u64> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for sql in [
                "DELETE FROM home_entries",
                "DROP INDEX home_entries_note",
                "DROP INDEX home_entries_author",
            ] {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
            let n = sqlx::query(
                "INSERT INTO home_entries (owner_id, note_id, author_id) \
                 SELECT owner, note, author FROM ( \
                   SELECT f.follower_id AS owner, n.id AS note, n.author_id AS author \
                   FROM follows f JOIN notes n ON n.author_id = f.followee_id \
                   UNION ALL SELECT n.author_id, n.id, n.author_id FROM notes n) AS entries \
                 ORDER BY owner, note",
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // The same definitions as the migrations.
            for sql in [
                "CREATE INDEX home_entries_note ON home_entries (note_id)",
                "CREATE INDEX home_entries_author ON home_entries (owner_id, author_id)",
            ] {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, crate::StoreError>(n)
        })
    }

    /// Media rows as they are (already attached to their notes, or not).
    pub async fn bulk_insert_media(&self, media: &[MediaRow]) -> Result<()> {
        on_write!(self, |p| {
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
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Likes; the notes' counters and scores are recounted.
    pub async fn bulk_like(&self, likes: &[BulkEdge]) -> Result<()> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let mut per_note = BTreeMap::new();
            for chunk in likes.chunks(CHUNK) {
                let mut qb =
                    QueryBuilder::new("INSERT INTO likes (account_id, note_id, id, created_at) ");
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
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Boards (named ones and defaults alike).
    pub async fn bulk_insert_boards(&self, boards: &[BoardRow]) -> Result<()> {
        on_write!(self, |p| {
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
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Collects; the notes' and boards' counters are recounted.
    pub async fn bulk_collect(&self, collects: &[BulkCollect]) -> Result<()> {
        on_write!(self, |p| {
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
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Comments (a reply's parent earlier in the slice or already stored); the notes' and the
    /// parents' counters are recounted.
    pub async fn bulk_insert_comments(&self, comments: &[NewComment]) -> Result<()> {
        on_write!(self, |p| {
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
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Likes of comments (`target` a comment); the comments' counters are recounted.
    pub async fn bulk_like_comments(&self, likes: &[BulkEdge]) -> Result<()> {
        on_write!(self, |p| {
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
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Notifications as given.
    pub async fn bulk_notify(&self, notices: &[BulkNotice]) -> Result<()> {
        on_write!(self, |p| {
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
            Ok::<_, crate::StoreError>(())
        })
    }
}
