//! Static assets compiled into the binary. Page links carry a digest of the file (`?v=`), so
//! browsers may cache them for a year and still see a new release at once.

use std::sync::OnceLock;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::state::AppState;

const ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("../../assets/app.css")),
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/app.js")),
    ("avatar-missing.png", "image/png", include_bytes!("../../assets/avatar-missing.png")),
    ("header-missing.png", "image/png", include_bytes!("../../assets/header-missing.png")),
];

/// The address of an asset, with its digest.
pub fn url(name: &str) -> String {
    static VERSIONS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let versions = VERSIONS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|(n, _, bytes)| {
                let d = Sha256::digest(bytes);
                (*n, d[..6].iter().map(|b| format!("{b:02x}")).collect())
            })
            .collect()
    });
    match versions.iter().find(|(n, _)| *n == name) {
        Some((n, v)) => format!("/assets/{n}?v={v}"),
        None => format!("/assets/{name}"),
    }
}

pub async fn serve(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, bytes)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
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
