//! The page templates (askama, compile-time checked; all output escaped) and how a page
//! learns its locale.

use askama::Template;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::Locale;

/// The locale for a page: `?lang=` first, then `Accept-Language`.
pub fn locale(lang: Option<&str>, headers: &HeaderMap) -> Locale {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Locale::negotiate(lang, accept)
}

pub struct Cover {
    pub url: String,
    pub alt: String,
    pub width: i64,
    pub height: i64,
}

pub struct Card {
    pub title: String,
    pub author: String,
    pub cover: Option<Cover>,
    pub photos: usize,
}

#[derive(Template)]
#[template(path = "landing.html")]
pub struct Landing {
    pub t: Locale,
    pub switch_url: String,
    pub cards: Vec<Card>,
}

#[derive(Template)]
#[template(path = "authorize.html")]
pub struct Authorize {
    pub t: Locale,
    pub switch_url: String,
    pub app_name: String,
    pub scopes: Vec<String>,
    pub hidden: Vec<(String, String)>,
    pub login: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct Message {
    pub t: Locale,
    pub switch_url: String,
    pub heading: String,
    pub text: String,
    pub code: Option<String>,
}

/// Percent-encode `s` for a query string.
pub fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Render a page with a status; a template failure is logged and answered with a plain 500.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
