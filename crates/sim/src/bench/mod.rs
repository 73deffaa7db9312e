//! The load generator behind `notebridge bench`: virtual users drive a running server over
//! HTTP, one phase per scenario, each for a fixed time with a fixed number of connections.
//! Every run first measures the ceiling: a trivial endpoint (`/healthz`) of the same server under
//! the same load, so the feeds are reported as a share of what the machine can serve at all.

mod actions;
mod report;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use actions::Fixture;
pub use report::{EndpointStats, Machine, PhaseResult, Report, write_report};

/// What a phase exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// `GET /healthz`: the ceiling.
    Ceiling,
    Home,
    Explore,
    Public,
    /// A tag's feed.
    Tag,
    /// One note alone (`GET /api/v1/statuses/:id`), as Lemmy's "one post" figure is measured.
    Status,
    /// A note page as a client shows it: the status, then its comments (two requests).
    Note,
    /// Posting a text note.
    Post,
    /// The realistic mix of reads and writes.
    Mix,
}

impl Scenario {
    pub const ALL: [Scenario; 8] = [
        Scenario::Home,
        Scenario::Explore,
        Scenario::Public,
        Scenario::Tag,
        Scenario::Status,
        Scenario::Note,
        Scenario::Post,
        Scenario::Mix,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Ceiling => "ceiling",
            Scenario::Home => "home",
            Scenario::Explore => "explore",
            Scenario::Public => "public",
            Scenario::Tag => "tag",
            Scenario::Status => "status",
            Scenario::Note => "note",
            Scenario::Post => "post",
            Scenario::Mix => "mix",
        }
    }

    pub fn parse(s: &str) -> Option<Scenario> {
        [Scenario::Ceiling].into_iter().chain(Scenario::ALL).find(|x| x.name() == s)
    }
}

/// One thing a virtual user does, with its share of the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Healthz,
    Home,
    Explore,
    Public,
    Tag,
    Status,
    Note,
    Like,
    Collect,
    Comment,
    PostText,
    PostPhoto,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Healthz => "healthz",
            Action::Home => "home",
            Action::Explore => "explore",
            Action::Public => "public",
            Action::Tag => "tag",
            Action::Status => "status",
            Action::Note => "note",
            Action::Like => "like",
            Action::Collect => "collect",
            Action::Comment => "comment",
            Action::PostText => "post_text",
            Action::PostPhoto => "post_photo",
        }
    }
}

/// The realistic mix: mostly reading feeds and notes, some engagement, a little posting.
const MIX: [(Action, u32); 10] = [
    (Action::Explore, 25),
    (Action::Home, 25),
    (Action::Note, 20),
    (Action::Public, 5),
    (Action::Tag, 5),
    (Action::Like, 8),
    (Action::Collect, 4),
    (Action::Comment, 4),
    (Action::PostText, 3),
    (Action::PostPhoto, 1),
];

fn pick(scenario: Scenario, rng: &mut ChaCha8Rng) -> Action {
    match scenario {
        Scenario::Ceiling => Action::Healthz,
        Scenario::Home => Action::Home,
        Scenario::Explore => Action::Explore,
        Scenario::Public => Action::Public,
        Scenario::Tag => Action::Tag,
        Scenario::Status => Action::Status,
        Scenario::Note => Action::Note,
        Scenario::Post => Action::PostText,
        Scenario::Mix => {
            let total: u32 = MIX.iter().map(|(_, w)| w).sum();
            let mut x = rng.random_range(0..total);
            for (a, w) in MIX {
                if x < w {
                    return a;
                }
                x -= w;
            }
            Action::Home
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    #[error("{0}")]
    Setup(String),
    #[error("writing the report: {0}")]
    Io(#[from] std::io::Error),
}

/// How hard and how long to push.
#[derive(Debug, Clone)]
pub struct Load {
    pub concurrency: usize,
    pub duration: Duration,
    /// Runs before each phase, not measured.
    pub warmup: Duration,
    /// A phase stops after this many requests even if time remains.
    pub max_requests: u64,
}

/// Per-action latency histograms (microseconds) and error counts of one worker or phase.
#[derive(Default)]
struct Tally {
    latency: HashMap<Action, Histogram<u64>>,
    errors: HashMap<Action, u64>,
}

impl Tally {
    fn record(&mut self, a: Action, took: Duration, ok: bool) {
        if !ok {
            *self.errors.entry(a).or_default() += 1;
            return;
        }
        let h = match self.latency.entry(a) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                // 1 µs to 60 s at three significant digits: valid bounds, so this cannot fail.
                let Ok(h) = Histogram::new_with_bounds(1, 60_000_000, 3) else { return };
                v.insert(h)
            }
        };
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).clamp(1, 60_000_000);
        let _ = h.record(us);
    }

    fn merge(&mut self, other: Tally) {
        for (a, h) in other.latency {
            match self.latency.get_mut(&a) {
                Some(mine) => {
                    let _ = mine.add(&h);
                }
                None => {
                    self.latency.insert(a, h);
                }
            }
        }
        for (a, n) in other.errors {
            *self.errors.entry(a).or_default() += n;
        }
    }
}

/// Run one phase: `load.concurrency` virtual users doing `scenario` for `load.duration`.
pub async fn phase(fx: &Arc<Fixture>, scenario: Scenario, load: &Load) -> PhaseResult {
    if !load.warmup.is_zero() {
        let warm = Load { warmup: Duration::ZERO, duration: load.warmup, ..load.clone() };
        let _ = drive(fx, scenario, &warm).await;
    }
    let cpu_before = report::process_cpu_seconds();
    let began = Instant::now();
    let tally = drive(fx, scenario, load).await;
    let wall = began.elapsed();
    let cpu = report::process_cpu_seconds() - cpu_before;
    report::summarise(scenario, load, &tally, wall, cpu)
}

async fn drive(fx: &Arc<Fixture>, scenario: Scenario, load: &Load) -> Tally {
    let stop = Arc::new(AtomicBool::new(false));
    let budget = Arc::new(std::sync::atomic::AtomicU64::new(load.max_requests));
    let mut workers = Vec::new();
    for w in 0..load.concurrency {
        let (fx, stop, budget) = (Arc::clone(fx), Arc::clone(&stop), Arc::clone(&budget));
        workers.push(tokio::spawn(async move {
            let mut rng = ChaCha8Rng::seed_from_u64(w as u64);
            let mut tally = Tally::default();
            let user = w % fx.users.len().max(1);
            while !stop.load(Ordering::Relaxed) {
                if budget
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_sub(1))
                    .is_err()
                {
                    break;
                }
                let action = pick(scenario, &mut rng);
                let began = Instant::now();
                let ok = fx.perform(action, user, &mut rng).await;
                tally.record(action, began.elapsed(), ok);
            }
            tally
        }));
    }
    tokio::time::sleep(load.duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Tally::default();
    for w in workers {
        if let Ok(t) = w.await {
            all.merge(t);
        }
    }
    all
}
