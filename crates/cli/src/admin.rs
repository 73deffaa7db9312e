use std::io::Read;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use nb_app::Ctx;
use nb_app::accounts::{self, Registrar, Registration};
use nb_domain::Role;

use crate::config::{self, Config};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an account (always allowed, whatever the registration mode).
    CreateUser {
        #[arg(long)]
        handle: String,
        #[arg(long)]
        email: String,
        /// The password (visible in the process list: prefer --password-stdin).
        #[arg(long, conflicts_with = "password_stdin")]
        password: Option<String>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, default_value = "user")]
        role: String,
    },
    /// Change an account's role.
    SetRole {
        #[arg(long)]
        handle: String,
        #[arg(long)]
        role: String,
    },
    /// Confirm an account's email address by hand (when `mail.confirm_email` is on).
    ConfirmEmail {
        #[arg(long)]
        handle: String,
    },
    /// The outbox: list queued jobs or dead letters, replay dead letters.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
}

#[derive(Subcommand)]
pub enum JobsCommand {
    /// Queued jobs (with --dead: dead letters), oldest first.
    List {
        #[arg(long)]
        dead: bool,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Queue dead letters again: one by --id, or all of them.
    Replay {
        #[arg(long, conflicts_with = "all")]
        id: Option<i64>,
        #[arg(long)]
        all: bool,
    },
}

pub async fn run(cfg: Config, command: AdminCommand) -> Result<()> {
    let store = config::open_store(&cfg).await?;
    let ctx = Ctx::new(store.clone(), config::open_blobs(&cfg)?, cfg.settings()?);
    let result = match command {
        AdminCommand::CreateUser { handle, email, password, password_stdin, role } => {
            let role = Role::parse(&role)?;
            let password = match (password, password_stdin) {
                (Some(p), false) => p,
                (None, true) => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s).context("reading password")?;
                    s.trim_end_matches(['\n', '\r']).to_owned()
                }
                _ => bail!("give --password or --password-stdin"),
            };
            let reg = Registration { handle, email, password, ..Registration::default() };
            let a = accounts::register(&ctx, reg, Registrar::Operator(role)).await?;
            println!("created @{} (id {}, role {})", a.handle, a.id, a.role);
            Ok(())
        }
        AdminCommand::SetRole { handle, role } => {
            let a = accounts::set_role(&ctx, &handle, Role::parse(&role)?).await?;
            println!("@{} is now {}", a.handle, a.role);
            Ok(())
        }
        AdminCommand::ConfirmEmail { handle } => {
            let a = accounts::mark_email_confirmed(&ctx, &handle).await?;
            println!("@{}'s email address is confirmed", a.handle);
            Ok(())
        }
        AdminCommand::Jobs { command } => jobs(&ctx, command).await,
    };
    store.close().await;
    result
}

async fn jobs(ctx: &Ctx, command: JobsCommand) -> Result<()> {
    match command {
        JobsCommand::List { dead, limit } => {
            let state = if dead { "dead" } else { "queued" };
            let (queued, buried) = ctx.store.job_counts().await?;
            println!("{queued} queued, {buried} dead");
            for j in ctx.store.jobs_in_state(state, limit).await? {
                let error = if j.last_error.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", j.last_error)
                };
                println!("{} {} attempts={} run_at={}{error}", j.id, j.kind, j.attempts, j.run_at);
            }
        }
        JobsCommand::Replay { id, all } => {
            if id.is_none() && !all {
                bail!("give --id ID or --all");
            }
            let n = ctx.store.replay_jobs(id, ctx.now()).await?;
            println!("{n} dead letter(s) queued again");
        }
    }
    Ok(())
}
