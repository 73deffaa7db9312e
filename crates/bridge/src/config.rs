//! Configuration structs for `[translate]` (serde); turning them into a running
//! [`crate::Bridge`] is [`crate::Bridge::from_config`]. Reading files and the environment is
//! the CLI's job: `NOTEBRIDGE_TRANSLATE_ENGINES` (or `NOTEBRIDGE_TRANSLATE__ENGINES`) holds a
//! comma-separated list in order of preference, parsed by [`parse_engine_list`].
//!
//! Order of engines for a pair: the `engines` list when set (for every pair), else the pair's
//! entry in `pairs`, else [`DEFAULT_ENGINES`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use nb_text::Lang;
use serde::{Deserialize, Deserializer};

use crate::error::ConfigError;
use crate::lang;

/// The engines known by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EngineKind {
    None,
    /// The local neural model ([`crate::engines::local`]); skipped when no model is on disk.
    Local,
    OpenAi,
    LibreTranslate,
    Gloss,
}

/// Used when neither `engines` nor a pair entry says otherwise.
pub const DEFAULT_ENGINES: &[EngineKind] = &[EngineKind::Local, EngineKind::Gloss];

impl EngineKind {
    /// The name used in configuration, results and metrics.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::None => "none",
            EngineKind::Local => "local",
            EngineKind::OpenAi => "openai",
            EngineKind::LibreTranslate => "libretranslate",
            EngineKind::Gloss => "gloss",
        }
    }
}

impl FromStr for EngineKind {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "none" | "off" => EngineKind::None,
            "local" => EngineKind::Local,
            "openai" => EngineKind::OpenAi,
            "libretranslate" => EngineKind::LibreTranslate,
            "gloss" => EngineKind::Gloss,
            _ => return Err(ConfigError::UnknownEngine(s.trim().to_owned())),
        })
    }
}

/// Parse `"openai,gloss"` (spaces allowed, empty items ignored); a repeated engine is an error.
pub fn parse_engine_list(s: &str) -> Result<Vec<EngineKind>, ConfigError> {
    let mut out: Vec<EngineKind> = Vec::new();
    for item in s.split(',').filter(|i| !i.trim().is_empty()) {
        let kind: EngineKind = item.parse()?;
        if out.contains(&kind) {
            return Err(ConfigError::Duplicate(kind.name().to_owned()));
        }
        out.push(kind);
    }
    Ok(out)
}

/// An engine list, written either as `"openai,gloss"` or as `["openai", "gloss"]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EngineList(pub Vec<EngineKind>);

impl<'de> Deserialize<'de> for EngineList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Text(String),
            List(Vec<String>),
        }
        let text = match Repr::deserialize(d)? {
            Repr::Text(s) => s,
            Repr::List(v) => v.join(","),
        };
        parse_engine_list(&text).map(EngineList).map_err(serde::de::Error::custom)
    }
}

/// A secret (an API key): deserialised like a string, never printed.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret itself, to put into a request.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// `[translate.openai]`.
#[derive(Debug, Clone, Deserialize)]
pub struct OpenAiConfig {
    /// e.g. `http://127.0.0.1:8080/v1` or `https://api.openai.com`.
    pub base_url: String,
    pub model: String,
    #[serde(default)]
    pub api_key: Option<Secret>,
    #[serde(default)]
    pub temperature: Option<f32>,
    /// Per-call timeout; default [`REMOTE_TIMEOUT_MS`].
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// `[translate.libretranslate]`.
#[derive(Debug, Clone, Deserialize)]
pub struct LibreTranslateConfig {
    /// e.g. `http://127.0.0.1:5000`.
    pub base_url: String,
    #[serde(default)]
    pub api_key: Option<Secret>,
    /// Code for Simplified Chinese: `zh` (default, most self-hosted versions) or `zh-Hans`.
    #[serde(default = "default_zh_hans")]
    pub zh_hans_code: String,
    /// Code for Traditional Chinese: `zt` (default) or `zh-Hant`.
    #[serde(default = "default_zh_hant")]
    pub zh_hant_code: String,
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

fn default_zh_hans() -> String {
    "zh".into()
}

fn default_zh_hant() -> String {
    "zt".into()
}

/// Default per-call timeout of remote engines.
pub const REMOTE_TIMEOUT_MS: u64 = 8_000;
/// Default per-call timeout of in-process engines.
pub const LOCAL_TIMEOUT_MS: u64 = 2_000;
/// Default per-call timeout of the local neural engine: a batch of sentences on a CPU.
pub const LOCAL_MODEL_TIMEOUT_MS: u64 = 10_000;

/// `[translate.local]`: the local neural engine ([`crate::engines::local`]). Relative paths are
/// relative to the data directory.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct LocalConfig {
    /// The directory holding one model directory per pair, named `zh-en` and `en-zh`.
    pub models_dir: PathBuf,
    /// The zh→en model directory, instead of `models_dir/zh-en`.
    pub zh_en: Option<PathBuf>,
    /// The en→zh model directory, instead of `models_dir/en-zh`.
    pub en_zh: Option<PathBuf>,
    /// Per-call timeout; default [`LOCAL_MODEL_TIMEOUT_MS`].
    pub timeout_ms: Option<u64>,
    /// Longest sentence the model is given, in tokens; a longer one fails over to the next
    /// engine.
    pub max_input_tokens: usize,
    /// Translations running at once; each keeps a core busy, later calls wait their turn.
    pub max_concurrent: usize,
}

impl Default for LocalConfig {
    fn default() -> Self {
        LocalConfig {
            models_dir: PathBuf::from("models/translate"),
            zh_en: None,
            en_zh: None,
            timeout_ms: None,
            max_input_tokens: 200,
            max_concurrent: 1,
        }
    }
}

impl LocalConfig {
    /// The model directory of each pair the engine knows, `("zh-en", dir)` and
    /// `("en-zh", dir)`, resolved against `data_dir`.
    pub fn pair_dirs(&self, data_dir: &Path) -> [(&'static str, PathBuf); 2] {
        let models = data_dir.join(&self.models_dir);
        let pick = |set: &Option<PathBuf>, name: &str| match set {
            Some(p) => data_dir.join(p),
            None => models.join(name),
        };
        [("zh-en", pick(&self.zh_en, "zh-en")), ("en-zh", pick(&self.en_zh, "en-zh"))]
    }
}

/// One language pair's engines, e.g. `{ from = "zh", to = "en", engines = "openai,gloss" }`.
#[derive(Debug, Clone, Deserialize)]
pub struct PairConfig {
    pub from: String,
    pub to: String,
    pub engines: EngineList,
}

impl PairConfig {
    /// The pair's languages.
    pub fn langs(&self) -> Result<(Lang, Lang), ConfigError> {
        let parse = |s: &str| lang::parse(s).ok_or_else(|| ConfigError::UnknownLanguage(s.into()));
        Ok((parse(&self.from)?, parse(&self.to)?))
    }
}

/// The circuit breaker's settings.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct BreakerConfig {
    /// Consecutive failed calls that open the circuit.
    pub failures: u32,
    /// Seconds before a probe call is let through.
    pub cool_down_secs: u64,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig { failures: 5, cool_down_secs: 30 }
    }
}

