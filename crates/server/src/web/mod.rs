//! Web pages and operational endpoints. The full web app arrives with its own issue; this slice
//! serves health checks, static assets, the landing page, the OAuth login and consent page and
//! the email confirmation page.

mod assets;
mod confirm;
mod health;
mod landing;
mod oauth;
mod pages;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(landing::page))
        .route(
            "/oauth/authorize",
            get(oauth::show).post(oauth::submit).route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                crate::limits::login,
            )),
        )
        .route(nb_app::mail::CONFIRM_PATH, get(confirm::show))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/assets/{name}", get(assets::serve))
        .route("/media/{*key}", get(assets::media))
}
