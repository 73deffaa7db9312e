//! [`Bridge`]: the engine chain every caller uses.
//!
//! For each text: expand slang and protect entities ([`crate::protect`]), cut it into lines and
//! script runs ([`crate::mixed`]), and send the runs to translate through the engines in order.
//! An engine's answer for a text is accepted only when every piece came back with its
//! placeholders intact and the entities restore; otherwise the text falls to the next engine,
//! as it does when the whole call times out, fails, or the engine's circuit is open. One engine
//! serves each text whole, so its label (translation or gloss) is true for all of it.
//!
//! Concurrent requests for the same text, pair and engine share one engine call
//! ([`crate::flight`]).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use nb_text::Lang;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use crate::breaker::{Admit, Breaker};
use crate::config::{
    BreakerConfig, EngineKind, LOCAL_MODEL_TIMEOUT_MS, LOCAL_TIMEOUT_MS, REMOTE_TIMEOUT_MS,
    TranslateConfig,
};
use crate::engines::gloss::GlossEngine;
use crate::engines::libretranslate::LibreTranslateEngine;
use crate::engines::local::LocalEngine;
use crate::engines::none::NoneEngine;
use crate::engines::openai::OpenAiEngine;
use crate::error::{ConfigError, Rejection, TranslateError};
use crate::flight::{Claim, SingleFlight};
use crate::metrics;
use crate::mixed::Plan;
use crate::protect::{Protected, protect_for, same_placeholders};
use crate::slang::Glossary;
use crate::translator::{BoxFuture, Kind, Outcome, Translated, Translator};

/// An engine with its timeout and circuit breaker.
struct Slot {
    engine: Arc<dyn Translator>,
    timeout: Duration,
    breaker: Breaker,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FlightKey {
    content: [u8; 32],
    source: Lang,
    target: Lang,
    engine: usize,
}

/// The translation chain. Cheap to share behind an `Arc`.
pub struct Bridge {
    slots: Vec<Slot>,
    /// Engine order per pair; pairs not listed use every slot in order.
    pairs: HashMap<(Lang, Lang), Vec<usize>>,
    glossary: Glossary,
    flights: SingleFlight<FlightKey, Outcome>,
}

/// Builds a [`Bridge`] from engines (for tests and embedders); [`Bridge::from_config`] builds
/// one from configuration.
pub struct BridgeBuilder {
    slots: Vec<Slot>,
    pairs: HashMap<(Lang, Lang), Vec<String>>,
    breaker: BreakerConfig,
    glossary: Glossary,
}

impl BridgeBuilder {
    /// Add an engine, tried after those added before it.
    pub fn engine(mut self, engine: Arc<dyn Translator>, timeout: Duration) -> Self {
        let breaker =
            Breaker::new(self.breaker.failures, Duration::from_secs(self.breaker.cool_down_secs));
        self.slots.push(Slot { engine, timeout, breaker });
        self
    }

    /// Breaker settings for the engines added after this call.
    pub fn breaker(mut self, config: BreakerConfig) -> Self {
        self.breaker = config;
        self
    }

    /// Use only these engines, in this order, for `source` → `target`.
    pub fn pair(mut self, source: Lang, target: Lang, engines: &[&str]) -> Self {
        self.pairs.insert((source, target), engines.iter().map(|s| (*s).to_owned()).collect());
        self
    }

    /// Replace the built-in slang glossary.
    pub fn glossary(mut self, glossary: Glossary) -> Self {
        self.glossary = glossary;
        self
    }

    /// The bridge. Engine names in pair orders that match no engine are ignored.
    pub fn build(self) -> Bridge {
        let pairs = self
            .pairs
            .into_iter()
            .map(|(pair, names)| {
                let order = names
                    .iter()
                    .filter_map(|n| self.slots.iter().position(|s| s.engine.name() == n))
                    .collect();
                (pair, order)
            })
            .collect();
        Bridge { slots: self.slots, pairs, glossary: self.glossary, flights: SingleFlight::new() }
    }
}

impl Bridge {
    /// Start building a bridge.
    pub fn builder() -> BridgeBuilder {
        BridgeBuilder {
            slots: Vec::new(),
            pairs: HashMap::new(),
            breaker: BreakerConfig::default(),
            glossary: Glossary::builtin().clone(),
        }
    }

