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
//!
//! Starting the log over. SQLite writes a log from its first frame again only when a write
//! begins with every frame copied back and no reader still in the log. Under writes that never
//! pause that never held, so the log grew without end (2.7 GB in two minutes of posting at full
//! size): each commit then appended to pages of the file never written before (zeroed by the
//! kernel first) and looked pages up in an ever larger index. So once the log is long
//! ([`RESTART_FRAMES`]) this thread runs rounds back to back, each copying and syncing what
//! came during the one before, until that is little; then one last round runs while it holds
//! the write gate ([`Checkpointer::gate`], held by the script connection for each
//! transaction), so that nothing is appended meanwhile and the next write starts the log over.
//! The writes wait for that last round only (20–30 ms about once a second under sustained
//! posting at full size). Before, the writer itself ran a `RESTART` checkpoint whenever the log
//! was long, and copied and synced a whole round's worth of frames while every write waited:
//! 50–70 ms, three times a second, which made the posting p99.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the log is copied back. The log grows by at most this much writing in between.
const EVERY: Duration = Duration::from_millis(250);

/// A log longer than this (16 MiB of pages) is started over (see the module comment).
const RESTART_FRAMES: i64 = 4_096;

/// A round that found at most this many new frames (4 MiB) leaves little for a last round.
const CAUGHT_UP_FRAMES: i64 = 1_024;

/// Back-to-back rounds before the last round runs anyway (writes that outpace the copying).
const MAX_CATCH_UP_ROUNDS: u32 = 8;

/// The writer's `wal_autocheckpoint`: never, the checkpointer does it.
pub(crate) const WRITER_AUTOCHECKPOINT: i64 = 0;

#[derive(Debug, Default)]
struct Shared {
    stop: Mutex<bool>,
    wake: Condvar,
    /// Set while a bulk load runs without syncs: its own connection checkpoints then.
    paused: AtomicBool,
    /// Held by each script transaction, and by the round that lets the log start over.
    gate: Mutex<()>,
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

    /// The write gate: the script connection holds it for each transaction, so that the
    /// round which lets the log start over sees no frame appended while it copies.
    pub(crate) fn gate(&self) -> MutexGuard<'_, ()> {
        self.shared.gate.lock().unwrap_or_else(PoisonError::into_inner)
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
    let (conn, file) = match open(path) {
        Ok(opened) => opened,
        Err(e) => {
            tracing::error!(error = %e, "the SQLite checkpoint thread could not open the database");
            return;
        }
    };
    let mut stop = shared.stop.lock().unwrap_or_else(PoisonError::into_inner);
    let mut catch_up = CatchUp::default();
    let mut next = Next::Wait;
    while !*stop {
        if next == Next::Wait {
            stop = shared.wake.wait_timeout(stop, EVERY).unwrap_or_else(PoisonError::into_inner).0;
        }
        if *stop || shared.paused.load(Ordering::Relaxed) {
            next = Next::Wait;
            continue;
        }
        drop(stop);
        let round = {
            let _gate = (next == Next::Last)
                .then(|| shared.gate.lock().unwrap_or_else(PoisonError::into_inner));
            passive_round(&conn)
        };
        next = match round {
            Ok((frames, copied)) => {
                if copied > 0 && next != Next::Last {
                    flush(&file);
                }
                catch_up.after_round(next, frames, copied)
            }
            Err(e) => {
                tracing::warn!(error = %e, "SQLite checkpoint failed; retrying");
                Next::Wait
            }
        };
        stop = shared.stop.lock().unwrap_or_else(PoisonError::into_inner);
    }
}

/// The thread's connection, set up as the writer's (a checkpoint syncs the log and then the
/// database file), and the database file, to sync what a round copied (see [`flush`]).
fn open(path: &std::path::Path) -> std::io::Result<(Connection, std::fs::File)> {
    let conn = Connection::open(path).map_err(std::io::Error::other)?;
    conn.busy_timeout(Duration::from_secs(10))
        .and_then(|()| conn.pragma_update(None, "synchronous", "NORMAL"))
        .map_err(std::io::Error::other)?;
    Ok((conn, std::fs::File::open(path)?))
}

