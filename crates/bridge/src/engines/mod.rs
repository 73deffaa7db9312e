//! The engines: [`none`], [`gloss`] (offline), [`openai`] and [`libretranslate`] (remote).
//! The `local` neural engine is not part of this crate yet.

pub mod gloss;
pub mod libretranslate;
pub mod none;
pub mod openai;
pub mod reply;

use crate::error::TranslateError;

/// A transport error, without the URL (it may carry a key in its query).
pub(crate) fn http_error(engine: &str, e: &reqwest::Error) -> TranslateError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "broken reply body"
    } else {
        "request failed"
    };
    TranslateError::Unavailable { engine: engine.into(), reason: what.into() }
}

/// A non-success HTTP status.
pub(crate) fn status_error(engine: &str, status: reqwest::StatusCode) -> TranslateError {
    TranslateError::Unavailable { engine: engine.into(), reason: format!("HTTP {status}") }
}
