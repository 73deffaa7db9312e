//! Engine `local`: a Marian (OPUS-MT) model run on the CPU in pure Rust with candle.
//!
//! Each pair has a directory as published on Hugging Face: `config.json`, the weights
//! (`model.safetensors`, or the zip-format `pytorch_model.bin`), `source.spm`, `target.spm` and
//! `vocab.json`. By default they are `DATA/models/translate/zh-en` (Helsinki-NLP/opus-mt-zh-en)
//! and `DATA/models/translate/en-zh` (Helsinki-NLP/opus-mt-en-zh); `[translate.local]`
//! ([`LocalConfig`]) moves them. A pair whose directory is missing or broken is skipped, with a
//! log line saying why; [`LocalEngine::supports`] is true only for pairs that loaded.
//!
//! Text goes through [`split`] (sentences, placeholders kept out), [`tokenizer`]
//! ([`spm`] segmentation, ids from `vocab.json`), [`model`] (greedy decoding, at most twice the
//! input's length plus 16 tokens), and back. Sentences longer than
//! [`LocalConfig::max_input_tokens`] are refused, so the chain falls back. Sentences are decoded
//! one at a time, not batched: candle's Marian encoder takes no attention mask, so padding a
//! batch would change the results. Generation runs on tokio's blocking pool, never on the async
//! runtime; a semaphore lets [`LocalConfig::max_concurrent`] translations run at once, and a
//! call the chain gave up on (timeout) stops at its next token. Texts of a batch not started
//! within 80 % of the timeout fail on their own, so a large batch (a page of notes) keeps what
//! was translated and only the rest falls back.
//!
//! Speed (see `examples/local_speed.rs`): a real-size model (d_model 512, 6+6 layers,
//! vocabulary 65,001) generated 19–24 tokens/s on the project's 2-core machine under load,
//! so a 20-token sentence takes about a second. The output layer over the whole vocabulary
//! alone took 16–21 ms of the ~40 ms per token; candle also recomputes the cross-attention keys
//! and values of the source at every step.
//!
//! zh-Hant input is converted to zh-Hans first. en→zh models that need a target-language token
//! get `>>cmn_Hans<<` or `>>cmn_Hant<<`; en→zh-Hant is offered only when the vocabulary has the
//! latter.
//!
//! # Doctor
//!
//! [`doctor::doctor`] examines the directories and returns a [`doctor::Report`] whose `Display`
//! is the text for `notebridge bridge doctor`:
//!
//! ```no_run
//! # use std::path::Path;
//! # use nb_bridge::config::LocalConfig;
//! // `[translate.local]` of the configuration, and the data directory (`--data`).
//! let config = LocalConfig::default();
//! let report = nb_bridge::engines::local::doctor::doctor(&config, Path::new("./data"));
//! print!("{report}");
//! if !report.all_ready() { /* exit status 1, say */ }
//! ```
//!
//! The report lists, per pair, the directory, each file (present, missing, or why it does not
//! read), whether the weights load, a sample translation with its time, and for pairs that are
//! not ready where to get the model and which files to copy.
//!
//! Why candle: it is pure Rust (no C++ or cmake, unlike bindings to Marian, CTranslate2 or
//! ONNX Runtime), reads both weight formats, and has the Marian architecture already; with no
//! default features it brings no GPU code.

pub mod charsmap;
pub mod doctor;
pub mod model;
pub mod proto;
pub mod pth;
pub mod split;
pub mod spm;
pub mod tiny;
pub mod tokenizer;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nb_text::{Lang, to_simplified};
use thiserror::Error;
use tokio::sync::Semaphore;

use crate::config::{LOCAL_MODEL_TIMEOUT_MS, LocalConfig};
use crate::error::{Rejection, TranslateError};
use crate::translator::{BoxFuture, Kind, Outcome, Translated, Translator};

use model::{ConfigFile, Marian, ModelError, weights_file};
use tokenizer::{MarianTokenizer, TokenizerError};

const NAME: &str = "local";

