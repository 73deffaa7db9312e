use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// Alive: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready: the database answers too.
pub async fn readyz(State(s): State<AppState>) -> (StatusCode, &'static str) {
    match s.ctx.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
