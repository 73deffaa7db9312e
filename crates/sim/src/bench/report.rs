//! Phase results, the machine they ran on, and the JSON and Markdown written under
//! `bench/results/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::{Load, Scenario, Tally};

#[derive(Debug, Clone, Serialize)]
pub struct EndpointStats {
    pub action: &'static str,
    pub requests: u64,
    pub errors: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseResult {
    pub scenario: &'static str,
    pub concurrency: usize,
    pub seconds: f64,
    pub requests: u64,
    pub errors: u64,
    pub rps: f64,
    /// CPU the load generator itself used, as a share of the machine's cores over the phase.
    pub generator_cpu_share: f64,
    pub endpoints: Vec<EndpointStats>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub os: String,
}

impl Machine {
    pub fn this() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split(':').nth(1)))
            .map_or_else(|| "unknown".to_owned(), |s| s.trim().to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let kib: f64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|r| r.split_whitespace().next()?.parse().ok())
            .unwrap_or(0.0);
        let os = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or_else(|_| std::env::consts::OS.to_owned(), |r| format!("Linux {}", r.trim()));
        Machine {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_gib: (kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
            os,
        }
    }
}

/// A whole run: where, against what, and each phase.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub date: String,
    pub notebridge: &'static str,
    pub machine: Machine,
    pub backend: String,
    pub database_bytes: u64,
    /// What the database holds, as the operator described it (e.g. "100k members, 1M notes").
    pub community: String,
    pub url: String,
    pub phases: Vec<PhaseResult>,
}

impl Report {
    /// Requests per second of the ceiling phase.
    pub fn ceiling_rps(&self) -> Option<f64> {
        self.phases.iter().find(|p| p.scenario == "ceiling").map(|p| p.rps)
    }
}

/// CPU seconds (user + system) this process has used, from `/proc/self/stat`.
pub fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { return 0.0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn ms(us: u64) -> f64 {
    (us as f64 / 10.0).round() / 100.0
}

pub(super) fn summarise(
    scenario: Scenario,
    load: &Load,
    tally: &Tally,
    wall: Duration,
    cpu_seconds: f64,
) -> PhaseResult {
    let secs = wall.as_secs_f64().max(1e-9);
    let mut endpoints: Vec<EndpointStats> = tally
        .latency
        .iter()
        .map(|(a, h)| EndpointStats {
            action: a.name(),
            requests: h.len(),
            errors: tally.errors.get(a).copied().unwrap_or(0),
            rps: h.len() as f64 / secs,
            p50_ms: ms(h.value_at_quantile(0.5)),
            p90_ms: ms(h.value_at_quantile(0.9)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
        })
        .collect();
    for (a, n) in &tally.errors {
        if !tally.latency.contains_key(a) {
            endpoints.push(EndpointStats {
                action: a.name(),
                requests: 0,
                errors: *n,
                rps: 0.0,
                p50_ms: 0.0,
                p90_ms: 0.0,
                p99_ms: 0.0,
                max_ms: 0.0,
            });
        }
    }
    endpoints.sort_by(|a, b| b.requests.cmp(&a.requests).then(a.action.cmp(b.action)));
    let requests: u64 = endpoints.iter().map(|e| e.requests).sum();
    let errors: u64 = endpoints.iter().map(|e| e.errors).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    PhaseResult {
        scenario: scenario.name(),
        concurrency: load.concurrency,
        seconds: (secs * 100.0).round() / 100.0,
        requests,
        errors,
        rps: (requests as f64 / secs * 10.0).round() / 10.0,
        generator_cpu_share: (cpu_seconds / secs / cores * 1000.0).round() / 1000.0,
        endpoints,
    }
}

/// The Markdown table of a report.
pub fn markdown(r: &Report) -> String {
    let mut out = format!(
        "# Benchmark {date}: {backend}, {community}\n\n\
         - Notebridge {ver}; server at {url}\n\
         - Machine: {cpu}, {cores} cores, {mem} GiB, {os}\n\
         - Database: {backend}, {size:.1} MiB\n\n",
        date = r.date,
        backend = r.backend,
        community = r.community,
        ver = r.notebridge,
        url = r.url,
        cpu = r.machine.cpu,
        cores = r.machine.cores,
        mem = r.machine.memory_gib,
        os = r.machine.os,
        size = r.database_bytes as f64 / 1024.0 / 1024.0,
    );
    let ceiling = r.ceiling_rps();
    out.push_str(
        "| phase | endpoint | conns | req/s | share of ceiling | p50 ms | p90 ms | p99 ms | max ms | errors | generator CPU |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for p in &r.phases {
        for e in &p.endpoints {
            let share = ceiling
                .filter(|c| *c > 0.0)
                .map_or_else(String::new, |c| format!("{:.1} %", e.rps / c * 100.0));
            out.push_str(&format!(
                "| {} | {} | {} | {:.0} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {:.0} % |\n",
                p.scenario,
                e.action,
                p.concurrency,
                e.rps,
                share,
                e.p50_ms,
                e.p90_ms,
                e.p99_ms,
                e.max_ms,
                e.errors,
                p.generator_cpu_share * 100.0,
            ));
        }
    }
    out.push_str(
        "\nShare of ceiling: the endpoint's requests per second over those of `/healthz` on the same \
         server, with the same connections, in the same run. Generator CPU: the load generator's \
         own CPU time over the phase, as a share of all cores (server and generator share the \
         machine).\n",
    );
    out
}

/// Write `<dir>/<stem>.json` and `<dir>/<stem>.md`, or `<stem>-2`, `<stem>-3`… when a report
/// of the same day, size and concurrency is there already (the reports a change is measured
/// against must survive the runs after it); returns the Markdown path.
pub fn write_report(r: &Report, dir: &Path, stem: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stem = free_stem(dir, stem);
    let json = serde_json::to_string_pretty(r).map_err(std::io::Error::other)?;
    std::fs::write(dir.join(format!("{stem}.json")), json + "\n")?;
    let md = dir.join(format!("{stem}.md"));
    std::fs::write(&md, markdown(r))?;
    Ok(md)
}

fn free_stem(dir: &Path, stem: &str) -> String {
    let taken = |s: &str| ["json", "md"].iter().any(|ext| dir.join(format!("{s}.{ext}")).exists());
    std::iter::once(stem.to_owned())
        .chain((2..).map(|n| format!("{stem}-{n}")))
        .find(|s| !taken(s))
        .unwrap_or_else(|| stem.to_owned())
}

#[cfg(test)]
mod tests {
    use super::free_stem;

    #[test]
    fn a_report_never_replaces_an_earlier_one() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(free_stem(dir.path(), "day-sqlite-10-notes-c16"), "day-sqlite-10-notes-c16");
        std::fs::write(dir.path().join("day-sqlite-10-notes-c16.md"), "").unwrap();
        assert_eq!(free_stem(dir.path(), "day-sqlite-10-notes-c16"), "day-sqlite-10-notes-c16-2");
        std::fs::write(dir.path().join("day-sqlite-10-notes-c16-2.json"), "").unwrap();
        assert_eq!(free_stem(dir.path(), "day-sqlite-10-notes-c16"), "day-sqlite-10-notes-c16-3");
        assert_eq!(free_stem(dir.path(), "day-sqlite-11-notes-c16"), "day-sqlite-11-notes-c16");
    }
}
