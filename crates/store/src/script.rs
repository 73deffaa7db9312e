//! Write transactions written down once as a list of statements and run on either backend.
//!
//! On SQLite the whole list runs in one blocking call on the rusqlite connection (see
//! `bulk/lite.rs`), while the sqlx writer is held. Through sqlx each statement, and `BEGIN`
//! and `COMMIT`, is a hand-off to the driver's worker thread and back: a post was about ten of
//! them, and under sixteen posters the one writer spent more time switching threads than in
//! SQLite. On PostgreSQL the same statements run in a sqlx transaction, as before.
//!
//! SQLite writes one transaction at a time, so scripts that arrive while one runs wait in a
//! [`ScriptQueue`] and then run together in one shared transaction (group commit): the waiting
//! costs one commit, not one each. A script that fails still fails alone (see [`run_batch`]).

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};

use sqlx::sqlite::SqlitePool;
use sqlx::{Postgres, Transaction};
use tokio::sync::oneshot;

use crate::Store;
use crate::bulk::BulkConn;
use crate::db::{Arg, Db, bind_pg, bind_pg_as};
use crate::error::{Result, StoreError};
use crate::lite::{LiteRow, bind_named, query_all};

/// What a statement's outcome must be for the transaction to go on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// Any outcome.
    Any,
    /// A unique violation on this table is a [`StoreError::Conflict`] named after it.
    Unique(&'static str),
    /// It must change exactly one row, else the media upload is not the author's to attach.
    AttachesMedia(i64),
    /// When it changes no row, the script ends there, its earlier steps kept (a like that
    /// exists already writes no counter and no notification).
    EndsUnlessChanged,
}

#[derive(Debug)]
struct Step {
    sql: Cow<'static, str>,
    args: Vec<Arg>,
    check: Check,
}

/// The statements of one transaction, in order: all of them or none.
#[derive(Debug, Default)]
pub(crate) struct Script {
    steps: Vec<Step>,
}

impl Script {
    pub(crate) fn push(&mut self, sql: impl Into<Cow<'static, str>>, args: Vec<Arg>) {
        self.checked(sql, args, Check::Any);
    }

    pub(crate) fn checked(
        &mut self,
        sql: impl Into<Cow<'static, str>>,
        args: Vec<Arg>,
        check: Check,
    ) {
        self.steps.push(Step { sql: sql.into(), args, check });
    }

    /// Run inside `tx` in a savepoint of its own: on failure only this script's writes go.
    fn run_in_savepoint(&self, tx: &rusqlite::Transaction<'_>) -> Result<u64> {
        tx.execute_batch("SAVEPOINT script")?;
        let out = self.run_lite(tx);
        if out.is_err() {
            tx.execute_batch("ROLLBACK TO script")?;
        }
        tx.execute_batch("RELEASE script")?;
        out
    }

    /// Rows changed by all steps.
    fn run_lite(&self, tx: &rusqlite::Transaction<'_>) -> Result<u64> {
        let mut total = 0;
        for step in &self.steps {
            let mut stmt = tx.prepare_cached(&step.sql)?;
            bind_named(&mut stmt, &step.args)?;
            let changed = match stmt.raw_execute() {
                Ok(n) => n,
                Err(e) => {
                    return Err(match step.check {
                        Check::Unique(table) => StoreError::conflict_on_lite(e, &[table]),
                        _ => e.into(),
                    });
                }
            };
            let changed = u64::try_from(changed).unwrap_or(u64::MAX);
            total += changed;
            if !step.check.goes_on(changed)? {
                break;
            }
        }
        Ok(total)
    }

    async fn run_pg(&self, tx: &mut Transaction<'_, Postgres>) -> Result<u64> {
        let mut total = 0;
        for step in &self.steps {
            let q = sqlx::query(sqlx::AssertSqlSafe(step.sql.as_ref()));
            let changed = match bind_pg(q, &step.args).execute(&mut **tx).await {
                Ok(done) => done.rows_affected(),
                Err(e) => {
                    return Err(match step.check {
                        Check::Unique(table) => StoreError::conflict_on(e, &[table]),
                        _ => e.into(),
                    });
                }
            };
            total += changed;
            if !step.check.goes_on(changed)? {
                break;
            }
        }
        Ok(total)
    }
}

impl Check {
    /// Whether the script goes on after a step that changed `rows`; an error fails it.
    fn goes_on(self, rows: u64) -> Result<bool> {
        match self {
            Check::AttachesMedia(media) if rows != 1 => Err(StoreError::MediaUnavailable(media)),
            Check::EndsUnlessChanged => Ok(rows > 0),
            _ => Ok(true),
        }
    }
}

