//! `POST /api/v2/media` (and v1), `GET|PUT|DELETE /api/v1/media/:id`.

use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use nb_app::media;
use serde::Deserialize;

use super::de::path_id;
use super::entities;
use crate::error::ApiError;
use crate::extract::{Auth, BaseUrl, Input};
use crate::state::AppState;

/// The largest upload body: nb_media's 16 MiB file limit plus room for the other fields.
pub const MAX_UPLOAD_BODY: usize = 16 * 1024 * 1024 + 64 * 1024;

fn bad_multipart(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "The upload is too large (at most 16 MiB)")
    } else {
        ApiError::bad_request(format!("Could not read the upload: {}", e.body_text()))
    }
}

/// Upload an image (multipart field `file`, optional `description`). Processed at once, so the
/// answer is 200 with every URL ready, never 202.
pub async fn upload(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    form: Result<Multipart, MultipartRejection>,
) -> Result<entities::RawJson, ApiError> {
    let me = auth.user("write:media")?;
    let mut form = form.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Send the file as multipart/form-data: {}", e.body_text()),
        )
    })?;
    let mut file = None;
    let mut description = None;
    while let Some(field) = form.next_field().await.map_err(bad_multipart)? {
        match field.name() {
            Some("file") => file = Some(field.bytes().await.map_err(bad_multipart)?.to_vec()),
            Some("description") => {
                description = Some(field.text().await.map_err(bad_multipart)?);
            }
            _ => {}
        }
    }
    let file =
        file.ok_or_else(|| ApiError::unprocessable("Validation failed: file is required"))?;
    let m = media::upload(&s.ctx, me, file, description.as_deref()).await?;
    entities::raw(&entities::media_attachment(&base, &m))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
) -> Result<entities::RawJson, ApiError> {
    let me = auth.user("write:media")?;
    let m = media::own(&s.ctx, me, path_id(&id)?).await?;
    entities::raw(&entities::media_attachment(&base, &m))
}

#[derive(Deserialize)]
pub struct Update {
    description: Option<String>,
}

pub async fn update(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    Input(p): Input<Update>,
) -> Result<entities::RawJson, ApiError> {
    let me = auth.user("write:media")?;
    let id = path_id(&id)?;
    let m = match p.description {
        Some(d) => media::describe(&s.ctx, me, id, &d).await?,
        None => media::own(&s.ctx, me, id).await?,
    };
    entities::raw(&entities::media_attachment(&base, &m))
}

/// Delete an upload no note carries (422 while a note does).
pub async fn remove(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
) -> Result<entities::RawJson, ApiError> {
    let me = auth.user("write:media")?;
    let m = media::remove(&s.ctx, me, path_id(&id)?).await?;
    entities::raw(&entities::media_attachment(&base, &m))
}
