//! The [`Translator`] trait every engine implements, and what it returns.
//!
//! The trait is object-safe (futures are boxed) so a chain can hold `Arc<dyn Translator>` of
//! different engines. A call translates a batch: the outer `Result` is the call as a whole (the
//! engine timed out, answered 500, sent JSON we cannot read), the inner one each text (a reply
//! that is a refusal rather than a translation). The chain falls back on either.

use std::future::Future;
use std::pin::Pin;

use nb_text::Lang;

use crate::error::TranslateError;

/// A boxed, sendable future, as the trait returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What kind of text a result is: the UI labels each differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A machine translation.
    Translation,
    /// A word-by-word dictionary gloss: never to be shown as a translation.
    Gloss,
    /// The original text, unchanged (engine `none`, or nothing to translate).
    Original,
}

impl Kind {
    /// `translation`, `gloss` or `original`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Translation => "translation",
            Kind::Gloss => "gloss",
            Kind::Original => "original",
        }
    }

    /// The inverse of [`Kind::as_str`]; anything else reads as a translation.
    pub fn parse(s: &str) -> Kind {
        match s {
            "gloss" => Kind::Gloss,
            "original" => Kind::Original,
            _ => Kind::Translation,
        }
    }
}

/// One translated text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    pub text: String,
    /// The engine that produced it (`openai`, `gloss`, …).
    pub engine: String,
    pub kind: Kind,
}

/// The outcome for one text of a batch.
pub type Outcome = Result<Translated, TranslateError>;

/// A translation engine, or a chain of them.
pub trait Translator: Send + Sync {
    /// The engine's name, as results and metrics carry it.
    fn name(&self) -> &str;

    /// Whether this engine can translate `source` into `target` at all.
    fn supports(&self, source: Lang, target: Lang) -> bool;

    /// Translate `texts` from `source` to `target`. On success the vector has one outcome per
    /// text, in order.
    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        source: Lang,
        target: Lang,
    ) -> BoxFuture<'a, Result<Vec<Outcome>, TranslateError>>;
}
