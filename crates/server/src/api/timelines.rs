use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use nb_app::explore::{self, Cursor};
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
    limit: Option<usize>,
}

/// `GET /api/v1/timelines/explore` (extension): ranked for the viewer, paged by the opaque
/// `cursor` of the `Link` header's next URL.
pub async fn explore(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<ExploreParams>,
) -> Result<Listing, ApiError> {
    let viewer = auth.viewer().map(|a| a.id);
    let cursor = match p.cursor.as_deref() {
        Some(c) => Some(
            Cursor::decode(c)
                .ok_or_else(|| ApiError::bad_request("The cursor is not one this server gave"))?,
        ),
        None => None,
    };
    let limit = p.limit.unwrap_or(20).clamp(1, 40);
    let page = explore::page(&s.ctx, viewer, cursor, limit).await?;
    let mut headers = HeaderMap::new();
    if let Some(next) = page.next {
        let link =
            format!("<{base}{}?cursor={}&limit={limit}>; rel=\"next\"", uri.path(), next.encode());
        if let Ok(v) = axum::http::HeaderValue::from_str(&link) {
            headers.insert(axum::http::header::LINK, v);
        }
    }
    // Why each note is shown: an extension field Mastodon clients ignore.
    let why: Vec<_> = page.why.iter().map(|w| ("explore_reason", w.key())).collect();
    Ok((headers, super::entities::statuses_with(&s, viewer, &base, &page.notes, &why).await?))
}
