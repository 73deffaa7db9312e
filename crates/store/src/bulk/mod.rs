//! Bulk writes for the simulator and imports: one transaction per batch, and every counter the
//! single writes keep moved by the rows a batch actually inserted, so counters are exact after
//! each batch. Rows that already exist are skipped, not errors. PostgreSQL runs them through
//! sqlx, many rows per statement ([`pg`]); SQLite runs each batch as one blocking call on a
//! connection of its own with cached statements, row by row ([`sqlite`], [`lite`]).

mod lite;
mod pg;
mod pg_copy;
mod sqlite;

pub(crate) use lite::BulkConn;

use crate::Store;
use crate::accounts::NewAccount;
use crate::checkpoint::WRITER_AUTOCHECKPOINT;
use crate::comments::NewComment;
use crate::db::{Db, on_write};
use crate::engagement::BoardRow;
use crate::error::Result;
use crate::media::MediaRow;
use crate::notes::NewNote;

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

/// `note` by `author` in `owner`'s home feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeEntry {
    pub owner: i64,
    pub note: i64,
    pub author: i64,
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

/// Secondary indexes of the tables a bulk load fills, as the migrations define them (the same on
/// both backends). A bulk load into an empty database drops them and builds them once at the
/// end: inserting at random positions into three or four B-trees per row is what made seeding
/// slow (and every Explore score a batch moves would move an index entry too).
const LOAD_INDEXES: [(&str, &str); 24] = [
    ("follows_followee", "follows (followee_id, follower_id)"),
    ("follows_by_follower", "UNIQUE follows (follower_id, id)"),
    ("follows_by_followee", "UNIQUE follows (followee_id, id)"),
    ("likes_by_account", "UNIQUE likes (account_id, id)"),
    ("likes_by_note", "likes (note_id, id)"),
    ("collects_by_account", "UNIQUE collects (account_id, id)"),
    ("collects_by_board", "collects (board_id, id)"),
    ("collects_by_note", "collects (note_id)"),
    ("comment_likes_by_comment", "comment_likes (comment_id)"),
    ("home_entries_note", "home_entries (note_id)"),
    ("notes_author", "notes (author_id, id)"),
    ("notes_explore", "notes (explore_score, id) WHERE visibility = 'public'"),
    ("note_tags_note", "note_tags (note_id)"),
    ("comments_by_note", "comments (note_id, id)"),
    ("comments_by_parent", "comments (parent_id, id)"),
    ("comments_by_author", "comments (author_id, id)"),
    ("media_by_note", "media (note_id, position)"),
    ("media_by_owner", "media (owner_id, id)"),
    ("media_by_original_key", "media (original_key)"),
    ("media_by_small_key", "media (small_key)"),
    ("notifications_by_recipient", "notifications (recipient_id, id)"),
    ("notifications_by_actor", "notifications (actor_id, recipient_id)"),
    ("notifications_by_note", "notifications (note_id)"),
    ("notifications_by_comment", "notifications (comment_id)"),
];

/// The tables a bulk load fills. On PostgreSQL their foreign keys are dropped with the indexes
/// and added back with them, each checked in one pass instead of row by row.
const LOAD_TABLES: [&str; 11] = [
    "notes",
    "note_tags",
    "follows",
    "home_entries",
    "likes",
    "boards",
    "collects",
    "comments",
    "comment_likes",
    "media",
    "notifications",
];