    /// A bridge for the `[translate]` section, for the zh-Hans/zh-Hant/en pairs. Model files
    /// of the `local` engine are looked for under `data_dir` (see [`crate::LocalConfig`]);
    /// `local` is left out of a pair, with a log line, when no model for it loaded. A remote
    /// engine without its settings is an error. Loading a model reads its files (hundreds of
    /// megabytes) synchronously: build the bridge before serving, or on a blocking thread.
    pub fn from_config(
        config: &TranslateConfig,
        data_dir: &Path,
        client: reqwest::Client,
    ) -> Result<Bridge, ConfigError> {
        let langs = [Lang::ZhHans, Lang::ZhHant, Lang::En];
        let mut orders = Vec::new();
        let mut wanted: Vec<EngineKind> = Vec::new();
        for &s in &langs {
            for &t in &langs {
                if s == t {
                    continue;
                }
                let order = config.engines_for(s, t)?;
                for k in &order {
                    if !wanted.contains(k) {
                        wanted.push(*k);
                    }
                }
                orders.push((s, t, order));
            }
        }
        // Loading reads hundreds of megabytes: only when some pair lists `local`.
        let local = wanted
            .contains(&EngineKind::Local)
            .then(|| LocalEngine::load(&config.local, data_dir))
            .filter(|e| !e.is_empty());
        if wanted.contains(&EngineKind::Local) && local.is_none() {
            tracing::info!("translation engine `local` has no model; skipped");
        }
        let local: Option<Arc<LocalEngine>> = local.map(Arc::new);

        let mut b = Bridge::builder().breaker(config.breaker);
        for kind in wanted {
            let ms = |t: Option<u64>| Duration::from_millis(t.unwrap_or(REMOTE_TIMEOUT_MS));
            let in_process = Duration::from_millis(LOCAL_TIMEOUT_MS);
            b = match kind {
                EngineKind::None => b.engine(Arc::new(NoneEngine), in_process),
                EngineKind::Gloss => b.engine(Arc::new(GlossEngine), in_process),
                EngineKind::OpenAi => {
                    let c = config.openai.as_ref().ok_or(ConfigError::MissingSettings("openai"))?;
                    b.engine(Arc::new(OpenAiEngine::new(client.clone(), c)), ms(c.timeout_ms))
                }
                EngineKind::LibreTranslate => {
                    let c = config
                        .libretranslate
                        .as_ref()
                        .ok_or(ConfigError::MissingSettings("libretranslate"))?;
                    b.engine(
                        Arc::new(LibreTranslateEngine::new(client.clone(), c)),
                        ms(c.timeout_ms),
                    )
                }
                EngineKind::Local => match &local {
                    Some(engine) => {
                        let t = config.local.timeout_ms.unwrap_or(LOCAL_MODEL_TIMEOUT_MS);
                        b.engine(
                            Arc::clone(engine) as Arc<dyn Translator>,
                            Duration::from_millis(t),
                        )
                    }
                    None => b,
                },
            };
        }
        for (s, t, order) in orders {
            // A pair the local engine has no model for does not list it.
            let names: Vec<&str> = order
                .iter()
                .filter(|k| {
                    **k != EngineKind::Local || local.as_ref().is_some_and(|l| l.supports(s, t))
                })
                .map(|k| k.name())
                .collect();
            b = b.pair(s, t, &names);
        }
        Ok(b.build())
    }

    /// The names of the engines tried for `source` → `target`, in order.
    pub fn engines_for(&self, source: Lang, target: Lang) -> Vec<&str> {
        self.order(source, target).into_iter().map(|i| self.slots[i].engine.name()).collect()
    }

    fn order(&self, source: Lang, target: Lang) -> Vec<usize> {
        match self.pairs.get(&(source, target)) {
            Some(order) => order.clone(),
            None => (0..self.slots.len()).collect(),
        }
    }

