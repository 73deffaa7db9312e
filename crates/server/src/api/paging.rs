//! Mastodon's cursor pagination: `max_id`, `since_id`, `min_id`, `limit` in, a `Link` header out.

use axum::http::{HeaderMap, HeaderValue, Uri, header};
use nb_app::Page;
use serde::Deserialize;

use super::de::IdParam;

#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    pub max_id: Option<IdParam>,
    pub since_id: Option<IdParam>,
    pub min_id: Option<IdParam>,
    pub limit: Option<i64>,
}

impl PageParams {
    pub fn page(&self, default: i64, max: i64) -> Page {
        Page {
            max_id: self.max_id.map(|i| i.0),
            since_id: self.since_id.map(|i| i.0),
            min_id: self.min_id.map(|i| i.0),
            limit: self.limit.unwrap_or(default).clamp(1, max),
        }
    }
}

/// `Link: <…?max_id=LAST>; rel="next", <…?min_id=FIRST>; rel="prev"`, keeping the request's
/// other query parameters.
pub fn link_header(base: &str, uri: &Uri, first: Option<i64>, last: Option<i64>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let (Some(first), Some(last)) = (first, last) else { return headers };
    let kept: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| {
            let k = kv.split('=').next().unwrap_or("");
            !kv.is_empty() && !matches!(k, "max_id" | "min_id" | "since_id")
        })
        .collect();
    let url = |extra: String| {
        let mut q = kept.clone();
        q.push(&extra);
        format!("{base}{}?{}", uri.path(), q.join("&"))
    };
    let value = format!(
        "<{}>; rel=\"next\", <{}>; rel=\"prev\"",
        url(format!("max_id={last}")),
        url(format!("min_id={first}"))
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(header::LINK, v);
    }
    headers
}

/// A page of notes as statuses, with its `Link` header built from the rows' cursors.
pub async fn note_listing(
    s: &crate::state::AppState,
    viewer: Option<i64>,
    base: &str,
    uri: &Uri,
    notes: &[nb_app::NoteView],
) -> Result<(HeaderMap, super::entities::RawJson), crate::ApiError> {
    let headers =
        link_header(base, uri, notes.first().map(|n| n.cursor), notes.last().map(|n| n.cursor));
    Ok((headers, super::entities::statuses(s, viewer, base, notes).await?))
}
