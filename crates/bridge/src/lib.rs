//! The language bridge: translation of notes and comments between Chinese and English.
//!
//! - [`Translator`]: the trait every engine implements — a batch of texts in, one outcome per
//!   text out, each labelled with the engine and whether it is a translation or a gloss.
//! - [`Bridge`]: the chain callers use. It protects entities ([`protect`]), expands slang
//!   ([`slang`]), translates mixed text per script run ([`mixed`]), and tries engines in order
//!   with a timeout and a circuit breaker each ([`breaker`]), sharing concurrent identical
//!   calls ([`flight`]).
//! - [`engines`]: `local` (an OPUS-MT model on the CPU), `openai`, `libretranslate`, `gloss`
//!   (offline, CC-CEDICT) and `none`.
//! - [`config`]: the `[translate]` settings; [`metrics`]: the series recorded.
//!
//! Not here: the database cache and HTTP endpoints. The crate uses
//! only `nb-text` of ours, so the server, the simulator and tests call it the same way.

pub mod breaker;
pub mod chain;
pub mod config;
pub mod engines;
pub mod error;
pub mod eval;
pub mod flight;
pub mod lang;
pub mod metrics;
pub mod mixed;
pub mod protect;
pub mod slang;
pub mod translator;

pub use chain::{Bridge, BridgeBuilder};
pub use config::{EngineKind, LocalConfig, TranslateConfig, parse_engine_list};
pub use error::{ConfigError, Rejection, TranslateError};
pub use slang::Glossary;
pub use translator::{BoxFuture, Kind, Outcome, Translated, Translator};
