//! Notebridge over HTTP: the Mastodon-compatible client API (`api/`) and the web pages (`web/`),
//! which share only the extractors, the error mapper and `nb_app`.
//!
//! [`router`] builds the whole application from an [`AppState`]; the binary and the tests start
//! it the same way, the tests on port 0.

pub mod api;
mod error;
mod extract;
mod i18n;
pub mod limits;
mod metrics;
mod state;
mod time_fmt;
mod web;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::ServiceExt;
use axum::extract::{DefaultBodyLimit, Request};
use tokio::net::TcpListener;
use tower::Layer;
use tower_http::normalize_path::NormalizePathLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use state::{AppState, ServerConfig};

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    metrics::init();
    Router::new()
        .merge(api::routes(&state))
        .merge(web::routes(&state))
        .route("/metrics", axum::routing::get(metrics::render))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(DefaultBodyLimit::max(limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serve until `shutdown` resolves, then finish the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Clients ask for `/api/v1/instance/` as often as `/api/v1/instance`; routing must not care.
    let app = NormalizePathLayer::trim_trailing_slash().layer(router(state));
    // Peer addresses feed the rate limits.
    let make = ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(app);
    axum::serve(listener, make).with_graceful_shutdown(shutdown).await
}
