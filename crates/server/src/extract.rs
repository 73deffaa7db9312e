//! Extractors that reject bad input before a handler runs, always with an [`ApiError`]:
//! request bodies (JSON or forms, bounded, valid UTF-8), query strings with `key[]` arrays,
//! bearer tokens with scope checks, and the base URL links are built from.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use nb_app::auth::Principal;
use nb_app::{AccountRow, auth};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// Parameters from the body: JSON, or a urlencoded form (Mastodon clients send both, forms
/// with repeated `key[]` for arrays). An empty body falls back to the query string.
pub struct Input<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Input<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        read_input(req, state, false).await.map(|(fields, _)| Input(fields))
    }
}

/// A file field of a multipart form.
pub struct UploadedFile {
    pub field: String,
    pub bytes: Vec<u8>,
}

/// [`Input`] that also takes files from a multipart form (profile pictures). The route sets a
/// body limit that fits them.
pub struct InputWithFiles<T> {
    pub fields: T,
    pub files: Vec<UploadedFile>,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for InputWithFiles<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        read_input(req, state, true).await.map(|(fields, files)| InputWithFiles { fields, files })
    }
}

async fn read_input<S: Send + Sync, T: DeserializeOwned>(
    req: Request,
    state: &S,
    accept_files: bool,
) -> Result<(T, Vec<UploadedFile>), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let query = req.uri().query().unwrap_or("").to_owned();
    if content_type.starts_with("multipart/form-data") {
        return parse_multipart(req, state, accept_files).await;
    }
    let bytes = Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "The request body is too large")
        } else {
            ApiError::bad_request(format!("Could not read the request body: {e}"))
        }
    })?;
    if bytes.is_empty() {
        return parse_form(query.as_bytes()).map(|f| (f, Vec::new()));
    }
    if content_type.starts_with("application/json") || content_type.ends_with("+json") {
        parse_json(&bytes).map(|f| (f, Vec::new()))
    } else if content_type.is_empty()
        || content_type.starts_with("application/x-www-form-urlencoded")
    {
        parse_form(&bytes).map(|f| (f, Vec::new()))
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Unsupported content type {content_type:?}: send JSON or a urlencoded form"),
        ))
    }
}

/// Text fields of a multipart form (some clients, Tusky among them, send every form this way).
/// Repeated `key[]` fields become arrays. Files only where `accept_files`.
async fn parse_multipart<S: Send + Sync, T: DeserializeOwned>(
    req: Request,
    state: &S,
    accept_files: bool,
) -> Result<(T, Vec<UploadedFile>), ApiError> {
    let mut files = Vec::new();
    let mut form = axum::extract::Multipart::from_request(req, state).await.map_err(|e| {
        ApiError::bad_request(format!("Could not read the form: {}", e.body_text()))
    })?;
    let mut fields = serde_json::Map::new();
    while let Some(field) = form.next_field().await.map_err(|e| {
        ApiError::new(e.status(), format!("Could not read the form: {}", e.body_text()))
    })? {
        let name = field.name().unwrap_or_default().to_owned();
        if field.file_name().is_some() {
            if !accept_files {
                return Err(ApiError::unprocessable(format!(
                    "Validation failed: {name}: file uploads are not supported on this endpoint"
                )));
            }
            let bytes = field.bytes().await.map_err(|e| {
                ApiError::new(e.status(), format!("Could not read the upload: {}", e.body_text()))
            })?;
            files.push(UploadedFile { field: name, bytes: bytes.to_vec() });
            continue;
        }
        let text = field.text().await.map_err(|e| {
            ApiError::bad_request(format!("Could not read the form: {}", e.body_text()))
        })?;
        match fields.get_mut(&name) {
            Some(serde_json::Value::Array(list)) => list.push(text.into()),
            _ if name.ends_with("[]") => {
                fields.insert(name, serde_json::Value::Array(vec![text.into()]));
            }
            _ => {
                fields.insert(name, text.into());
            }
        }
    }
    let fields = serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|e| ApiError::unprocessable(format!("Invalid parameter: {e}")))?;
    Ok((fields, files))
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            ApiError::unprocessable(format!("Invalid parameter: {e}"))
        }
        _ => ApiError::bad_request(format!("The body is not valid JSON: {e}")),
    })
}

