//! `notebridge bridge doctor`: what the local engine finds in each model directory, and where
//! an operator gets what is missing. The report is plain text for a terminal; [`Report`] also
//! says per pair whether the engine will use it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use nb_text::Lang;

use crate::config::LocalConfig;

use super::PairModel;
use super::model::{ConfigFile, MAX_VOCAB, weights_file};
use super::tokenizer::Vocab;

/// The published model for each pair.
fn source_of(pair: &str) -> &'static str {
    match pair {
        "zh-en" => "Helsinki-NLP/opus-mt-zh-en",
        _ => "Helsinki-NLP/opus-mt-en-zh",
    }
}

/// One file or step of a pair directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub what: String,
    pub ok: bool,
    pub detail: String,
}

/// One pair's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairReport {
    /// `zh-en` or `en-zh`.
    pub pair: &'static str,
    pub dir: PathBuf,
    pub checks: Vec<Check>,
    /// Whether the whole model loaded: the engine will translate this pair.
    pub ready: bool,
}

/// What [`doctor`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub pairs: Vec<PairReport>,
}

impl Report {
    /// Whether every pair is ready.
    pub fn all_ready(&self) -> bool {
        self.pairs.iter().all(|p| p.ready)
    }
}

fn check(what: &str, result: Result<String, String>) -> Check {
    match result {
        Ok(detail) => Check { what: what.into(), ok: true, detail },
        Err(detail) => Check { what: what.into(), ok: false, detail },
    }
}

fn read(dir: &Path, file: &str) -> Result<Vec<u8>, String> {
    let path = dir.join(file);
    if !path.is_file() {
        return Err("missing".into());
    }
    std::fs::read(&path).map_err(|e| format!("cannot read: {e}"))
}

/// Examine the pair directories of `config` under `data_dir`. Loads each complete model, so it
/// takes as long as a server start (seconds for a real model).
pub fn doctor(config: &LocalConfig, data_dir: &Path) -> Report {
    let pairs =
        config.pair_dirs(data_dir).into_iter().map(|(pair, dir)| examine(pair, dir)).collect();
    Report { pairs }
}

fn examine(pair: &'static str, dir: PathBuf) -> PairReport {
    let mut checks = Vec::new();
    if !dir.is_dir() {
        checks.push(check("directory", Err("missing".into())));
        return PairReport { pair, dir, checks, ready: false };
    }
    checks.push(check("directory", Ok("present".into())));

    let config =
        read(&dir, "config.json").and_then(|b| ConfigFile::parse(&b).map_err(|e| e.to_string()));
    checks.push(check(
        "config.json",
        config
            .as_ref()
            .map(|c| {
                format!(
                    "Marian, d_model {}, {}+{} layers, vocabulary {}",
                    c.d_model, c.encoder_layers, c.decoder_layers, c.vocab_size
                )
            })
            .map_err(Clone::clone),
    ));
    for file in ["source.spm", "target.spm"] {
        let r = read(&dir, file).and_then(|b| {
            super::spm::SpmModel::parse(&b)
                .map(|m| format!("{} pieces", m.pieces().len()))
                .map_err(|e| e.to_string())
        });
        checks.push(check(file, r));
    }
    let vocab = read(&dir, "vocab.json").and_then(|b| {
        let size = config.as_ref().map_or(MAX_VOCAB, |c| c.vocab_size);
        Vocab::parse(&b, size).map_err(|e| e.to_string())
    });
    checks.push(check(
        "vocab.json",
        vocab.as_ref().map(|v| format!("{} pieces", v.len())).map_err(Clone::clone),
    ));
    let weights = weights_file(&dir);
    checks.push(check(
        "weights",
        weights
            .as_ref()
            .and_then(|p| {
                let size = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
                let name = p.file_name()?.to_string_lossy().into_owned();
                Some(format!("{name}, {:.1} MB", size as f64 / 1e6))
            })
            .ok_or_else(|| "missing: neither model.safetensors nor pytorch_model.bin".into()),
    ));

    let complete = checks.iter().all(|c| c.ok);
    let ready = if complete {
        match PairModel::load(&dir) {
            Ok(model) => {
                checks.push(check("model loads", Ok("yes".into())));
                checks.push(check("sample", sample(pair, &model)));
                true
            }
            Err(e) => {
                checks.push(check("model loads", Err(e.to_string())));
                false
            }
        }
    } else {
        false
    };
    PairReport { pair, dir, checks, ready }
}

/// Translate one sentence, so the operator sees the model answer and how fast.
fn sample(pair: &str, model: &PairModel) -> Result<String, String> {
    let (text, target, lang) = match pair {
        "zh-en" => ("你好，世界。", Lang::En, None),
        _ => ("Hello, world.", Lang::ZhHans, model.tokenizer.vocab().id(">>cmn_Hans<<")),
    };
    let started = Instant::now();
    let out = model.translate_text(text, lang, target, 64, &AtomicBool::new(false));
    let secs = started.elapsed().as_secs_f64();
    out.map(|t| format!("{text:?} -> {:?} in {secs:.2} s", t.text)).map_err(|e| e.to_string())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.pairs {
            let state = if p.ready { "ready" } else { "not usable: skipped by the engine" };
            writeln!(f, "{} ({}): {state}", p.pair, p.dir.display())?;
            for c in &p.checks {
                let mark = if c.ok { "ok " } else { "-- " };
                writeln!(f, "  {mark} {}: {}", c.what, c.detail)?;
            }
            if !p.ready {
                writeln!(
                    f,
                    "  To install: from https://huggingface.co/{} copy config.json, source.spm, \
                     target.spm, vocab.json and model.safetensors (or pytorch_model.bin, which \
                     is fine alone) into {}. Download the real files, not Git LFS pointers; \
                     check the model card for its licence.",
                    source_of(p.pair),
                    p.dir.display()
                )?;
            }
        }
        Ok(())
    }
}
