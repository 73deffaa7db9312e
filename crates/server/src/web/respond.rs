//! The answers every web handler shares: redirects, the error page (one place maps an error's
//! kind to its Fluent message), and the sign-in and CSRF checks.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use nb_app::{AccountRow, AppError};

use super::pages::{self, Chrome, Message};
use super::visitor::Visitor;
use crate::i18n::Locale;

/// `303 See Other` to a local path (after a form post, so reload does not post again).
pub fn redirect(to: &str) -> Response {
    let to = local_path(to);
    match HeaderValue::from_str(&to) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/"))])
            .into_response(),
    }
}

/// `to` when it is a path on this site, else `/`: a `next=` must not send anyone elsewhere.
pub fn local_path(to: &str) -> String {
    let ok = to.starts_with('/')
        && !to.starts_with("//")
        && !to.starts_with("/\\")
        && !to.chars().any(|c| c.is_control());
    if ok { to.to_owned() } else { "/".to_owned() }
}

/// The status and the Fluent message of an error, by its kind.
pub fn error_message(t: &Locale, e: &AppError) -> (StatusCode, String) {
    match e {
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, t.t("error-not-found")),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, t.t("error-forbidden")),
        AppError::Validation(v) => (StatusCode::UNPROCESSABLE_ENTITY, field_message(t, v.field)),
        AppError::Taken("handle") => (StatusCode::UNPROCESSABLE_ENTITY, t.t("error-handle-taken")),
        AppError::Taken("email") => (StatusCode::UNPROCESSABLE_ENTITY, t.t("error-email-taken")),
        AppError::Taken(_) => (StatusCode::CONFLICT, t.t("error-conflict")),
        AppError::RegistrationClosed => (StatusCode::FORBIDDEN, t.t("error-registration-closed")),
        AppError::InvalidGrant(_) => (StatusCode::UNAUTHORIZED, t.t("authorize-wrong-login")),
        AppError::AccountUnusable(_) => (StatusCode::FORBIDDEN, t.t("error-account-unusable")),
        AppError::Media { too_large: true, .. } => {
            (StatusCode::PAYLOAD_TOO_LARGE, t.t("compose-error-too-large"))
        }
        AppError::Media { .. } => {
            (StatusCode::UNPROCESSABLE_ENTITY, t.t("compose-error-not-image"))
        }
        AppError::QuotaExceeded { .. } => (StatusCode::TOO_MANY_REQUESTS, t.t("error-slow-down")),
        AppError::Unprocessable(_) | AppError::Unavailable(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, t.t("error-text"))
        }
        AppError::InvalidClient | AppError::InvalidScope => {
            (StatusCode::BAD_REQUEST, t.t("error-text"))
        }
        AppError::Store(_) | AppError::Internal(_) => {
            tracing::error!(error = %e, "a web page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, t.t("error-text"))
        }
    }
}

/// What is wrong with a form field, in the reader's language.
fn field_message(t: &Locale, field: &str) -> String {
    let key = match field {
        "handle" | "username" => "error-field-handle",
        "email" => "error-field-email",
        "password" => "error-field-password",
        "display_name" => "error-field-display-name",
        "title" => "error-field-title",
        "status" | "text" => "error-field-text",
        "media_ids" => return t.t1("compose-error-too-many", "max", nb_app::media::MAX_PER_NOTE),
        "description" => "error-field-alt",
        "name" => "error-field-board",
        "agreement" => "error-field-agreement",
        "q" => "error-field-query",
        _ => "error-field-other",
    };
    t.t(key)
}

/// The error page for `e`.
pub fn error_page(v: &Visitor, e: &AppError) -> Response {
    let (status, text) = error_message(&v.t, e);
    message(v, status, v.t.t("error-title"), text)
}

pub fn message(v: &Visitor, status: StatusCode, heading: String, text: String) -> Response {
    let page = Message { c: Chrome::new(v, "", "/"), heading, text, code: None };
    v.finish(pages::render(status, &page))
}

/// The signed-in member, or the answer that sends the visitor to sign in first.
// The refusal is the handler's whole answer, returned at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub fn member<'a>(v: &'a Visitor, back: &str) -> Result<&'a AccountRow, Response> {
    v.account
        .as_ref()
        .ok_or_else(|| redirect(&format!("/login?next={}", pages::query_escape(back))))
}

/// A form post must carry the visitor's CSRF token; a missing or foreign one is refused.
#[allow(clippy::result_large_err)]
pub fn check_csrf(v: &Visitor, submitted: Option<&str>) -> Result<(), Response> {
    if v.check_csrf(submitted.unwrap_or("")) {
        Ok(())
    } else {
        Err(message(v, StatusCode::FORBIDDEN, v.t.t("error-title"), v.t.t("error-form-expired")))
    }
}
