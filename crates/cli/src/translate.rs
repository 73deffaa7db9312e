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
    /// Score engines on a parallel file: chrF and BLEU against the references.
    Eval(EvalArgs),
}

#[derive(Args)]
pub struct EvalArgs {
    /// Tab-separated lines `source<TAB>reference` (UTF-8; `#` comments and blank lines skipped).
    #[arg(long)]
    pairs: std::path::PathBuf,
    /// Source language of every line (`zh`, `en`, …).
    #[arg(long)]
    from: String,
    /// Target language (the references' language).
    #[arg(long)]
    to: String,
    /// Engines to score one by one, comma-separated (default: the configured chain as a whole).
    #[arg(long)]
    engines: Option<String>,
}

pub async fn bridge(cfg: Config, command: BridgeCommand) -> Result<()> {
    match command {
        BridgeCommand::Eval(args) => eval(cfg, args).await,
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

/// The longest parallel file `eval` reads.
const MAX_PAIRS_BYTES: u64 = 64 * 1024 * 1024;

async fn eval(cfg: Config, args: EvalArgs) -> Result<()> {
    let lang = |tag: &str| {
        nb_bridge::lang::parse(tag).with_context(|| format!("unknown language {tag:?}"))
    };
    let (source, target) = (lang(&args.from)?, lang(&args.to)?);
    let size = std::fs::metadata(&args.pairs)
        .with_context(|| format!("reading {}", args.pairs.display()))?
        .len();
    anyhow::ensure!(size <= MAX_PAIRS_BYTES, "{} is larger than 64 MiB", args.pairs.display());
    let text = std::fs::read_to_string(&args.pairs)
        .with_context(|| format!("reading {} (it must be UTF-8)", args.pairs.display()))?;
    let (sources, references) = parse_pairs(&text)?;
    anyhow::ensure!(!sources.is_empty(), "{} holds no pairs", args.pairs.display());
    let runs: Vec<(String, Option<Vec<nb_bridge::EngineKind>>)> = match &args.engines {
        Some(list) => nb_bridge::parse_engine_list(list)?
            .into_iter()
            .map(|k| (k.name().to_owned(), Some(vec![k])))
            .collect(),
        None => vec![("configured".to_owned(), None)],
    };
    println!("{} pairs, {} → {}", sources.len(), source.tag(), target.tag());
    println!("| engine | chrF | BLEU | translated | seconds |");
    println!("|---|---|---|---|---|");
    for (name, engines) in runs {
        let mut section = cfg.translate.clone();
        if let Some(e) = engines {
            section.bridge.engines = Some(nb_bridge::config::EngineList(e));
        }
        let translation = section.translation(&cfg.storage.data)?;
        if !translation.usable(source, target) {
            println!("| {name} | – | – | not available for this pair | – |");
            continue;
        }
        let began = std::time::Instant::now();
        let out = translation.bridge.translate_each(&sources, source, target).await;
        let secs = began.elapsed().as_secs_f64();
        let mut hypotheses = Vec::with_capacity(out.len());
        let mut translated = 0;
        for (o, original) in out.into_iter().zip(&sources) {
            match o {
                Ok(t) => {
                    translated += usize::from(t.kind != Kind::Original);
                    hypotheses.push(t.text);
                }
                // A failed line scores as untranslated, as a reader would see it.
                Err(_) => hypotheses.push(original.clone()),
            }
        }
        let chrf = nb_bridge::eval::chrf(&hypotheses, &references);
        let bleu = nb_bridge::eval::bleu(&hypotheses, &references);
        println!("| {name} | {chrf:.1} | {bleu:.1} | {translated}/{} | {secs:.2} |", sources.len());
    }
    Ok(())
}

/// Sources and references of a tab-separated parallel file.
fn parse_pairs(text: &str) -> Result<(Vec<String>, Vec<String>)> {
    let mut sources = Vec::new();
    let mut references = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (s, r) = line
            .split_once('\t')
            .with_context(|| format!("line {}: expected `source<TAB>reference`", i + 1))?;
        sources.push(s.trim().to_owned());
        references.push(r.trim().to_owned());
    }
    Ok((sources, references))
}
