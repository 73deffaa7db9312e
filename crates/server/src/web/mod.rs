//! The web app: server-rendered pages (askama) with a little plain script, every asset served
//! by the binary. Also health checks, the OAuth consent page and email confirmation.

mod account;
mod assets;
mod compose;
mod confirm;
mod explore;
mod format;
mod health;
mod note;
mod notices;
mod oauth;
mod pages;
mod profile;
mod respond;
mod search;
mod settings;
mod views;
mod visitor;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes(state: &AppState) -> Router<AppState> {
    use crate::limits;
    macro_rules! limit {
        ($f:expr) => {
            axum::middleware::from_fn_with_state(state.clone(), $f)
        };
    }
    Router::new()
        .route("/", get(explore::explore))
        .route("/following", get(explore::following))
        .route("/tags/{tag}", get(explore::tag))
        .route("/notes/{id}", get(note::page))
        .route("/notes/{id}/like", post(note::like))
        .route("/notes/{id}/collect", post(note::collect))
        .route("/notes/{id}/comments", post(note::comment))
        .route("/notes/{id}/delete", post(note::delete))
        .route("/comments/{id}/delete", post(note::delete_comment))
        .route("/comments/{id}/like", post(note::like_comment))
        .route("/{at_handle}", get(profile::page))
        .route("/{at_handle}/follow", post(note::follow))
        .route(
            "/compose",
            get(compose::page).merge(
                post(compose::submit)
                    .route_layer(limit!(limits::posting))
                    .layer(DefaultBodyLimit::max(compose::MAX_BODY)),
            ),
        )
        .route("/notifications", get(notices::page))
        .route("/search", get(search::page))
        .route(
            "/settings",
            get(settings::page)
                .post(settings::save)
                .layer(DefaultBodyLimit::max(settings::MAX_BODY)),
        )
        .route("/settings/password", post(settings::password).route_layer(limit!(limits::login)))
        .route(
            "/login",
            get(account::login_page).merge(post(account::login).route_layer(limit!(limits::login))),
        )
        .route(
            "/register",
            get(account::register_page)
                .merge(post(account::register).route_layer(limit!(limits::registration))),
        )
        .route("/logout", post(account::logout))
        .route("/language", get(account::language))
        .route(
            "/oauth/authorize",
            get(oauth::show).post(oauth::submit).route_layer(limit!(limits::login)),
        )
        .route(nb_app::mail::CONFIRM_PATH, get(confirm::show))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/assets/{name}", get(assets::serve))
        .route("/media/{*key}", get(assets::media))
        .fallback(not_found)
}

/// Any other address: the page that says so, in the visitor's language.
async fn not_found(v: visitor::Visitor) -> axum::response::Response {
    respond::error_page(&v, &nb_app::AppError::NotFound("page"))
}