/// `[translate]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TranslateConfig {
    /// Engines for every pair, in order (the environment list lands here).
    pub engines: Option<EngineList>,
    /// Engines per pair, used when `engines` is not set.
    pub pairs: Vec<PairConfig>,
    pub breaker: BreakerConfig,
    pub openai: Option<OpenAiConfig>,
    pub libretranslate: Option<LibreTranslateConfig>,
    pub local: LocalConfig,
}

impl TranslateConfig {
    /// The engines to try for `source` → `target`, in order.
    pub fn engines_for(&self, source: Lang, target: Lang) -> Result<Vec<EngineKind>, ConfigError> {
        if let Some(list) = &self.engines {
            return Ok(list.0.clone());
        }
        for pair in &self.pairs {
            if pair.langs()? == (source, target) {
                return Ok(pair.engines.0.clone());
            }
        }
        Ok(DEFAULT_ENGINES.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_pair_dirs_can_be_set() {
        let cfg: TranslateConfig = serde_json::from_value(serde_json::json!({
            "local": { "models_dir": "/opt/mt", "en_zh": "custom/en-zh", "max_input_tokens": 50 }
        }))
        .expect("a valid [translate.local] section");
        let [(zh, zh_dir), (en, en_dir)] = cfg.local.pair_dirs(Path::new("data"));
        assert_eq!((zh, zh_dir), ("zh-en", PathBuf::from("/opt/mt/zh-en")));
        assert_eq!((en, en_dir), ("en-zh", PathBuf::from("data/custom/en-zh")));
        assert_eq!((cfg.local.max_input_tokens, cfg.local.max_concurrent), (50, 1));
    }

    #[test]
    fn parses_engine_lists() {
        assert_eq!(
            parse_engine_list(" openai, gloss ,"),
            Ok(vec![EngineKind::OpenAi, EngineKind::Gloss])
        );
        assert_eq!(parse_engine_list(""), Ok(vec![]));
        assert_eq!(
            parse_engine_list("gloss,deepl"),
            Err(ConfigError::UnknownEngine("deepl".into()))
        );
        assert_eq!(parse_engine_list("gloss,gloss"), Err(ConfigError::Duplicate("gloss".into())));
    }

    #[test]
    fn deserialises_pairs_and_picks_engines() {
        let cfg: TranslateConfig = serde_json::from_value(serde_json::json!({
            "pairs": [
                { "from": "zh", "to": "en", "engines": "openai,gloss" },
                { "from": "en", "to": "zh-Hans", "engines": ["libretranslate", "none"] }
            ],
            "openai": { "base_url": "http://127.0.0.1:1/v1", "model": "m", "api_key": "sk-secret" },
            "breaker": { "failures": 2 }
        }))
        .expect("a valid [translate] section");
        assert_eq!(
            cfg.engines_for(Lang::ZhHans, Lang::En),
            Ok(vec![EngineKind::OpenAi, EngineKind::Gloss])
        );
        assert_eq!(
            cfg.engines_for(Lang::En, Lang::ZhHans),
            Ok(vec![EngineKind::LibreTranslate, EngineKind::None])
        );
        assert_eq!(cfg.engines_for(Lang::ZhHant, Lang::En), Ok(DEFAULT_ENGINES.to_vec()));
        assert_eq!(cfg.breaker.failures, 2);
        assert_eq!(cfg.breaker.cool_down_secs, 30);
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("sk-secret") && shown.contains("<redacted>"));

        let dirs = cfg.local.pair_dirs(Path::new("/srv/nb"));
        assert_eq!(dirs[0], ("zh-en", PathBuf::from("/srv/nb/models/translate/zh-en")));

        let env =
            TranslateConfig { engines: parse_engine_list("none").ok().map(EngineList), ..cfg };
        assert_eq!(env.engines_for(Lang::ZhHans, Lang::En), Ok(vec![EngineKind::None]));
    }
}
