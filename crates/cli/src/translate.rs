//! `notebridge translate --from zh --to en TEXT`: the configured engines, for operators checking
//! their `[translate]` settings. No database: nothing is cached or counted.

use anyhow::{Context, Result};
use clap::Args;
use nb_bridge::Kind;

use crate::config::Config;

#[derive(Args)]
pub struct TranslateArgs {
    /// Source language (`zh`, `zh-Hant`, `en`); detected when omitted.
    #[arg(long)]
    from: Option<String>,
    /// Target language.
    #[arg(long)]
    to: String,
    /// The text to translate.
    text: String,
}

pub async fn run(cfg: Config, args: TranslateArgs) -> Result<()> {
    let translation = cfg.translate.translation(&cfg.storage.data)?;
    let lang = |tag: &str| {
        nb_bridge::lang::parse(tag).with_context(|| format!("unknown language {tag:?}"))
    };
    let target = lang(&args.to)?;
    let source = match &args.from {
        Some(tag) => lang(tag)?,
        None => nb_app::translate::source_language(None, &args.text)
            .context("no language could be identified in the text; pass --from")?,
    };
    anyhow::ensure!(
        translation.usable(source, target),
        "no engine is configured for {} → {} (engines: {})",
        source.tag(),
        target.tag(),
        translation.bridge.engines_for(source, target).join(", ")
    );
    let out = translation.bridge.translate_each(&[args.text], source, target).await;
    let done = out.into_iter().next().context("the bridge returned nothing")?;
    let done = done.map_err(|e| anyhow::anyhow!("translation failed: {e}"))?;
    let label = match done.kind {
        Kind::Gloss => "dictionary gloss, not a translation",
        Kind::Translation => "machine translation",
        Kind::Original => "untranslated",
    };
    println!("{}", done.text);
    eprintln!("[{} → {}; {label} by {}]", source.tag(), target.tag(), done.engine);
    Ok(())
}

#[derive(clap::Subcommand)]
pub enum BridgeCommand {
    /// Say what the local translation model directories hold and what is missing, and where
    /// an operator gets a model.
    Doctor,
}

pub async fn bridge(cfg: Config, command: BridgeCommand) -> Result<()> {
    match command {
        BridgeCommand::Doctor => {
            let local = cfg.translate.bridge.local.clone();
            let data = cfg.storage.data.clone();
            // Loading weights and a sample translation are CPU work.
            let report = tokio::task::spawn_blocking(move || {
                nb_bridge::engines::local::doctor::doctor(&local, &data)
            })
            .await?;
            print!("{report}");
            let engines =
                cfg.translate.bridge.engines.as_ref().map(|l| l.0.clone()).unwrap_or_default();
            if !engines.is_empty() && !engines.contains(&nb_bridge::EngineKind::Local) {
                println!("note: `local` is not in [translate] engines, so no model is used");
            }
            Ok(())
        }
    }
}
