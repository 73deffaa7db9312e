//! The one error type of the crate. Every variant names the engine so a log line or a fallback
//! record says who failed; none carries a secret (API keys never reach an error).

use thiserror::Error;

/// Why a reply was not accepted as a translation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Rejection {
    #[error("the reply is empty")]
    Empty,
    #[error("the reply is a refusal")]
    Refusal,
    #[error("the reply repeats the instructions")]
    EchoedPrompt,
    #[error("the reply has {reply} characters for an input of {input}")]
    TooLong { input: usize, reply: usize },
    #[error("protected entities were lost or repeated")]
    Placeholders,
    #[error("the engine answered {got} texts for {sent}")]
    Count { sent: usize, got: usize },
}

/// What can go wrong when translating.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TranslateError {
    #[error("{engine}: no reply within {timeout_ms} ms")]
    Timeout { engine: String, timeout_ms: u64 },
    #[error("{engine}: unavailable: {reason}")]
    Unavailable { engine: String, reason: String },
    #[error("{engine}: malformed reply: {reason}")]
    Malformed { engine: String, reason: String },
    #[error("{engine}: reply rejected: {reason}")]
    Rejected { engine: String, reason: Rejection },
    #[error("{engine} does not translate {from} to {to}")]
    Unsupported { engine: String, from: &'static str, to: &'static str },
    #[error("{engine}: circuit open after repeated failures")]
    CircuitOpen { engine: String },
    #[error("no engine is configured for {from} to {to}")]
    NoEngine { from: &'static str, to: &'static str },
}

impl TranslateError {
    /// The engine the error is about, if any.
    pub fn engine(&self) -> Option<&str> {
        match self {
            TranslateError::Timeout { engine, .. }
            | TranslateError::Unavailable { engine, .. }
            | TranslateError::Malformed { engine, .. }
            | TranslateError::Rejected { engine, .. }
            | TranslateError::Unsupported { engine, .. }
            | TranslateError::CircuitOpen { engine } => Some(engine),
            TranslateError::NoEngine { .. } => None,
        }
    }

    /// A short, stable label for metrics (`timeout`, `rejected`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            TranslateError::Timeout { .. } => "timeout",
            TranslateError::Unavailable { .. } => "unavailable",
            TranslateError::Malformed { .. } => "malformed",
            TranslateError::Rejected { .. } => "rejected",
            TranslateError::Unsupported { .. } => "unsupported",
            TranslateError::CircuitOpen { .. } => "circuit_open",
            TranslateError::NoEngine { .. } => "no_engine",
        }
    }
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("unknown translation engine {0:?} (known: none, local, openai, libretranslate, gloss)")]
    UnknownEngine(String),
    #[error("engine {0} is listed twice")]
    Duplicate(String),
    #[error("unknown language {0:?} (use zh-Hans, zh-Hant or en)")]
    UnknownLanguage(String),
    #[error("engine {0} needs its [translate.{0}] settings")]
    MissingSettings(&'static str),
    #[error("invalid setting {0}: {1}")]
    Invalid(&'static str, String),
}