/// A PASSIVE checkpoint: (frames in the log, frames copied back). It never waits; a reader
/// still in the log can keep frames from being copied, which a later round copies.
fn passive_round(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(1)?, r.get(2)?)))
}

/// Write the pages a round copied into the database file to disk, outside the write gate.
/// SQLite syncs the file only in a round that copied the whole log, which under steady writes
/// is only the last round of a catch-up, held under the gate: that sync then wrote every page
/// the rounds before had copied, 15–45 ms of scattered writes while every write waited.
fn flush(file: &std::fs::File) {
    if let Err(e) = file.sync_data() {
        tracing::warn!(error = %e, "syncing the SQLite database file failed");
    }
}

/// What the checkpoint thread does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Sleep until the next round.
    Wait,
    /// Another round at once: the log is long, and the frames written since the last round are
    /// still many.
    Again,
    /// The last round, at once and holding the write gate.
    Last,
}

/// Where a long log's catch-up stands (see the module comment).
#[derive(Debug, Default)]
struct CatchUp {
    /// The log's length at the last round.
    last_frames: i64,
    /// Back-to-back rounds so far.
    rounds: u32,
}

impl CatchUp {
    /// What to do after a round (`this` round's kind) that found `frames` in the log and left
    /// `copied` of them copied back.
    fn after_round(&mut self, this: Next, frames: i64, copied: i64) -> Next {
        // A log started over since the last round is shorter: all of it is new.
        let fresh = if frames >= self.last_frames { frames - self.last_frames } else { frames };
        self.last_frames = frames;
        if frames <= RESTART_FRAMES || this == Next::Last {
            self.rounds = 0;
            return Next::Wait;
        }
        self.rounds += 1;
        let caught_up = fresh <= CAUGHT_UP_FRAMES && copied == frames;
        if caught_up || self.rounds >= MAX_CATCH_UP_ROUNDS { Next::Last } else { Next::Again }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_log_waits_for_the_next_round() {
        let mut c = CatchUp::default();
        assert_eq!(c.after_round(Next::Wait, 100, 100), Next::Wait);
        assert_eq!(c.after_round(Next::Wait, RESTART_FRAMES, RESTART_FRAMES), Next::Wait);
    }

    #[test]
    fn a_long_log_is_copied_round_after_round_until_little_is_new() {
        let mut c = CatchUp::default();
        assert_eq!(c.after_round(Next::Wait, 20_000, 20_000), Next::Again);
        assert_eq!(c.after_round(Next::Again, 24_000, 24_000), Next::Again);
        assert_eq!(c.after_round(Next::Again, 24_000 + CAUGHT_UP_FRAMES, 24_000), Next::Again);
        let end = 24_000 + 2 * CAUGHT_UP_FRAMES;
        assert_eq!(c.after_round(Next::Again, end, end), Next::Last);
        // The last round ends the catch-up, whether or not the log has started over yet.
        assert_eq!(c.after_round(Next::Last, end + 10, end + 10), Next::Wait);
    }

    #[test]
    fn writes_that_outpace_the_copying_still_get_a_last_round() {
        let mut c = CatchUp::default();
        let mut frames = 10_000;
        for _ in 1..MAX_CATCH_UP_ROUNDS {
            assert_eq!(c.after_round(Next::Again, frames, frames), Next::Again);
            frames += 10 * CAUGHT_UP_FRAMES;
        }
        assert_eq!(c.after_round(Next::Again, frames, frames), Next::Last);
    }

    #[test]
    fn a_log_started_over_counts_as_all_new() {
        let mut c = CatchUp::default();
        assert_eq!(c.after_round(Next::Wait, 30_000, 30_000), Next::Again);
        // Started over and grown past the limit again: 5,000 new frames, not a negative count.
        assert_eq!(c.after_round(Next::Again, 5_000, 5_000), Next::Again);
    }
}
