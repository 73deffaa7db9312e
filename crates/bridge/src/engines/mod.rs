//! The engines: [`none`], [`gloss`] and [`local`] (offline), [`openai`] and [`libretranslate`]
//! (remote).

pub mod gloss;
pub mod libretranslate;
pub mod local;
pub mod none;
pub mod openai;
pub mod reply;

use serde::de::DeserializeOwned;

use crate::error::TranslateError;

/// Send `req` and read a successful JSON reply of type `R`; `what` names the reply expected,
/// for the error when the body is something else.
pub(crate) async fn fetch_json<R: DeserializeOwned>(
    engine: &str,
    req: reqwest::RequestBuilder,
    what: &str,
) -> Result<R, TranslateError> {
    let resp = req.send().await.map_err(|e| http_error(engine, &e))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(status_error(engine, status));
    }
    let bytes = resp.bytes().await.map_err(|e| http_error(engine, &e))?;
    serde_json::from_slice(&bytes).map_err(|e| TranslateError::Malformed {
        engine: engine.into(),
        reason: format!("not {what}: {e}"),
    })
}

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
