use axum::Json;
use axum::extract::{Path, State};
use nb_app::notes::{self, Compose};
use serde::Deserialize;
use serde_json::{Value, json};

use super::de::path_id;
use super::entities;
use crate::error::ApiError;
use crate::extract::{Auth, BaseUrl, Input};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CreateStatus {
    status: Option<String>,
    /// Notebridge extension: the note's title.
    title: Option<String>,
    visibility: Option<String>,
    language: Option<String>,
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Input(p): Input<CreateStatus>,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("write:statuses")?;
    let app_id = auth.0.as_ref().map(|p| p.app_id);
    let note = notes::post(
        &s.ctx,
        me,
        Compose {
            title: p.title,
            text: p.status.unwrap_or_default(),
            visibility: p.visibility,
            language: p.language,
            app_id,
        },
    )
    .await?;
    Ok(Json(entities::status(&base, &note)))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let viewer = auth.viewer().map(|a| a.id);
    let note = notes::get_visible(&s.ctx, viewer, path_id(&id)?).await?;
    Ok(Json(entities::status(&base, &note)))
}

pub async fn delete(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("write:statuses")?;
    let note = notes::delete(&s.ctx, me, path_id(&id)?).await?;
    // As Mastodon: the deleted status with its source text, for "delete and redraft".
    let mut v = entities::status(&base, &note);
    v["text"] = json!(note.body);
    Ok(Json(v))
}
