use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use nb_app::feeds;
use serde_json::Value;

use super::paging::{PageParams, note_listing};
use crate::error::ApiError;
use crate::extract::{Auth, BaseUrl, Params};
use crate::state::AppState;

type Listing = (HeaderMap, Json<Value>);

pub async fn home(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> Result<Listing, ApiError> {
    let me = auth.user("read:statuses")?;
    let notes = feeds::home(&s.ctx, me.id, &p.page(20, 40)).await?;
    note_listing(&s.ctx, Some(me.id), &base, &uri, &notes).await
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
    note_listing(&s.ctx, viewer, &base, &uri, &notes).await
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
    note_listing(&s.ctx, viewer, &base, &uri, &notes).await
}
