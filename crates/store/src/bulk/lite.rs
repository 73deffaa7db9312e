//! The SQLite connection of the bulk writes and of write scripts (`script.rs`): rusqlite on the
//! same file (and the same bundled SQLite, through the libsqlite3-sys that sqlx-sqlite links),
//! used by one blocking call per batch. sqlx's driver hands every statement and every row to
//! its worker thread through channels; a batch of 20k likes made that hand-off, not SQL work,
//! the cost of seeding.
//!
//! Two writers on one file. SQLite lets one write transaction in at a time; a second waits in
//! its busy handler (busy timeout, set on both connections), except when a deferred transaction
//! that has read tries to write after another connection committed: that fails at once with
//! `SQLITE_BUSY_SNAPSHOT`, and the busy timeout does not help. sqlx's writer transactions are
//! deferred and often read first (counters, row locks). So a batch does not rely on SQLite's
//! locking alone: it first takes the sqlx writer pool's one connection and holds it until the
//! batch has committed or rolled back, so the store's writes stay one at a time as they were with
//! one writer connection, even while a server runs beside the load. The guard goes into the
//! blocking call, so a caller that stops waiting (a dropped future) cannot release the writer
//! while the batch still runs. The batch itself begins `IMMEDIATE`: it takes the write lock
//! before reading, so another process writing the same file can only make it wait, within the
//! busy timeout, never fail on a stale snapshot.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use sqlx::sqlite::SqlitePool;

use crate::checkpoint::{Checkpointer, WRITER_AUTOCHECKPOINT};
use crate::error::{Result, StoreError};

/// The bulk connection's page cache while loading into an empty database, in KiB.
const LOAD_CACHE_KIB: u64 = 1024 * 1024;

/// The same busy timeout as the sqlx connections.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct BulkConn {
    path: PathBuf,
    cache_kib: u64,
    /// Whether bulk-load mode (no sync, rare checkpoints) is wanted; applied before a batch.
    load_mode: AtomicBool,
    /// Opened on the first batch: a server that never bulk-loads never opens it.
    conn: Mutex<Option<Open>>,
    /// Holds the write gate of the log's restarts (see [`Checkpointer::gate`]).
    checkpointer: Arc<Checkpointer>,
}

struct Open {
    conn: Connection,
    load_mode: bool,
}

impl std::fmt::Debug for BulkConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkConn").field("path", &self.path).finish_non_exhaustive()
    }
}

impl BulkConn {
    pub(crate) fn new(path: PathBuf, cache_mib: u32, checkpointer: Arc<Checkpointer>) -> Self {
        Self {
            path,
            cache_kib: u64::from(cache_mib.max(2)) * 1024,
            load_mode: AtomicBool::new(false),
            conn: Mutex::new(None),
            checkpointer,
        }
    }

    pub(crate) fn set_load_mode(&self, on: bool) {
        self.load_mode.store(on, Ordering::SeqCst);
    }

    /// Close the connection (a later batch would open it again).
    pub(crate) fn close(&self) {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    }

    /// Run `work` in one `IMMEDIATE` transaction on the bulk connection, in one blocking call,
    /// while holding `writer`'s connection (see the module comment). Committed when `work`
    /// succeeds, rolled back otherwise.
    pub(crate) async fn run<T, F>(self: &Arc<Self>, writer: &SqlitePool, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let writer_guard = writer.acquire().await?;
        let this = Arc::clone(self);
        let job = tokio::task::spawn_blocking(move || {
            let out = this.in_transaction(work);
            drop(writer_guard);
            out
        });
        match job.await {
            Ok(out) => out,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(StoreError::Cancelled),
        }
    }

    fn in_transaction<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        // Batches never overlap (each holds the sqlx writer), so this lock is never contended;
        // a batch that panicked left no transaction open (rusqlite rolls back on drop).
        let mut slot = self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let open = match &mut *slot {
            Some(open) => open,
            empty => empty.insert(Open { conn: self.open()?, load_mode: false }),
        };
        let want = self.load_mode.load(Ordering::SeqCst);
        if open.load_mode != want {
            let (sync, checkpoint) =
                if want { ("OFF", 100_000) } else { ("NORMAL", WRITER_AUTOCHECKPOINT) };
            open.conn.pragma_update(None, "synchronous", sync)?;
            open.conn.pragma_update(None, "wal_autocheckpoint", checkpoint)?;
            open.conn.pragma_update(None, "cache_size", -self.cache_kib(want))?;
            // A load grows the file all the time: no mapping to keep remapping; and its log,
            // restarted every 100k pages, keeps its length instead of being cut and regrown.
            let (mmap, log_limit) =
                if want { (0, -1) } else { (crate::db::MMAP_SIZE, crate::db::LOG_SIZE_LIMIT) };
            open.conn.pragma_update(None, "mmap_size", mmap)?;
            open.conn.pragma_update(None, "journal_size_limit", log_limit)?;
            open.load_mode = want;
        }
        let _gate = self.checkpointer.gate();
        let tx = open.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = work(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// The page cache in KiB: a load keeps the hot part of the edge tables' B-trees in memory
    /// (at least 1 GiB), otherwise the writer's size.
    pub(crate) fn cache_kib(&self, load_mode: bool) -> i64 {
        let kib = if load_mode { self.cache_kib.max(LOAD_CACHE_KIB) } else { self.cache_kib };
        i64::try_from(kib).unwrap_or(i64::MAX)
    }

    /// Open the file with the settings of the sqlx writer (WAL, foreign keys, busy timeout,
    /// its page cache size).
    fn open(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // As the writer: the checkpointer's thread copies the log back, not the commits.
        conn.pragma_update(None, "wal_autocheckpoint", WRITER_AUTOCHECKPOINT)?;
        conn.pragma_update(None, "journal_size_limit", crate::db::LOG_SIZE_LIMIT)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "cache_size", -self.cache_kib(false))?;
        // Its page cache starts over whenever the sqlx writer committed in between; pages it
        // only reads then come from the mapping, not through read(2) (not while loading, see
        // `in_transaction`).
        conn.pragma_update(None, "mmap_size", crate::db::MMAP_SIZE)?;
        // Enough cached statements for every kind of batch.
        conn.set_prepared_statement_cache_capacity(64);
        crate::explore::register_score(&conn)?;
        Ok(conn)
    }
}