    /// Translate each text; one outcome per text, in order.
    pub async fn translate_each(
        &self,
        texts: &[String],
        source: Lang,
        target: Lang,
    ) -> Vec<Outcome> {
        let mut results: Vec<Option<Outcome>> = vec![None; texts.len()];
        let mut prepared = Vec::with_capacity(texts.len());
        let mut pending = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let protected = protect_for(text, &self.glossary, target);
            let plan = Plan::new(protected.text(), source);
            if source == target || plan.pieces().is_empty() {
                results[i] = Some(untranslated(text, &protected, &plan, target));
            } else {
                pending.push(i);
            }
            prepared.push(Prepared { content: digest(text), protected, plan });
        }

        let mut last_err: HashMap<usize, TranslateError> = HashMap::new();
        for slot_ix in self.order(source, target) {
            if pending.is_empty() {
                break;
            }
            let slot = &self.slots[slot_ix];
            let name = slot.engine.name();
            if !slot.engine.supports(source, target) {
                let e = TranslateError::Unsupported {
                    engine: name.into(),
                    from: source.tag(),
                    to: target.tag(),
                };
                pending.iter().for_each(|&i| {
                    last_err.insert(i, e.clone());
                });
                continue;
            }
            let outcomes = self.run_slot(slot_ix, &prepared, &pending, source, target).await;
            let mut still = Vec::new();
            for (i, outcome) in pending.iter().copied().zip(outcomes) {
                match outcome {
                    Ok(t) => results[i] = Some(Ok(t)),
                    Err(e) => {
                        tracing::debug!(engine = name, error = %e, "falling back");
                        last_err.insert(i, e);
                        still.push(i);
                    }
                }
            }
            pending = still;
        }
        for i in pending {
            let e = last_err
                .remove(&i)
                .unwrap_or(TranslateError::NoEngine { from: source.tag(), to: target.tag() });
            results[i] = Some(Err(e));
        }
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or(Err(TranslateError::NoEngine { from: source.tag(), to: target.tag() }))
            })
            .collect()
    }

    /// One engine's turn for the `pending` texts: lead the calls nobody else is making, follow
    /// the rest.
    async fn run_slot(
        &self,
        slot_ix: usize,
        prepared: &[Prepared],
        pending: &[usize],
        source: Lang,
        target: Lang,
    ) -> Vec<Outcome> {
        let slot = &self.slots[slot_ix];
        let name = slot.engine.name();
        let admit = slot.breaker.admit();
        if admit == Admit::No {
            metrics::failure(name, "circuit_open", pending.len() as u64);
            return pending
                .iter()
                .map(|_| Err(TranslateError::CircuitOpen { engine: name.into() }))
                .collect();
        }

        let mut leaders = Vec::new();
        let mut roles = Vec::with_capacity(pending.len());
        for &i in pending {
            let key = FlightKey { content: prepared[i].content, source, target, engine: slot_ix };
            match self.flights.claim(key) {
                Claim::Lead(l) => {
                    roles.push(None);
                    leaders.push((i, l));
                }
                Claim::Follow(f) => roles.push(Some(f)),
            }
        }

        let mut led: HashMap<usize, Outcome> = HashMap::new();
        if !leaders.is_empty() {
            let idx: Vec<usize> = leaders.iter().map(|(i, _)| *i).collect();
            let outcomes = self.call(slot, prepared, &idx, source, target).await;
            for ((i, leader), outcome) in leaders.into_iter().zip(outcomes) {
                leader.finish(outcome.clone());
                led.insert(i, outcome);
            }
        } else if admit == Admit::Probe {
            // Nothing of ours was sent: let the next caller probe.
            slot.breaker.failure();
        }

        let followers = roles.iter().filter(|r| r.is_some()).count() as u64;
        if followers > 0 {
            metrics::shared(name, followers);
        }
        let mut out = Vec::with_capacity(pending.len());
        for (&i, role) in pending.iter().zip(roles) {
            out.push(match role {
                None => led.remove(&i).unwrap_or_else(|| abandoned(name)),
                Some(f) => f.wait().await.unwrap_or_else(|| abandoned(name)),
            });
        }
        out
    }

    /// Send the pieces of texts `idx` to the engine in one call and check what comes back.
    async fn call(
        &self,
        slot: &Slot,
        prepared: &[Prepared],
        idx: &[usize],
        source: Lang,
        target: Lang,
    ) -> Vec<Outcome> {
        let name = slot.engine.name();
        let mut pieces: Vec<String> = Vec::new();
        let mut ranges = Vec::with_capacity(idx.len());
        for &i in idx {
            let start = pieces.len();
            pieces.extend(prepared[i].plan.pieces().into_iter().map(str::to_owned));
            ranges.push(start..pieces.len());
        }

        let started = Instant::now();
        let reply =
            tokio::time::timeout(slot.timeout, slot.engine.translate(&pieces, source, target))
                .await;
        metrics::call(name, started.elapsed());
        let reply = match reply {
            Err(_) => Err(TranslateError::Timeout {
                engine: name.into(),
                timeout_ms: u64::try_from(slot.timeout.as_millis()).unwrap_or(u64::MAX),
            }),
            Ok(Ok(v)) if v.len() != pieces.len() => Err(TranslateError::Malformed {
                engine: name.into(),
                reason: Rejection::Count { sent: pieces.len(), got: v.len() }.to_string(),
            }),
            Ok(r) => r,
        };
        let per_piece = match reply {
            Ok(v) => {
                slot.breaker.success();
                v
            }
            Err(e) => {
                slot.breaker.failure();
                metrics::failure(name, e.kind(), 1);
                return idx.iter().map(|_| Err(e.clone())).collect();
            }
        };

        idx.iter()
            .zip(ranges)
            .map(|(&i, range)| {
                let outcome = finish_text(
                    &prepared[i],
                    &pieces[range.clone()],
                    &per_piece[range],
                    name,
                    target,
                );
                if let Err(e) = &outcome {
                    metrics::failure(name, e.kind(), 1);
                }
                outcome
            })
            .collect()
    }
}

