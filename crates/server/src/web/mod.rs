//! Web pages and operational endpoints. The full web app arrives with its own issue; this slice
//! serves health checks, static assets and the landing page.

mod assets;
mod health;
mod landing;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(landing::page))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/assets/{name}", get(assets::serve))
        .route("/media/{*key}", get(assets::media))
}