/// Parse a urlencoded form or query string. Percent-encoded bytes that are not UTF-8 are
/// refused rather than silently replaced.
pub fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if std::str::from_utf8(bytes).is_err() || !percent_decodes_to_utf8(bytes) {
        return Err(ApiError::bad_request("The parameters are not valid UTF-8"));
    }
    serde_html_form::from_bytes(bytes)
        .map_err(|e| ApiError::unprocessable(format!("Invalid parameter: {e}")))
}

fn percent_decodes_to_utf8(bytes: &[u8]) -> bool {
    bytes.split(|b| *b == b'&' || *b == b'=').all(|part| {
        let mut out = Vec::with_capacity(part.len());
        let mut i = 0;
        while i < part.len() {
            match part[i] {
                b'%' if i + 2 < part.len() => {
                    let hex = std::str::from_utf8(&part[i + 1..i + 3]).ok();
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(b) => {
                            out.push(b);
                            i += 3;
                        }
                        None => {
                            out.push(b'%');
                            i += 1;
                        }
                    }
                }
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        std::str::from_utf8(&out).is_ok()
    })
}

/// Query-string parameters, with `key[]` arrays.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parse_form(parts.uri.query().unwrap_or("").as_bytes()).map(Params)
    }
}

/// The bearer token's holder, if the request carries one. A token that is present but unknown,
/// revoked or expired is refused here, even on endpoints that work without one.
pub struct Auth(pub Option<Principal>);

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(token) = bearer(&parts.headers) else { return Ok(Auth(None)) };
        match auth::authenticate(&state.ctx, token).await? {
            Some(p) => Ok(Auth(Some(p))),
            None => Err(ApiError::invalid_token()),
        }
    }
}

/// As [`Auth`], but a member whose email address awaits confirmation is let through; only for
/// asking for another confirmation mail.
pub struct AuthUnconfirmed(pub Auth);

impl FromRequestParts<AppState> for AuthUnconfirmed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(token) = bearer(&parts.headers) else { return Ok(Self(Auth(None))) };
        match auth::authenticate_unconfirmed(&state.ctx, token).await? {
            Some(p) => Ok(Self(Auth(Some(p)))),
            None => Err(ApiError::invalid_token()),
        }
    }
}

impl Auth {
    fn scoped(&self, scope: &str) -> Result<&Principal, ApiError> {
        let p = self.0.as_ref().ok_or_else(ApiError::invalid_token)?;
        if !p.scopes.allows(scope) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("This action is outside the authorized scopes (needs {scope})"),
            ));
        }
        Ok(p)
    }

    /// The signed-in member, whose token grants `scope`.
    pub fn user(&self, scope: &str) -> Result<&AccountRow, ApiError> {
        self.scoped(scope)?
            .account
            .as_ref()
            .ok_or_else(|| ApiError::unprocessable("This method requires an authenticated user"))
    }

    /// Any token (an app's or a member's) that grants `scope`.
    pub fn app(&self, scope: &str) -> Result<&Principal, ApiError> {
        self.scoped(scope)
    }

    /// Who is looking, for visibility checks on public endpoints. Only a token that may read
    /// statuses identifies its member; with any other token the request reads as signed out, so
    /// a posting-only app cannot read its member's friends-only notes.
    pub fn viewer(&self) -> Option<&AccountRow> {
        self.0
            .as_ref()
            .filter(|p| p.scopes.allows("read:statuses"))
            .and_then(|p| p.account.as_ref())
    }
}

/// The instance's public base URL, without a trailing slash.
pub struct BaseUrl(pub String);

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(url) = &state.config.public_url {
            return Ok(BaseUrl(url.trim_end_matches('/').to_owned()));
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            })
            .unwrap_or("localhost");
        Ok(BaseUrl(format!("http://{host}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_finds_bad_utf8() {
        assert!(percent_decodes_to_utf8(b"status=%E4%BD%A0%E5%A5%BD&x=1"));
        assert!(!percent_decodes_to_utf8(b"status=%FF%FE"));
        assert!(percent_decodes_to_utf8(b"a=100%&b=%"));
    }
}
