//! `notebridge sim seed`: write a simulated community (population model in `nb_sim`) into the
//! database a server uses, with a progress bar.

use std::time::Duration;

use anyhow::{Context, Result};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use nb_app::Ctx;
use nb_app::password;
use nb_domain::Password;
use nb_sim::{Params, Progress};

use crate::config::{self, Config};

#[derive(Subcommand)]
pub enum SimCommand {
    /// Write a simulated community into an empty database.
    Seed {
        /// Members to create.
        #[arg(long, default_value_t = 300)]
        users: u32,
        /// Simulated days of activity, ending now.
        #[arg(long, default_value_t = 7)]
        days: u32,
        /// The same seed gives the same community.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Images in the photo pool (each processed once, shared by many notes).
        #[arg(long)]
        photos: Option<u32>,
        /// Seed even though the database already has members.
        #[arg(long)]
        force: bool,
    },
}

pub async fn run(cfg: Config, command: SimCommand) -> Result<()> {
    let SimCommand::Seed { users, days, seed, photos, force } = command;
    let store = config::open_store(&cfg).await?;
    let mut settings = cfg.settings()?;
    settings.jobs.workers = 0;
    let ctx = Ctx::new(store.clone(), config::open_blobs(&cfg)?, settings);
    if !force && ctx.store.has_accounts().await? {
        anyhow::bail!("the database already has members; seed an empty one (or pass --force)");
    }
    let mut params = Params { users, days, seed, ..Params::default() };
    if let Some(n) = photos {
        params.photo_pool_size = n;
    }
    let report = self::seed(&ctx, &params).await;
    store.close().await;
    let report = report?;
    let t = report.totals;
    println!(
        "seeded {} members, {} follows, {} notes ({} pool photos), {} likes, {} collects, \
         {} comments, {} comment likes, {} notifications in {:.1} s",
        t.people,
        t.follows,
        t.notes,
        t.photos,
        t.likes,
        t.collects,
        t.comments,
        t.comment_likes,
        t.notifications,
        report.elapsed.as_secs_f64()
    );
    let stages: Vec<String> =
        report.phases.iter().map(|(name, d)| format!("{name} {:.1} s", d.as_secs_f64())).collect();
    println!("stages: {}", stages.join(", "));
    println!("log in as {} with password {}", report.sample_handle, nb_sim::SIM_PASSWORD);
    Ok(())
}

/// Seed `params` ending now, drawing a progress bar on a terminal.
pub async fn seed(ctx: &Ctx, params: &Params) -> Result<nb_sim::Report> {
    let hash = password::hash(
        &Password::new_for(nb_sim::SIM_PASSWORD, "", "")?,
        ctx.settings.password_hash,
    )
    .await
    .context("hashing the demo password")?;
    let bar = ProgressBar::new(u64::from(params.days));
    bar.set_style(
        ProgressStyle::with_template("{spinner} day {pos}/{len} [{elapsed_precise}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let start = nb_sim::start_for(params, ctx.now());
    let report = nb_sim::seed(ctx, params, start, &hash, |p: &Progress| {
        bar.set_position(u64::from(p.day));
        bar.set_message(format!(
            "{} members, {} follows, {} photos, {} notes, {} likes, {} collects, {} comments",
            p.people, p.follows, p.photos, p.notes, p.likes, p.collects, p.comments
        ));
    })
    .await;
    bar.finish_and_clear();
    Ok(report?)
}
