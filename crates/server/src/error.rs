//! The one place errors become HTTP responses. Clients get Mastodon's shape
//! (`{"error": "…"}`, plus `error_description` for OAuth and `details` for validation) and a
//! clear reason; the log gets the cause chain; nobody gets internals.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use nb_app::AppError;
use serde_json::{Value, json};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub error: String,
    pub description: Option<String>,
    pub details: Option<Value>,
    /// Seconds for a `Retry-After` header (429 and 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: impl Into<String>) -> Self {
        Self { status, error: error.into(), description: None, details: None, retry_after: None }
    }

    pub fn bad_request(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, reason)
    }

    pub fn unprocessable(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, reason)
    }

    pub fn not_found(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, reason)
    }

    /// An OAuth error: a machine-readable code and a human description (RFC 6749 §5.2).
    pub fn oauth(status: StatusCode, code: &str, description: impl Into<String>) -> Self {
        Self {
            status,
            error: code.to_owned(),
            description: Some(description.into()),
            details: None,
            retry_after: None,
        }
    }

    pub fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "The access token is invalid")
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match &e {
            AppError::Validation(v) => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                error: format!("Validation failed: {v}"),
                description: None,
                retry_after: None,
                details: Some(
                    json!({ v.field: [{ "error": "ERR_INVALID", "description": v.reason }] }),
                ),
            },
            AppError::Taken(what) => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                error: format!("Validation failed: {what} is already taken"),
                description: None,
                retry_after: None,
                details: Some(
                    json!({ *what: [{ "error": "ERR_TAKEN", "description": format!("{what} is already taken") }] }),
                ),
            },
            AppError::NotFound(what) => {
                Self::not_found(format!("Record not found: no such {what}"))
            }
            AppError::Forbidden(why) => Self::new(StatusCode::FORBIDDEN, *why),
            AppError::RegistrationClosed => Self::new(StatusCode::FORBIDDEN, e.to_string()),
            AppError::AccountUnusable(_) => Self::new(StatusCode::FORBIDDEN, e.to_string()),
            AppError::Media { too_large: true, reason } => {
                Self::new(StatusCode::PAYLOAD_TOO_LARGE, reason.clone())
            }
            AppError::Media { too_large: false, reason } => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                error: format!("Validation failed: {reason}"),
                description: None,
                retry_after: None,
                details: Some(
                    json!({ "file": [{ "error": "ERR_INVALID", "description": reason }] }),
                ),
            },
            AppError::InvalidClient => Self::oauth(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
            ),
            AppError::InvalidGrant(why) => {
                Self::oauth(StatusCode::BAD_REQUEST, "invalid_grant", *why)
            }
            AppError::InvalidScope => {
                Self::oauth(StatusCode::BAD_REQUEST, "invalid_scope", e.to_string())
            }
            AppError::Unprocessable(why) => Self::unprocessable(why.clone()),
            AppError::Unavailable(why) => Self::new(StatusCode::SERVICE_UNAVAILABLE, why.clone()),
            AppError::QuotaExceeded { retry_after_secs } => Self {
                retry_after: Some(*retry_after_secs),
                ..Self::new(StatusCode::TOO_MANY_REQUESTS, format!("Rate limit exceeded: {e}"))
            },
            AppError::Store(store_err) if store_err.is_busy() => {
                tracing::warn!(error = %store_err, "database busy");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "The server is busy; try again shortly")
            }
            AppError::Store(_) | AppError::Internal(_) => {
                tracing::error!(error = ?e, "request failed");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.error });
        if let Some(d) = self.description {
            body["error_description"] = Value::String(d);
        }
        if let Some(d) = self.details {
            body["details"] = d;
        }
        let mut res = (self.status, Json(body)).into_response();
        if let Some(v) = self.retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}
