//! The outbox's workers: what each job does, retries with exponential backoff, dead letters, the
//! periodic jobs, and a graceful stop that finishes the job in hand.
//!
//! Jobs run at least once: a worker that dies mid-job leaves its lease to lapse and the job runs
//! again. Every job here is therefore idempotent.

use std::sync::Arc;
use std::time::Duration;

use nb_store::{JobRow, NewJob};
use rand::Rng;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::mail::{self, Mail, MailError};
use crate::{Ctx, Result};

/// A unit of deferred work. Stored as JSON in the job's payload, dispatched on its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Delete these blobs unless a row uses them again.
    ReleaseBlobs { keys: Vec<String> },
    /// Delete uploads left unattached longer than [`JobSettings::unattached_media_ttl`].
    PruneMedia,
    /// Send one mail.
    SendMail(Mail),
    /// Translate a new note into the languages of its likely readers, so they find it cached.
    PrefetchTranslations { note: i64 },
}

impl Job {
    pub fn kind(&self) -> &'static str {
        match self {
            Job::ReleaseBlobs { .. } => "release_blobs",
            Job::PruneMedia => "prune_media",
            Job::SendMail(_) => "send_mail",
            Job::PrefetchTranslations { .. } => "prefetch_translations",
        }
    }
}

/// How the workers behave. The defaults suit a small server.
#[derive(Debug, Clone)]
pub struct JobSettings {
    /// Concurrent workers per process (0: none, e.g. for admin commands).
    pub workers: usize,
    /// Jobs one worker runs at a time. Most of a job's time is waiting (on the database's one
    /// writer, a translation engine, a mail server), so one worker running its jobs one after
    /// another fell behind posting: about 20 translation prefetches a second against 1,000 new
    /// notes a second in `notebridge bench`.
    pub jobs_at_once: usize,
    /// How long an idle worker waits before looking again (enqueues wake it sooner).
    pub poll: Duration,
    /// How long a worker owns a job before another may assume it died.
    pub lease: Duration,
    /// Runs before a job becomes a dead letter.
    pub max_attempts: i64,
    /// The first retry waits this long; each further one twice as long, up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Uploads no note carries are removed after this long.
    pub unattached_media_ttl: Duration,
    /// How often the periodic jobs are enqueued.
    pub periodic_every: Duration,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            workers: 1,
            jobs_at_once: 8,
            poll: Duration::from_secs(2),
            lease: Duration::from_secs(300),
            max_attempts: 8,
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(3600),
            unattached_media_ttl: Duration::from_secs(24 * 3600),
            periodic_every: Duration::from_secs(3600),
        }
    }
}

/// A duration in milliseconds, saturating.
pub(crate) fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The job row for `job`, due at `run_at`.
pub fn new_job(ctx: &Ctx, job: &Job, run_at: i64, dedupe_key: Option<&str>) -> NewJob {
    NewJob {
        id: ctx.next_id(),
        kind: job.kind().to_owned(),
        // A plain enum of strings: serialising it cannot fail (an empty payload would be
        // dead-lettered as unreadable, not lost silently).
        payload: serde_json::to_string(job).unwrap_or_default(),
        dedupe_key: dedupe_key.map(str::to_owned),
        run_at,
        now: ctx.now(),
    }
}

/// Enqueue `job` now, on its own, and wake a worker. False when a live job has `dedupe_key`.
pub async fn enqueue(ctx: &Ctx, job: &Job, dedupe_key: Option<&str>) -> Result<bool> {
    let added = ctx.store.enqueue_job(&new_job(ctx, job, ctx.now(), dedupe_key)).await?;
    ctx.jobs_wake.notify_one();
    Ok(added)
}

/// A builder for the store's removals: the job that releases the blobs they leave behind.
pub(crate) fn release_blobs(ctx: &Ctx) -> impl FnOnce(Vec<String>) -> NewJob + '_ {
    move |keys| new_job(ctx, &Job::ReleaseBlobs { keys }, ctx.now(), None)
}

/// Why a run failed: worth retrying, or never going to work.
#[derive(Debug)]
enum Failure {
    Retry(String),
    Permanent(String),
}

impl From<nb_store::StoreError> for Failure {
    fn from(e: nb_store::StoreError) -> Self {
        Failure::Retry(format!("store: {e}"))
    }
}