/// Why a pair's model directory cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LoadError {
    #[error("{0}: missing")]
    Missing(String),
    #[error("{file}: {reason}")]
    Read { file: String, reason: String },
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Tokenizer(#[from] TokenizerError),
}

/// One pair's model and tokenizer.
#[derive(Debug)]
pub struct PairModel {
    pub tokenizer: MarianTokenizer,
    pub model: Marian,
}

fn read(dir: &Path, file: &str) -> Result<Vec<u8>, LoadError> {
    let path = dir.join(file);
    if !path.is_file() {
        return Err(LoadError::Missing(file.into()));
    }
    std::fs::read(&path).map_err(|e| LoadError::Read { file: file.into(), reason: e.to_string() })
}

impl PairModel {
    /// Load a model directory.
    pub fn load(dir: &Path) -> Result<PairModel, LoadError> {
        let config = ConfigFile::parse(&read(dir, "config.json")?)?;
        let tokenizer = MarianTokenizer::new(
            &read(dir, "source.spm")?,
            &read(dir, "target.spm")?,
            &read(dir, "vocab.json")?,
            config.vocab_size,
            config.eos_token_id,
            config.pad_token_id,
        )?;
        let weights = weights_file(dir)
            .ok_or_else(|| LoadError::Missing("model.safetensors or pytorch_model.bin".into()))?;
        let model = Marian::load(config, &weights)?;
        Ok(PairModel { tokenizer, model })
    }

    /// Translate one sentence: its ids in, generated ids out. `lang` is the target-language
    /// token, if the model wants one.
    pub fn generate(
        &self,
        sentence: &str,
        lang: Option<u32>,
        max_input: usize,
        cancel: &AtomicBool,
    ) -> Result<Vec<u32>, TranslateError> {
        let ids = self.tokenizer.encode(sentence, lang);
        let limit = max_input.min(self.model.max_positions());
        if ids.len() > limit {
            return Err(TranslateError::Unavailable {
                engine: NAME.into(),
                reason: format!("a sentence of {} tokens is over the limit of {limit}", ids.len()),
            });
        }
        let max_new = 2 * ids.len() + 16;
        self.model
            .generate(&ids, max_new, cancel)
            .map_err(|e| TranslateError::Unavailable { engine: NAME.into(), reason: e.to_string() })
    }

    /// Translate one piece of text (sentences and placeholders, see [`split`]).
    pub fn translate_text(
        &self,
        text: &str,
        lang: Option<u32>,
        target: Lang,
        max_input: usize,
        cancel: &AtomicBool,
    ) -> Outcome {
        let spans = split::spans(text);
        let mut out = Vec::new();
        for span in &spans {
            if let split::Span::Translate(s) = span {
                let ids = self.generate(s, lang, max_input, cancel)?;
                out.push(self.tokenizer.decode(&ids));
            }
        }
        if out.iter().any(String::is_empty) {
            return Err(TranslateError::Rejected { engine: NAME.into(), reason: Rejection::Empty });
        }
        let text = split::assemble(&spans, &out, target);
        Ok(Translated { text, engine: NAME.into(), kind: Kind::Translation })
    }
}

struct Loaded {
    model: Arc<PairModel>,
    /// The target-language token for each target this model serves.
    targets: HashMap<Lang, Option<u32>>,
}

/// See the module docs.
pub struct LocalEngine {
    /// By source family (`zh` or `en`).
    zh_en: Option<Loaded>,
    en_zh: Option<Loaded>,
    max_input: usize,
    /// Texts not started within this time of the call fail (over to the next engine), so a
    /// large batch returns what it translated before the chain's timeout would discard it all.
    budget: Duration,
    slots: Arc<Semaphore>,
}

