//! `notebridge`: serve the community, migrate its database, administer accounts, seed a
//! simulated community.

mod admin;
mod bench;
mod config;
mod demo;
mod serve;
mod sim;
mod translate;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "notebridge",
    version,
    about = "A notes community for people who do not share a language"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    at: Location,
}

/// Where the data lives; every command takes the same options so they act on the same database.
#[derive(Args, Debug, Clone, Default)]
pub struct Location {
    /// Data directory (default ./data); holds the SQLite database and media.
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://… (default: SQLite in the data directory).
    #[arg(long, global = true)]
    database: Option<String>,
    /// TOML configuration file.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app and the API.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080; port 0 picks a free one).
        #[arg(long)]
        bind: Option<String>,
        /// Seed a small demo community into an empty database first.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Account administration.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Drive a server with virtual users and write a report under bench/results/.
    Bench(bench::BenchArgs),
    /// The population simulator.
    Sim {
        #[command(subcommand)]
        command: sim::SimCommand,
    },
    /// Translate a text with the configured engines (to check `[translate]`).
    Translate(translate::TranslateArgs),
    /// The translation engines: `bridge doctor` checks the local model directories.
    Bridge {
        #[command(subcommand)]
        command: translate::BridgeCommand,
    },
}

// Many small allocations per request (rows, JSON, strings) across threads: glibc's malloc
// spent a fifth of the server's CPU on them under feed load (perf, public feed). The `override`
// feature sends C code's malloc (SQLite's page and statement memory) to mimalloc as well.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let at = cli.at;
    rt.block_on(async move {
        match cli.command {
            Command::Serve { bind, demo } => {
                let cfg = config::load(&at, bind.as_deref())?;
                config::init_logging(&cfg);
                serve::run(cfg, demo).await
            }
            Command::Migrate => {
                let cfg = config::load(&at, None)?;
                config::init_logging(&cfg);
                let store = config::open_store(&cfg).await?;
                println!("migrations applied to {}", cfg.redacted_database_url());
                store.close().await;
                Ok(())
            }
            Command::Admin { command } => {
                let cfg = config::load(&at, None)?;
                config::init_logging(&cfg);
                admin::run(cfg, command).await
            }
            Command::Bench(args) => {
                let cfg = config::load(&at, None)?;
                config::init_logging(&cfg);
                bench::run(cfg, &at, args).await
            }
            Command::Sim { command } => {
                let cfg = config::load(&at, None)?;
                config::init_logging(&cfg);
                sim::run(cfg, command).await
            }
            Command::Translate(args) => {
                let cfg = config::load(&at, None)?;
                config::init_logging(&cfg);
                translate::run(cfg, args).await
            }
            Command::Bridge { command } => {
                let cfg = config::load(&at, None)?;
                config::init_logging(&cfg);
                translate::bridge(cfg, command).await
            }
        }
    })
}
