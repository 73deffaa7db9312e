//! Static assets compiled into the binary, served with long-lived cache headers.

use axum::extract::{Path, State};

use crate::state::AppState;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const ASSETS: &[(&str, &str, &[u8])] = &[
    ("avatar-missing.png", "image/png", include_bytes!("../../assets/avatar-missing.png")),
    ("header-missing.png", "image/png", include_bytes!("../../assets/header-missing.png")),
];

pub async fn serve(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, bytes)) => (
            [(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=604800")],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

/// Media blobs. Keys are content hashes, so a blob never changes: cache it for a year.
pub async fn media(State(s): State<AppState>, Path(key): Path<String>) -> Response {
    let mime = match key.rsplit('.').next() {
        Some("jpg") => "image/jpeg",
        Some("png") => "image/png",
        _ => return (StatusCode::NOT_FOUND, "no such media").into_response(),
    };
    match nb_app::media::blob(&s.ctx, &key).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "no such media").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading a blob failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "could not read media").into_response()
        }
    }
}