async fn perform(ctx: &Ctx, row: &JobRow) -> Result<(), Failure> {
    let job: Job = serde_json::from_str(&row.payload)
        .map_err(|e| Failure::Permanent(format!("unreadable payload: {e}")))?;
    match job {
        Job::ReleaseBlobs { keys } => {
            for key in keys {
                release_blob(ctx, &key).await?;
            }
        }
        Job::PruneMedia => {
            let before = ctx.now() - ms(ctx.settings.jobs.unattached_media_ttl);
            const BATCH: i64 = 500;
            loop {
                let gone =
                    ctx.store.prune_unattached_media(before, BATCH, release_blobs(ctx)).await?;
                if gone > 0 {
                    ctx.jobs_wake.notify_one();
                    tracing::info!(gone, "pruned unattached uploads");
                }
                if i64::try_from(gone).unwrap_or(0) < BATCH {
                    break;
                }
            }
        }
        Job::PrefetchTranslations { note } => {
            // An engine that is down or over its budget is worth another try later.
            crate::translate::prefetch(ctx, note)
                .await
                .map_err(|e| Failure::Retry(e.to_string()))?;
        }
        Job::SendMail(m) => {
            // Unconfigured (perhaps for now): retry, and an operator can replay the dead letter.
            let settings = ctx.settings.mail.as_ref().ok_or_else(|| {
                Failure::Retry("no mail server is configured ([mail] url)".to_owned())
            })?;
            match mail::send(settings, &m).await {
                Ok(()) => tracing::info!(job = row.id, "mail sent"),
                Err(e @ MailError::Transient(_)) => return Err(Failure::Retry(e.to_string())),
                Err(e) => return Err(Failure::Permanent(e.to_string())),
            }
        }
    }
    Ok(())
}

/// Delete a blob no row uses. An upload of the same bytes may race us (blobs are content-
/// addressed): it checks after its row is written that the blob is still there, and we check
/// after deleting that no row appeared meanwhile, putting the bytes back if one did. Whichever
/// of the two looks last sees the other's write, so no row is left without its bytes.
async fn release_blob(ctx: &Ctx, key: &str) -> Result<(), Failure> {
    if ctx.store.blob_in_use(key).await? {
        return Ok(());
    }
    let blob = |e: nb_media::MediaError| Failure::Retry(format!("blob store: {e}"));
    let Some(bytes) = ctx.blobs.get(key).await.map_err(blob)? else {
        return Ok(());
    };
    ctx.blobs.delete(key).await.map_err(blob)?;
    if ctx.store.blob_in_use(key).await? {
        ctx.blobs.restore(key, bytes).await.map_err(blob)?;
    }
    Ok(())
}

/// The wait before run `attempt + 1`: base × 2^(attempt−1), capped, with ±20 % jitter so jobs
/// that failed together do not retry together.
pub fn backoff(s: &JobSettings, attempt: i64) -> Duration {
    let exp = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let plain = s.backoff_base.saturating_mul(2u32.saturating_pow(exp)).min(s.backoff_max);
    plain.mul_f64(rand::rng().random_range(0.8..1.2))
}

/// What one pass over the due jobs did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub done: usize,
    pub retried: usize,
    pub buried: usize,
}

impl Pass {
    pub fn ran(&self) -> usize {
        self.done + self.retried + self.buried
    }
}

/// Lease up to `limit` due jobs and run them, [`JobSettings::jobs_at_once`] at a time. When
/// `stop` turns true, the ones not started yet are handed back.
pub async fn run_due(ctx: &Ctx, limit: i64, stop: Option<&watch::Receiver<bool>>) -> Result<Pass> {
    let s = &ctx.settings.jobs;
    let lease = ctx.next_id();
    let now = ctx.now();
    let rows = ctx.store.claim_jobs(now, lease, now + ms(s.lease), limit).await?;
    let mut pass = Pass::default();
    let mut running = JoinSet::new();
    let mut rows = rows.into_iter();
    // The first store error ends the pass once the jobs in hand have finished.
    let mut failed = None;
    loop {
        let starting = failed.is_none() && !stop.is_some_and(|s| *s.borrow());
        if starting
            && running.len() < s.jobs_at_once.max(1)
            && let Some(row) = rows.next()
        {
            let ctx = ctx.clone();
            running.spawn(async move { run_one(&ctx, &row, lease).await });
            continue;
        }
        match running.join_next().await {
            Some(Ok(Ok(outcome))) => pass.count(outcome),
            Some(Ok(Err(e))) => failed = failed.or(Some(e)),
            // The job's lease lapses and it runs again.
            Some(Err(e)) => tracing::error!(error = %e, "a job ended abnormally"),
            None => break,
        }
    }
    for left in rows {
        ctx.store.release_job(left.id, lease, ctx.now()).await?;
    }
    failed.map_or(Ok(pass), Err)
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Done,
    Retried,
    Buried,
}

