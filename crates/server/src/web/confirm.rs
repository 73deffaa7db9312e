//! `/auth/confirm`: the page a confirmation mail links to.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use nb_app::{AppError, accounts};
use serde::Deserialize;

use super::pages::{self, Chrome, Message};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ConfirmParams {
    token: Option<String>,
    lang: Option<String>,
}

pub async fn show(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ConfirmParams>,
) -> Response {
    let token = q.token.unwrap_or_default();
    let confirmed = accounts::confirm_email(&s.ctx, &token).await;
    // The account's own interface language, unless the reader chose one.
    let lang = match (&q.lang, &confirmed) {
        (Some(l), _) => Some(l.clone()),
        (None, Ok(a)) => a.languages.split(',').next().map(str::to_owned),
        (None, Err(_)) => None,
    };
    let t = pages::locale(lang.as_deref(), &headers);
    let switch_url = format!("?token={}&lang={}", pages::query_escape(&token), t.other());
    let (status, heading, text) = match confirmed {
        Ok(a) => (
            StatusCode::OK,
            t.t("confirm-done-title"),
            t.t1("confirm-done-text", "handle", a.handle),
        ),
        Err(AppError::InvalidGrant(_) | AppError::NotFound(_)) => {
            (StatusCode::NOT_FOUND, t.t("confirm-failed-title"), t.t("confirm-failed-text"))
        }
        Err(e) => {
            tracing::error!(error = %e, "confirming an email address failed");
            return pages::render(
                StatusCode::INTERNAL_SERVER_ERROR,
                &Message {
                    c: Chrome::bare(t, switch_url),
                    heading: t.t("error-title"),
                    text: t.t("error-text"),
                    code: None,
                },
            );
        }
    };
    pages::render(status, &Message { c: Chrome::bare(t, switch_url), heading, text, code: None })
}
