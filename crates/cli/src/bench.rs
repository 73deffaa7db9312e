//! `notebridge bench`: drive a running server (or one it spawns on the same database) with
//! virtual users and write a report under `bench/results/`.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use nb_sim::bench::{self, Fixture, Load, Machine, Report, Scenario};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::Location;
use crate::config::{self, Config};

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// A running server to drive (loopback only).
    #[arg(long, conflicts_with = "spawn")]
    url: Option<String>,
    /// Start a server on the configured database for the run, and stop it after.
    #[arg(long)]
    spawn: bool,
    /// Seconds each phase runs.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Connections (virtual users), the same in every phase.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Phases, comma-separated (home, explore, public, tag, status, note, post, mix), or `all`;
    /// the ceiling runs first in every run.
    #[arg(long, default_value = "all")]
    scenario: String,
    /// Seconds of unmeasured load before each phase.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// A phase stops after this many requests even if time remains.
    #[arg(long, default_value_t = 5_000_000)]
    max_requests: u64,
    /// The password the simulated members share.
    #[arg(long, default_value = nb_sim::SIM_PASSWORD)]
    password: String,
    /// Where to write the report.
    #[arg(long, default_value = "bench/results")]
    out: PathBuf,
}

pub async fn run(cfg: Config, at: &Location, args: BenchArgs) -> Result<()> {
    let scenarios: Vec<Scenario> = match args.scenario.as_str() {
        "all" => Scenario::ALL.to_vec(),
        names => names
            .split(',')
            .map(|name| {
                Scenario::parse(name.trim())
                    .with_context(|| format!("unknown scenario {:?}", name.trim()))
            })
            .collect::<Result<_>>()?,
    };
    anyhow::ensure!(args.concurrency >= 1 && args.concurrency <= 1024, "--concurrency 1 to 1024");
    anyhow::ensure!(args.duration >= 1 && args.duration <= 3600, "--duration 1 to 3600 seconds");
    let (mut server, url) = match (&args.url, args.spawn) {
        (Some(url), false) => {
            check_loopback(url)?;
            (None, url.clone())
        }
        (None, true) => {
            let (child, url) = spawn_server(&cfg, at).await?;
            (Some(child), url)
        }
        _ => bail!("give --url URL or --spawn"),
    };
    let result = measure(&cfg, &args, &scenarios, &url).await;
    if let Some(child) = server.as_mut() {
        let _ = child.start_kill();
        let _ = child.wait().await;
    }
    let md = result?;
    println!("report written to {}", md.display());
    Ok(())
}

async fn measure(
    cfg: &Config,
    args: &BenchArgs,
    scenarios: &[Scenario],
    url: &str,
) -> Result<PathBuf> {
    let store = config::open_store(cfg).await?;
    let stats = store.size_summary().await;
    store.close().await;
    let stats = stats?;
    eprintln!("preparing virtual users against {url}");
    let fx = Arc::new(Fixture::prepare(url, &args.password, args.concurrency).await?);
    let load = Load {
        concurrency: args.concurrency,
        duration: Duration::from_secs(args.duration),
        warmup: Duration::from_secs(args.warmup),
        max_requests: args.max_requests,
    };
    let mut phases = Vec::new();
    for s in std::iter::once(Scenario::Ceiling).chain(scenarios.iter().copied()) {
        eprintln!("phase {}: {} connections, {} s", s.name(), load.concurrency, args.duration);
        let p = bench::phase(&fx, s, &load).await;
        eprintln!("  {:.0} req/s, {} errors", p.rps, p.errors);
        phases.push(p);
    }
    let date = date_today();
    let report = Report {
        date: date.clone(),
        notebridge: env!("CARGO_PKG_VERSION"),
        machine: Machine::this(),
        backend: stats.backend.clone(),
        database_bytes: stats.bytes,
        community: format!(
            "{} members, {} notes, {} follows, {} likes",
            stats.accounts, stats.notes, stats.follows, stats.likes
        ),
        url: url.to_owned(),
        phases,
    };
    let stem = format!("{date}-{}-{}-notes-c{}", stats.backend, stats.notes, args.concurrency);
    Ok(bench::write_report(&report, &args.out, &stem)?)
}

fn check_loopback(url: &str) -> Result<()> {
    let host = url.split("://").nth(1).and_then(|r| r.split(['/', ':']).next()).unwrap_or_default();
    if !matches!(host, "127.0.0.1" | "localhost" | "[") && !host.starts_with("127.") {
        bail!("bench drives loopback servers only (got {host:?})");
    }
    Ok(())
}

/// Start `notebridge serve` on the same data and database, on a free loopback port.
async fn spawn_server(cfg: &Config, at: &Location) -> Result<(Child, String)> {
    let exe = std::env::current_exe().context("locating the notebridge binary")?;
    let mut cmd = Command::new(exe);
    cmd.arg("--data").arg(&cfg.storage.data).arg("--database").arg(cfg.database_url());
    if let Some(c) = &at.config {
        cmd.arg("--config").arg(c);
    }
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .env("NOTEBRIDGE_LOG__FILTER", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().context("starting the server")?;
    let stdout = child.stdout.take().context("server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let url = tokio::time::timeout(Duration::from_secs(120), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(url) = line.strip_prefix("listening on ") {
                return Some(url.to_owned());
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .context("the spawned server did not print its address")?;
    // Keep draining its output so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((child, url))
}

fn date_today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}
