//! The member's own lists: favourites, bookmarks (collects) and boards (an extension).

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use nb_app::{boards, engagement};
use serde::Deserialize;
use serde_json::Value;

use super::de::path_id;
use super::entities;
use super::paging::{PageParams, note_listing};
use crate::error::ApiError;
use crate::extract::{Auth, BaseUrl, Input, Params};
use crate::state::AppState;

type Listing = (HeaderMap, super::entities::RawJson);

pub async fn favourites(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> Result<Listing, ApiError> {
    let me = auth.user("read:favourites")?;
    let notes = engagement::liked(&s.ctx, me, &p.page(20, 40)).await?;
    note_listing(&s, Some(me.id), &base, &uri, &notes).await
}

pub async fn bookmarks(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> Result<Listing, ApiError> {
    let me = auth.user("read:bookmarks")?;
    let notes = engagement::collected(&s.ctx, me, &p.page(20, 40)).await?;
    note_listing(&s, Some(me.id), &base, &uri, &notes).await
}

/// `GET /api/v1/boards`: the member's own boards.
pub async fn my_boards(State(s): State<AppState>, auth: Auth) -> Result<Json<Value>, ApiError> {
    let me = auth.user("read:bookmarks")?;
    let list = boards::list(&s.ctx, Some(me.id), me.id).await?;
    Ok(Json(Value::Array(list.iter().map(entities::board).collect())))
}

/// `GET /api/v1/accounts/:id/boards`: someone's boards as the viewer may see them.
pub async fn account_boards(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let owner = nb_app::accounts::get(&s.ctx, path_id(&id)?).await?;
    let list = boards::list(&s.ctx, auth.viewer().map(|a| a.id), owner.id).await?;
    Ok(Json(Value::Array(list.iter().map(entities::board).collect())))
}

#[derive(Deserialize)]
pub struct NewBoard {
    name: Option<String>,
    visibility: Option<String>,
}

pub async fn create_board(
    State(s): State<AppState>,
    auth: Auth,
    Input(p): Input<NewBoard>,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("write:bookmarks")?;
    let b = boards::create(&s.ctx, me, p.name.as_deref().unwrap_or(""), p.visibility.as_deref())
        .await?;
    Ok(Json(entities::board(&b)))
}
