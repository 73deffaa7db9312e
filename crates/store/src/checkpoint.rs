//! SQLite's WAL checkpoints, run on a thread of their own instead of inside the writer's
//! commits.
//!
//! By default the connection whose commit takes the log past 1,000 pages copies the log back
//! into the database file there and then, and syncs both files: the request that happened to
//! commit waits for the disk, and every write queued behind the one writer waits with it.
//! Under `notebridge bench`'s posting phase the writer spent most of its time so, in
//! uninterruptible sleep. Here the writer never checkpoints (`wal_autocheckpoint = 0`); this
//! thread runs a PASSIVE checkpoint (one that never blocks the writer or the readers) a few
//! times a second, and syncs there. Commits stay as durable as before: the log is what makes a
//! commit survive, and it is written the same way.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the log is copied back. The log grows by at most this much writing in between.
const EVERY: Duration = Duration::from_millis(250);

/// A log longer than this (16 MiB of pages) is started over
/// (see [`Checkpointer::restart_wanted`]).
const RESTART_FRAMES: i64 = 4_096;

/// The writer's `wal_autocheckpoint`: never, the checkpointer does it.
pub(crate) const WRITER_AUTOCHECKPOINT: i64 = 0;

#[derive(Debug, Default)]
struct Shared {
    stop: Mutex<bool>,
    wake: Condvar,
    /// Set while a bulk load runs without syncs: its own connection checkpoints then.
    paused: AtomicBool,
    /// Set when the log has grown past [`RESTART_FRAMES`].
    restart: AtomicBool,
}

/// The checkpoint thread of one database; stopped by [`Checkpointer::stop`] or on drop.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Checkpointer {
    pub(crate) fn start(path: PathBuf) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let theirs = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".to_owned())
            .spawn(move || run(&path, &theirs))?;
        Ok(Self { shared, thread: Mutex::new(Some(thread)) })
    }

    pub(crate) fn pause(&self, paused: bool) {
        self.shared.paused.store(paused, Ordering::Relaxed);
    }

    /// Whether the log should be started over; the writer that asks then tries a RESTART
    /// checkpoint while it holds the writer (`bulk/lite.rs`) and says when it succeeded.
    ///
    /// A writer starts the log over only when every frame has been copied back and no reader
    /// still reads from it. Under writes that never pause neither holds for long, so the log
    /// grew without end (2.7 GB in two minutes of posting at full size): each commit then
    /// appended to pages of the file never written before (zeroed by the kernel first) and
    /// looked pages up in an ever larger index. `RESTART` copies the last frames (the PASSIVE
    /// rounds leave few) and needs the readers out of the log. Not from this thread: it would
    /// take the write lock under a sqlx transaction that has read, and such a transaction
    /// fails at once (`SQLITE_BUSY`) instead of waiting.
    pub(crate) fn restart_wanted(&self) -> bool {
        self.shared.restart.load(Ordering::Relaxed)
    }

    pub(crate) fn restarted(&self) {
        self.shared.restart.store(false, Ordering::Relaxed);
    }

    /// Stop the thread and wait for a checkpoint in progress to end.
    pub(crate) fn stop(&self) {
        *self.shared.stop.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.shared.wake.notify_all();
        let thread = self.thread.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(t) = thread
            && t.join().is_err()
        {
            tracing::error!("the SQLite checkpoint thread panicked");
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(path: &std::path::Path, shared: &Shared) {
    let conn = match Connection::open(path) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "the SQLite checkpoint thread could not open the database");
            return;
        }
    };
    // As the writer: a checkpoint syncs the log and then the database file.
    if let Err(e) = conn
        .busy_timeout(Duration::from_secs(10))
        .and_then(|()| conn.pragma_update(None, "synchronous", "NORMAL"))
    {
        tracing::error!(error = %e, "the SQLite checkpoint thread could not set up its connection");
        return;
    }
    let mut stop = shared.stop.lock().unwrap_or_else(PoisonError::into_inner);
    while !*stop {
        stop = shared.wake.wait_timeout(stop, EVERY).unwrap_or_else(PoisonError::into_inner).0;
        if *stop || shared.paused.load(Ordering::Relaxed) {
            continue;
        }
        drop(stop);
        // (busy, frames in the log, frames copied back); busy only means a reader still
        // needs old pages, which the next round copies.
        let done: rusqlite::Result<(i64, i64, i64)> =
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            });
        match done {
            Ok((_, frames, _)) if frames > RESTART_FRAMES => {
                shared.restart.store(true, Ordering::Relaxed);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "SQLite checkpoint failed; retrying"),
        }
        stop = shared.stop.lock().unwrap_or_else(PoisonError::into_inner);
    }
}
