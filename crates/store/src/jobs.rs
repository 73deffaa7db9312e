//! The outbox job table: enqueue (alone or inside another write's transaction), lease, finish,
//! retry, bury as a dead letter, replay.

use sqlx::FromRow;

use crate::Store;
use crate::db::{Arg, Db, on_read, on_write};
use crate::error::Result;
use crate::script::Script;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: i64,
    /// What the job does; the worker dispatches on it.
    pub kind: String,
    /// The job's arguments, JSON.
    pub payload: String,
    /// When set, the job is not enqueued while another live job has the same key.
    pub dedupe_key: Option<String>,
    /// The earliest start.
    pub run_at: i64,
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub dedupe_key: Option<String>,
    /// `queued` (waiting or leased) or `dead`.
    pub state: String,
    /// Runs started, the current one included.
    pub attempts: i64,
    pub run_at: i64,
    pub lease: Option<i64>,
    pub last_error: String,
    pub created_at: i64,
    pub updated_at: i64,
}

crate::lite::lite_row!(JobRow {
    id,
    kind,
    payload,
    dedupe_key,
    state,
    attempts,
    run_at,
    lease,
    last_error,
    created_at,
    updated_at,
});

const JOB_COLS: &str = "id, kind, payload, dedupe_key, state, attempts, run_at, lease, last_error, created_at, \
     updated_at";

pub(crate) const ENQUEUE: &str = "INSERT INTO jobs (id, kind, payload, dedupe_key, run_at, \
     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) \
     ON CONFLICT (dedupe_key) DO NOTHING";

/// Enqueue `$job` (a [`NewJob`]) in the caller's transaction `$tx`; evaluates to whether it was
/// enqueued (false: a live job has its dedupe key).
macro_rules! enqueue_job {
    ($tx:ident, $job:expr) => {{
        let job: &$crate::jobs::NewJob = $job;
        sqlx::query($crate::jobs::ENQUEUE)
            .bind(job.id)
            .bind(&job.kind)
            .bind(&job.payload)
            .bind(&job.dedupe_key)
            .bind(job.run_at)
            .bind(job.now)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
            == 1
    }};
}
pub(crate) use enqueue_job;

/// [`enqueue_job`] as a step of a [`Script`].
pub(crate) fn enqueue_step(script: &mut Script, job: &NewJob) {
    script.push(
        ENQUEUE,
        vec![
            Arg::Int(job.id),
            Arg::Text(job.kind.clone()),
            Arg::Text(job.payload.clone()),
            Arg::opt_text(job.dedupe_key.as_deref()),
            Arg::Int(job.run_at),
            Arg::Int(job.now),
        ],
    );
}

impl Store {
    /// Enqueue a job on its own; false when a live job has the same dedupe key.
    pub async fn enqueue_job(&self, job: &NewJob) -> Result<bool> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let added = enqueue_job!(tx, job);
            tx.commit().await?;
            Ok(added)
        })
    }

    /// Lease up to `limit` due jobs, oldest due first: each gets `lease` as its token, one more
    /// attempt, and is due again at `lease_until` should its worker never report back.
    /// On PostgreSQL concurrent workers skip each other's rows instead of waiting on them.
    pub async fn claim_jobs(
        &self,
        now: i64,
        lease: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<JobRow>> {
        let lock = match self.db {
            Db::Sqlite { .. } => "",
            Db::Postgres(_) => "FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE jobs SET lease = $1, run_at = $2, attempts = attempts + 1, updated_at = $3 \
             WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $3 \
             ORDER BY run_at, id LIMIT $4 {lock}) RETURNING {JOB_COLS}"
        );
        let args = vec![Arg::Int(lease), Arg::Int(lease_until), Arg::Int(now), Arg::Int(limit)];
        let mut rows: Vec<JobRow> = self.write_returning(sql, args).await?;
        rows.sort_by_key(|j| j.id);
        Ok(rows)
    }

    /// The job is done: remove it. False when the lease is no longer the caller's.
    pub async fn complete_job(&self, id: i64, lease: i64) -> Result<bool> {
        // A script: on SQLite it runs on the connection that wrote the job with its note.
        let mut script = Script::default();
        script.push(
            "DELETE FROM jobs WHERE id = $1 AND lease = $2",
            vec![Arg::Int(id), Arg::Int(lease)],
        );
        Ok(self.run_script(script).await? == 1)
    }

    /// Give a leased job back untouched (a worker stopping before it started the job).
    pub async fn release_job(&self, id: i64, lease: i64, now: i64) -> Result<bool> {
        let n = on_write!(self, |p| {
            sqlx::query(
            "UPDATE jobs SET lease = NULL, run_at = $3, attempts = attempts - 1, updated_at = $3 \
             WHERE id = $1 AND lease = $2"
        )
        .bind(id)
        .bind(lease)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// The run failed: queue the job again for `run_at`, keeping the error.
    pub async fn retry_job(
        &self,
        id: i64,
        lease: i64,
        error: &str,
        run_at: i64,
        now: i64,
    ) -> Result<bool> {
        let n = on_write!(self, |p| sqlx::query(
            "UPDATE jobs SET lease = NULL, run_at = $3, last_error = $4, updated_at = $5 \
             WHERE id = $1 AND lease = $2"
        )
        .bind(id)
        .bind(lease)
        .bind(run_at)
        .bind(error)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The job failed for good: keep it as a dead letter. Its dedupe key is released, so
    /// periodic work is not stopped by one bad run.
    pub async fn bury_job(&self, id: i64, lease: i64, error: &str, now: i64) -> Result<bool> {
        let n = on_write!(self, |p| sqlx::query(
            "UPDATE jobs SET state = 'dead', lease = NULL, dedupe_key = NULL, last_error = $3, \
             updated_at = $4 WHERE id = $1 AND lease = $2"
        )
        .bind(id)
        .bind(lease)
        .bind(error)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Jobs in `state` (`queued` or `dead`), oldest first.
    pub async fn jobs_in_state(&self, state: &str, limit: i64) -> Result<Vec<JobRow>> {
        let sql = format!("SELECT {JOB_COLS} FROM jobs WHERE state = $1 ORDER BY id LIMIT $2");
        Ok(on_read!(self, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(state)
            .bind(limit)
            .fetch_all(p)
            .await)?)
    }

    /// Put dead letters back in the queue, due now with a fresh count of attempts: the one with
    /// `id`, or all of them. Returns how many.
    pub async fn replay_jobs(&self, id: Option<i64>, now: i64) -> Result<u64> {
        Ok(on_write!(self, |p| sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $2, updated_at = $2 \
             WHERE state = 'dead' AND ($1 IS NULL OR id = $1)"
        )
        .bind(id)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?)
    }

    /// How many jobs are queued and how many are dead.
    pub async fn job_counts(&self) -> Result<(i64, i64)> {
        let (queued, dead): (i64, i64) = on_read!(self, |p| sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN state = 'queued' THEN 1 ELSE 0 END), 0), \
                    COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0) FROM jobs"
        )
        .fetch_one(p)
        .await)?;
        Ok((queued, dead))
    }
}
