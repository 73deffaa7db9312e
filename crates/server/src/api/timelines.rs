use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use nb_app::feeds;
use serde::Deserialize;

use super::paging::{PageParams, note_listing};
use crate::error::ApiError;
use crate::extract::{Auth, BaseUrl, Params};
use crate::state::AppState;

type Listing = (HeaderMap, super::entities::RawJson);

pub async fn home(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> Result<Listing, ApiError> {
    let me = auth.user("read:statuses")?;
    let notes = feeds::home(&s.ctx, me.id, &p.page(20, 40)).await?;
    note_listing(&s, Some(me.id), &base, &uri, &notes).await
}

pub async fn public(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> Result<Listing, ApiError> {
    let viewer = auth.viewer().map(|a| a.id);
    let notes = feeds::public(&s.ctx, viewer, &p.page(20, 40)).await?;
    note_listing(&s, viewer, &base, &uri, &notes).await
}

pub async fn tag(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Path(tag): Path<String>,
    Params(p): Params<PageParams>,
) -> Result<Listing, ApiError> {
    let viewer = auth.viewer().map(|a| a.id);
    let notes = feeds::tag(&s.ctx, viewer, &tag, &p.page(20, 40)).await?;
    note_listing(&s, viewer, &base, &uri, &notes).await
}

#[derive(Deserialize, Default)]
pub struct ExploreParams {
    cursor: Option<String>,
    limit: Option<i64>,
}

/// The opaque Explore cursor: the last note's score (its exact bits) and id.
fn encode_cursor(score: f64, id: i64) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&score.to_bits().to_be_bytes());
    bytes[8..].copy_from_slice(&id.to_be_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_cursor(s: &str) -> Result<(f64, i64), ApiError> {
    let bytes = URL_SAFE_NO_PAD.decode(s).ok().filter(|b| b.len() == 16);
    let bytes =
        bytes.ok_or_else(|| ApiError::bad_request("The cursor is not one this server gave"))?;
    let mut score = [0u8; 8];
    let mut id = [0u8; 8];
    score.copy_from_slice(&bytes[..8]);
    id.copy_from_slice(&bytes[8..]);
    Ok((f64::from_bits(u64::from_be_bytes(score)), i64::from_be_bytes(id)))
}

/// `GET /api/v1/timelines/explore` (extension): ranked, paged by `cursor` from the `Link`
/// header's next URL.
pub async fn explore(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<ExploreParams>,
) -> Result<Listing, ApiError> {
    let viewer = auth.viewer().map(|a| a.id);
    let after = p.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = p.limit.unwrap_or(20).clamp(1, 40);
    let notes = feeds::explore(&s.ctx, viewer, after, limit).await?;
    let mut headers = HeaderMap::new();
    if let Some(last) = notes.last() {
        let next = format!(
            "<{base}{}?cursor={}&limit={limit}>; rel=\"next\"",
            uri.path(),
            encode_cursor(last.explore_score, last.id)
        );
        if let Ok(v) = axum::http::HeaderValue::from_str(&next) {
            headers.insert(axum::http::header::LINK, v);
        }
    }
    Ok((headers, super::entities::statuses(&s, viewer, &base, &notes).await?))
}