impl Store {
    /// The rows a write statement returns (`… RETURNING`), in a transaction of its own; on
    /// SQLite on the connection scripts run on, so the two writing connections do not take turns
    /// (each turn costs the other its page cache).
    pub(crate) async fn write_returning<T>(&self, sql: String, args: Vec<Arg>) -> Result<Vec<T>>
    where
        T: LiteRow + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin + 'static,
    {
        match &self.db {
            Db::Sqlite { writer, bulk, .. } => {
                bulk.run(writer, move |tx| query_all(tx, &sql, &args)).await
            }
            Db::Postgres(pool) => {
                let q = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql.as_str()));
                Ok(bind_pg_as(q, &args).fetch_all(pool).await?)
            }
        }
    }

    /// Run `script` in one transaction, committed when every statement passed its check.
    /// Returns the rows its statements changed in all.
    pub(crate) async fn run_script(&self, script: Script) -> Result<u64> {
        match &self.db {
            Db::Sqlite { writer, bulk, scripts, .. } => scripts.run(bulk, writer, script).await,
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let changed = script.run_pg(&mut tx).await?;
                tx.commit().await?;
                Ok(changed)
            }
        }
    }
}

/// At most this many scripts share a transaction.
const MAX_BATCH: usize = 64;

type Waiting = (Script, oneshot::Sender<Result<u64>>);

/// SQLite scripts waiting for the writer (see the module comment).
#[derive(Debug, Default)]
pub(crate) struct ScriptQueue {
    state: Mutex<QueueState>,
}

#[derive(Debug, Default)]
struct QueueState {
    waiting: Vec<Waiting>,
    /// Whether a task is running the waiting scripts; the first script to find none starts it.
    draining: bool,
}

impl ScriptQueue {
    async fn run(
        self: &Arc<Self>,
        bulk: &Arc<BulkConn>,
        writer: &SqlitePool,
        script: Script,
    ) -> Result<u64> {
        let (done, outcome) = oneshot::channel();
        let start = {
            let mut state = self.lock();
            state.waiting.push((script, done));
            !std::mem::replace(&mut state.draining, true)
        };
        if start {
            // A task of its own: a caller that stops waiting must not strand the others.
            let (this, bulk, writer) = (Arc::clone(self), Arc::clone(bulk), writer.clone());
            tokio::spawn(async move { this.drain(&bulk, &writer).await });
        }
        outcome.await.map_err(|_| StoreError::Cancelled)?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Run batches of waiting scripts until none wait. Each batch takes the writer afresh, so
    /// the store's other writes get their turns between batches.
    async fn drain(&self, bulk: &Arc<BulkConn>, writer: &SqlitePool) {
        // Should a batch panic, the waiting scripts fail (their senders drop) instead of
        // waiting for a drain that never comes.
        let mut reset = ResetOnDrop { queue: self, armed: true };
        loop {
            let batch: Vec<Waiting> = {
                let mut state = self.lock();
                if state.waiting.is_empty() {
                    state.draining = false;
                    reset.armed = false;
                    return;
                }
                let n = state.waiting.len().min(MAX_BATCH);
                state.waiting.drain(..n).collect()
            };
            let (scripts, senders): (Vec<Script>, Vec<_>) = batch.into_iter().unzip();
            let scripts = Arc::new(scripts);
            for (done, outcome) in senders.into_iter().zip(run_batch(bulk, writer, &scripts).await)
            {
                let _ = done.send(outcome);
            }
        }
    }
}

/// Run `scripts` in one transaction and say how each went.
///
/// First all of them plainly: scripts almost never fail, and a savepoint per script cost three
/// more statements each (parsed every time) and a copy of every page the script changed into
/// the savepoint's journal; without them the posting benchmark went from about 740 to 920–970
/// posts/s. When one fails, that transaction is rolled back and the batch runs again with a
/// savepoint per script, so the failing one rolls back alone; should that shared transaction
/// fail too (its commit, say), each runs alone.
async fn run_batch(
    bulk: &Arc<BulkConn>,
    writer: &SqlitePool,
    scripts: &Arc<Vec<Script>>,
) -> Vec<Result<u64>> {
    let plain = Arc::clone(scripts);
    let all_passed = bulk
        .run(writer, move |tx| plain.iter().map(|s| s.run_lite(tx)).collect::<Result<Vec<_>>>())
        .await;
    match all_passed {
        Ok(changed) => return changed.into_iter().map(Ok).collect(),
        // Alone, its failure is its outcome.
        Err(e) if scripts.len() == 1 => return vec![Err(e)],
        Err(_) => {}
    }
    let each = Arc::clone(scripts);
    let together =
        bulk.run(writer, move |tx| Ok(each.iter().map(|s| s.run_in_savepoint(tx)).collect())).await;
    if let Ok(outcomes) = together {
        return outcomes;
    }
    let mut outcomes = Vec::with_capacity(scripts.len());
    for i in 0..scripts.len() {
        let one = Arc::clone(scripts);
        outcomes.push(bulk.run(writer, move |tx| one[i].run_lite(tx)).await);
    }
    outcomes
}

struct ResetOnDrop<'a> {
    queue: &'a ScriptQueue,
    /// Cleared when the drain ends normally (a new drain may have started since).
    armed: bool,
}

impl Drop for ResetOnDrop<'_> {
    fn drop(&mut self) {
        if self.armed {
            let mut state = self.queue.lock();
            state.draining = false;
            state.waiting.clear();
        }
    }
}