impl Translator for Bridge {
    fn name(&self) -> &str {
        "bridge"
    }

    fn supports(&self, source: Lang, target: Lang) -> bool {
        self.order(source, target).iter().any(|&i| self.slots[i].engine.supports(source, target))
    }

    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        source: Lang,
        target: Lang,
    ) -> BoxFuture<'a, Result<Vec<Outcome>, TranslateError>> {
        Box::pin(async move { Ok(self.translate_each(texts, source, target).await) })
    }
}

struct Prepared {
    content: [u8; 32],
    protected: Protected,
    plan: Plan,
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn abandoned(engine: &str) -> Outcome {
    Err(TranslateError::Unavailable {
        engine: engine.into(),
        reason: "shared call abandoned".into(),
    })
}

/// A text with nothing to translate: the original, or its slang expanded (labelled a gloss).
fn untranslated(text: &str, protected: &Protected, plan: &Plan, target: Lang) -> Outcome {
    let assembled = plan.assemble(&[], target);
    match protected.restore(&assembled) {
        Ok(t) if t != text => {
            Ok(Translated { text: t, engine: "glossary".into(), kind: Kind::Gloss })
        }
        _ => Ok(Translated { text: text.to_owned(), engine: "none".into(), kind: Kind::Original }),
    }
}

/// Accept one text's pieces from an engine, or reject the text.
fn finish_text(
    prepared: &Prepared,
    sent: &[String],
    got: &[Outcome],
    engine: &str,
    target: Lang,
) -> Outcome {
    let rejected =
        || TranslateError::Rejected { engine: engine.into(), reason: Rejection::Placeholders };
    let mut texts = Vec::with_capacity(got.len());
    let mut kind = Kind::Translation;
    for (piece, outcome) in sent.iter().zip(got) {
        let t = outcome.as_ref().map_err(Clone::clone)?;
        if !same_placeholders(piece, &t.text) {
            return Err(rejected());
        }
        kind = t.kind;
        texts.push(t.text.clone());
    }
    let assembled = prepared.plan.assemble(&texts, target);
    let text = prepared.protected.restore(&assembled).map_err(|_| rejected())?;
    Ok(Translated { text, engine: engine.into(), kind })
}