impl Pass {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Done => self.done += 1,
            Outcome::Retried => self.retried += 1,
            Outcome::Buried => self.buried += 1,
        }
    }
}

/// Run one leased job and record how it went.
async fn run_one(ctx: &Ctx, row: &JobRow, lease: i64) -> Result<Outcome> {
    let s = &ctx.settings.jobs;
    let kind = row.kind.clone();
    let outcome = match perform(ctx, row).await {
        Ok(()) => {
            ctx.store.complete_job(row.id, lease).await?;
            Outcome::Done
        }
        Err(Failure::Retry(error)) if row.attempts < s.max_attempts => {
            let at = ctx.now() + ms(backoff(s, row.attempts));
            tracing::warn!(job = row.id, kind = %row.kind, attempt = row.attempts, %error, "job failed; will retry");
            ctx.store.retry_job(row.id, lease, &error, at, ctx.now()).await?;
            Outcome::Retried
        }
        Err(Failure::Retry(error) | Failure::Permanent(error)) => {
            tracing::error!(job = row.id, kind = %row.kind, attempts = row.attempts, %error, "job dead-lettered");
            ctx.store.bury_job(row.id, lease, &error, ctx.now()).await?;
            Outcome::Buried
        }
    };
    let label = match outcome {
        Outcome::Done => "done",
        Outcome::Retried => "retry",
        Outcome::Buried => "dead",
    };
    metrics::counter!("jobs_total", "kind" => kind, "outcome" => label).increment(1);
    Ok(outcome)
}

/// Enqueue the periodic jobs unless one of each is already waiting.
pub async fn schedule_periodic(ctx: &Ctx) -> Result<()> {
    enqueue(ctx, &Job::PruneMedia, Some("periodic:prune_media")).await?;
    Ok(())
}

/// The running workers and the periodic scheduler of one process.
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Start [`JobSettings::workers`] workers and the periodic scheduler.
pub fn start(ctx: &Ctx) -> Workers {
    let (stop, stopped) = watch::channel(false);
    let mut tasks = Vec::new();
    for n in 0..ctx.settings.jobs.workers {
        tasks.push(tokio::spawn(worker(ctx.clone(), stopped.clone(), n)));
    }
    if ctx.settings.jobs.workers > 0 {
        tasks.push(tokio::spawn(scheduler(ctx.clone(), stopped)));
    }
    Workers { stop, tasks }
}

impl Workers {
    /// Stop taking jobs, let each worker finish the job in hand, and wait up to `grace` for
    /// them; a job cut off then runs again after its lease lapses.
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.stop.send(true);
        let all = futures_join_all(self.tasks);
        if tokio::time::timeout(grace, all).await.is_err() {
            tracing::warn!("job workers did not stop in time; unfinished jobs will run again");
        }
    }
}

async fn futures_join_all(tasks: Vec<JoinHandle<()>>) {
    for t in tasks {
        if let Err(e) = t.await {
            tracing::error!(error = %e, "job worker ended abnormally");
        }
    }
}

async fn worker(ctx: Ctx, mut stop: watch::Receiver<bool>, n: usize) {
    // Claimed together, run `jobs_at_once` at a time.
    let batch = i64::try_from(ctx.settings.jobs.jobs_at_once.max(1) * 4).unwrap_or(32);
    let wake = Arc::clone(&ctx.jobs_wake);
    while !*stop.borrow() {
        let busy = match run_due(&ctx, batch, Some(&stop)).await {
            Ok(pass) => pass.ran() > 0,
            Err(e) => {
                tracing::error!(worker = n, error = %e, "job worker could not reach the store");
                false
            }
        };
        if busy {
            continue;
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(ctx.settings.jobs.poll) => {}
            _ = stop.changed() => {}
        }
    }
}

async fn scheduler(ctx: Ctx, mut stop: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(ctx.settings.jobs.periodic_every);
    loop {
        tokio::select! {
            _ = every.tick() => {
                if let Err(e) = schedule_periodic(&ctx).await {
                    tracing::error!(error = %e, "could not schedule periodic jobs");
                }
            }
            _ = stop.changed() => return,
        }
    }
}