impl LocalEngine {
    /// Load the pairs of `config` under `data_dir`. Pairs that do not load are logged and
    /// left out; the engine may end up with none ([`LocalEngine::is_empty`]).
    pub fn load(config: &LocalConfig, data_dir: &Path) -> LocalEngine {
        let mut engine = LocalEngine {
            zh_en: None,
            en_zh: None,
            max_input: config.max_input_tokens.max(1),
            budget: Duration::from_millis(
                config.timeout_ms.unwrap_or(LOCAL_MODEL_TIMEOUT_MS).saturating_mul(4) / 5,
            ),
            slots: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
        };
        for (pair, dir) in config.pair_dirs(data_dir) {
            if !dir.is_dir() {
                tracing::info!(pair, dir = %dir.display(), "no local translation model; pair skipped");
                continue;
            }
            let model = match PairModel::load(&dir) {
                Ok(m) => Arc::new(m),
                Err(e) => {
                    tracing::warn!(pair, dir = %dir.display(), error = %e, "local translation model not loaded; pair skipped (see `notebridge bridge doctor`)");
                    continue;
                }
            };
            let vocab = model.tokenizer.vocab();
            if pair == "zh-en" {
                let targets = [(Lang::En, None)].into();
                engine.zh_en = Some(Loaded { model, targets });
            } else {
                let hans = vocab.id(">>cmn_Hans<<");
                let hant = vocab.id(">>cmn_Hant<<");
                let mut targets: HashMap<Lang, Option<u32>> = [(Lang::ZhHans, hans)].into();
                // Without a Traditional token the model would answer in Simplified.
                if let Some(hant) = hant {
                    targets.insert(Lang::ZhHant, Some(hant));
                }
                engine.en_zh = Some(Loaded { model, targets });
            }
            tracing::info!(pair, dir = %dir.display(), "local translation model loaded");
        }
        engine
    }

    /// Whether no pair loaded.
    pub fn is_empty(&self) -> bool {
        self.zh_en.is_none() && self.en_zh.is_none()
    }

    fn pick(&self, source: Lang, target: Lang) -> Option<(Arc<PairModel>, Option<u32>)> {
        let loaded = match source {
            Lang::ZhHans | Lang::ZhHant => self.zh_en.as_ref()?,
            Lang::En => self.en_zh.as_ref()?,
            _ => return None,
        };
        let lang = loaded.targets.get(&target)?;
        Some((Arc::clone(&loaded.model), *lang))
    }
}

/// Set when the call's future is dropped (the chain timed out): generation stops.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Translator for LocalEngine {
    fn name(&self) -> &str {
        NAME
    }

    fn supports(&self, source: Lang, target: Lang) -> bool {
        self.pick(source, target).is_some()
    }

    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        source: Lang,
        target: Lang,
    ) -> BoxFuture<'a, Result<Vec<Outcome>, TranslateError>> {
        let started = Instant::now();
        Box::pin(async move {
            let (model, lang) = self.pick(source, target).ok_or(TranslateError::Unsupported {
                engine: NAME.into(),
                from: source.tag(),
                to: target.tag(),
            })?;
            let unavailable =
                |reason: String| TranslateError::Unavailable { engine: NAME.into(), reason };
            let permit = Arc::clone(&self.slots)
                .acquire_owned()
                .await
                .map_err(|_| unavailable("engine shut down".into()))?;
            let cancel = CancelOnDrop(Arc::new(AtomicBool::new(false)));
            let flag = Arc::clone(&cancel.0);
            let texts: Vec<String> = if source == Lang::ZhHant {
                texts.iter().map(|t| to_simplified(t)).collect()
            } else {
                texts.to_vec()
            };
            let (max_input, budget) = (self.max_input, self.budget);
            let job = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                texts
                    .iter()
                    .map(|t| {
                        if started.elapsed() > budget {
                            return Err(TranslateError::Unavailable {
                                engine: NAME.into(),
                                reason: "time budget of the call spent".into(),
                            });
                        }
                        model.translate_text(t, lang, target, max_input, &flag)
                    })
                    .collect::<Vec<Outcome>>()
            });
            let out = job.await.map_err(|e| unavailable(format!("generation task failed: {e}")))?;
            drop(cancel);
            Ok(out)
        })
    }
}
