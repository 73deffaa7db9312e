use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use nb_app::{NoteView, feeds};
use serde_json::Value;

use super::entities;
use super::paging::{PageParams, link_header};
use crate::error::ApiError;
use crate::extract::{Auth, BaseUrl, Params};
use crate::state::AppState;

type Listing = (HeaderMap, Json<Value>);

fn listing(base: &str, uri: &axum::http::Uri, notes: &[NoteView]) -> Listing {
    let headers = link_header(base, uri, notes.first().map(|n| n.id), notes.last().map(|n| n.id));
    (headers, Json(entities::statuses(base, notes)))
}

pub async fn home(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> Result<Listing, ApiError> {
    let me = auth.user("read:statuses")?;
    let notes = feeds::home(&s.ctx, me.id, &p.page(20, 40)).await?;
    Ok(listing(&base, &uri, &notes))
}

pub async fn public(
    State(s): State<AppState>,
    _auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> Result<Listing, ApiError> {
    let notes = feeds::public(&s.ctx, &p.page(20, 40)).await?;
    Ok(listing(&base, &uri, &notes))
}

pub async fn tag(
    State(s): State<AppState>,
    _auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Path(tag): Path<String>,
    Params(p): Params<PageParams>,
) -> Result<Listing, ApiError> {
    let notes = feeds::tag(&s.ctx, &tag, &p.page(20, 40)).await?;
    Ok(listing(&base, &uri, &notes))
}