impl Store {
    /// Drop the secondary indexes of the tables a bulk load fills ([`LOAD_INDEXES`]), and on
    /// PostgreSQL their foreign keys; [`Store::restore_load_indexes`] (also run by every
    /// [`Store::migrate`], so an interrupted load is repaired on the next start) builds them
    /// again.
    pub async fn drop_load_indexes(&self) -> Result<()> {
        if let Db::Postgres(p) = &self.db {
            pg::drop_foreign_keys(p, &LOAD_TABLES).await?;
        }
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
        let Db::Sqlite { writer, bulk, checkpointer, .. } = &self.db else { return Ok(()) };
        // The bulk connection takes the same settings before its next batch, and makes its
        // own (rare, unsynced) checkpoints meanwhile.
        bulk.set_load_mode(on);
        checkpointer.pause(on);
        // The writer builds the indexes and runs ANALYZE at the end of a load: a larger cache
        // and sorter threads for the index builds, and ANALYZE sampling instead of reading
        // every row of tables of millions.
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let pragmas = if on {
            vec![
                "PRAGMA synchronous = OFF".to_owned(),
                "PRAGMA wal_autocheckpoint = 100000".to_owned(),
                format!("PRAGMA cache_size = {}", -bulk.cache_kib(true)),
                format!("PRAGMA threads = {cores}"),
                "PRAGMA analysis_limit = 1000".to_owned(),
            ]
        } else {
            vec![
                "PRAGMA synchronous = NORMAL".to_owned(),
                format!("PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT}"),
                format!("PRAGMA cache_size = {}", -bulk.cache_kib(false)),
                "PRAGMA threads = 0".to_owned(),
                "PRAGMA analysis_limit = 0".to_owned(),
                "PRAGMA wal_checkpoint(TRUNCATE)".to_owned(),
            ]
        };
        // The writer pool holds its one connection, so the pragmas stay with it.
        let mut conn = writer.acquire().await?;
        for pragma in pragmas {
            sqlx::query(sqlx::AssertSqlSafe(pragma)).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Build any of the bulk-load indexes that is missing (and on PostgreSQL add back the
    /// foreign keys a load dropped).
    pub async fn restore_load_indexes(&self) -> Result<()> {
        let statements = LOAD_INDEXES.iter().map(|(name, def)| {
            let (unique, on) = match def.strip_prefix("UNIQUE ") {
                Some(on) => ("UNIQUE ", on),
                None => ("", *def),
            };
            format!("CREATE {unique}INDEX IF NOT EXISTS {name} ON {on}")
        });
        match &self.db {
            Db::Sqlite { writer, .. } => {
                for sql in statements {
                    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(writer).await?;
                }
            }
            Db::Postgres(p) => {
                pg::restore_foreign_keys(p).await?;
                // Room to sort: the default 64 MB spills an index of tens of millions of rows to
                // disk in many runs. `SET LOCAL` ends with the transaction, even a failed one.
                let mut tx = p.begin().await?;
                sqlx::query("SET LOCAL maintenance_work_mem = '1GB'").execute(&mut *tx).await?;
                for sql in statements {
                    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Accounts, all or none (a taken handle or email fails the batch).
    pub async fn bulk_insert_accounts(&self, accounts: &[NewAccount]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = accounts.to_vec();
                bulk.run(writer, move |tx| sqlite::accounts(tx, &rows)).await
            }
            Db::Postgres(p) => pg::accounts(p, accounts).await,
        }
    }

    /// Set bios (the simulator writes them after the accounts).
    pub async fn bulk_set_bios(&self, bios: &[(i64, String)]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = bios.to_vec();
                bulk.run(writer, move |tx| sqlite::bios(tx, &rows)).await
            }
            Db::Postgres(p) => pg::bios(p, bios).await,
        }
    }

    /// Follows; both accounts' counters are recounted.
    pub async fn bulk_follow(&self, follows: &[BulkEdge]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = follows.to_vec();
                bulk.run(writer, move |tx| sqlite::follows(tx, &rows)).await
            }
            Db::Postgres(p) => pg::follows(p, follows).await,
        }
    }

    /// Notes, many per statement: tags indexed and authors' counters moved as
    /// [`Store::insert_note`] does one at a time; with `fan_out`, each note also goes to its
    /// author's followers' home feeds (without it, write the entries with
    /// [`Store::bulk_home_entries`]). Mentions, idempotency keys and media to attach are for
    /// single posts and are refused here.
    pub async fn bulk_insert_notes(&self, notes: &[NewNote], fan_out: bool) -> Result<()> {
        if notes.iter().any(|n| {
            !n.mentions.is_empty() || n.idempotency_key.is_some() || !n.media_ids.is_empty()
        }) {
            return Err(crate::StoreError::Unsupported(
                "bulk notes take no mentions, idempotency keys or media to attach",
            ));
        }
        let done = match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = notes.to_vec();
                bulk.run(writer, move |tx| sqlite::notes(tx, &rows, fan_out)).await
            }
            Db::Postgres(p) => pg::notes(p, notes, fan_out).await,
        };
        self.recents.forget_all();
        done
    }

    /// Home-feed entries as given; entries already there are skipped. A bulk load computes
    /// them from its own follow graph and notes (see `nb_app::bulk::HOME_DEPTH`) instead of
    /// fanning out note by note; sorted by owner and note they go in at the end of the B-tree.
    pub async fn bulk_home_entries(&self, entries: &[HomeEntry]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = entries.to_vec();
                bulk.run(writer, move |tx| sqlite::home_entries(tx, &rows)).await
            }
            Db::Postgres(p) => pg::home_entries(p, entries).await,
        }
    }

    /// Media rows as they are (already attached to their notes, or not).
    pub async fn bulk_insert_media(&self, media: &[MediaRow]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = media.to_vec();
                bulk.run(writer, move |tx| sqlite::media(tx, &rows)).await
            }
            Db::Postgres(p) => pg::media(p, media).await,
        }
    }

    /// Likes; the notes' counters and scores are recounted.
    pub async fn bulk_like(&self, likes: &[BulkEdge]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = likes.to_vec();
                bulk.run(writer, move |tx| sqlite::likes(tx, &rows)).await
            }
            Db::Postgres(p) => pg::likes(p, likes).await,
        }
    }

    /// Boards (named ones and defaults alike).
    pub async fn bulk_insert_boards(&self, boards: &[BoardRow]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = boards.to_vec();
                bulk.run(writer, move |tx| sqlite::boards(tx, &rows)).await
            }
            Db::Postgres(p) => pg::boards(p, boards).await,
        }
    }

    /// Collects; the notes' and boards' counters are recounted.
    pub async fn bulk_collect(&self, collects: &[BulkCollect]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = collects.to_vec();
                bulk.run(writer, move |tx| sqlite::collects(tx, &rows)).await
            }
            Db::Postgres(p) => pg::collects(p, collects).await,
        }
    }

    /// Comments (a reply's parent earlier in the slice or already stored); the notes' and the
    /// parents' counters are recounted.
    pub async fn bulk_insert_comments(&self, comments: &[NewComment]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = comments.to_vec();
                bulk.run(writer, move |tx| sqlite::comments(tx, &rows)).await
            }
            Db::Postgres(p) => pg::comments(p, comments).await,
        }
    }

    /// Likes of comments (`target` a comment); the comments' counters are recounted.
    pub async fn bulk_like_comments(&self, likes: &[BulkEdge]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = likes.to_vec();
                bulk.run(writer, move |tx| sqlite::comment_likes(tx, &rows)).await
            }
            Db::Postgres(p) => pg::comment_likes(p, likes).await,
        }
    }

    /// Notifications as given.
    pub async fn bulk_notify(&self, notices: &[BulkNotice]) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                let rows = notices.to_vec();
                bulk.run(writer, move |tx| sqlite::notify(tx, &rows)).await
            }
            Db::Postgres(p) => pg::notify(p, notices).await,
        }
    }
}
