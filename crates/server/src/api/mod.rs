//! The Mastodon-compatible client API. Handlers read input, call one use case in `nb_app`, and
//! shape the output; rules live in `nb_app` and below.

mod accounts;
mod apps;
mod collections;
mod de;
pub mod entities;
mod instance;
mod media;
mod notifications;
mod oauth;
mod paging;
mod search;
mod statuses;
mod timelines;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::limits;
use crate::state::AppState;

pub fn routes(state: &AppState) -> Router<AppState> {
    let media_upload = post(media::upload)
        .layer(axum::extract::DefaultBodyLimit::max(media::MAX_UPLOAD_BODY))
        .route_layer(from_fn_with_state(state.clone(), limits::posting));
    let api = Router::new()
        .route("/v1/instance", get(instance::v1))
        .route("/v2/instance", get(instance::v2))
        .route("/v1/apps", post(apps::create))
        .route("/v1/apps/verify_credentials", get(apps::verify_credentials))
        .route(
            "/v1/accounts",
            post(accounts::register)
                .route_layer(from_fn_with_state(state.clone(), limits::registration)),
        )
        .route(
            "/v1/emails/confirmations",
            post(accounts::resend_confirmation)
                .route_layer(from_fn_with_state(state.clone(), limits::registration)),
        )
        .route("/v1/accounts/verify_credentials", get(accounts::verify_credentials))
        .route(
            "/v1/accounts/update_credentials",
            axum::routing::patch(accounts::update_credentials)
                .layer(axum::extract::DefaultBodyLimit::max(media::MAX_UPLOAD_BODY)),
        )
        .route("/v1/profile/{which}", axum::routing::delete(accounts::delete_picture))
        .route("/v1/accounts/lookup", get(accounts::lookup))
        .route("/v1/accounts/relationships", get(accounts::relationships))
        .route("/v1/accounts/{id}", get(accounts::show))
        .route("/v1/accounts/{id}/statuses", get(accounts::statuses))
        .route("/v1/accounts/{id}/followers", get(accounts::followers))
        .route("/v1/accounts/{id}/following", get(accounts::following))
        .route("/v1/accounts/{id}/follow", post(accounts::follow))
        .route("/v1/accounts/{id}/unfollow", post(accounts::unfollow))
        .route("/v1/accounts/{id}/block", post(accounts::block))
        .route("/v1/accounts/{id}/unblock", post(accounts::unblock))
        .route("/v1/accounts/{id}/mute", post(accounts::mute))
        .route("/v1/accounts/{id}/unmute", post(accounts::unmute))
        .route("/v1/blocks", get(accounts::blocks))
        .route("/v1/mutes", get(accounts::mutes))
        .route(
            "/v1/statuses",
            post(statuses::create).route_layer(from_fn_with_state(state.clone(), limits::posting)),
        )
        .route("/v2/media", media_upload.clone())
        .route("/v1/media", media_upload)
        .route("/v1/media/{id}", get(media::show).put(media::update).delete(media::remove))
        .route("/v1/statuses/{id}", get(statuses::show).delete(statuses::delete))
        .route("/v1/statuses/{id}/favourite", post(statuses::favourite))
        .route("/v1/statuses/{id}/unfavourite", post(statuses::unfavourite))
        .route("/v1/statuses/{id}/bookmark", post(statuses::bookmark))
        .route("/v1/statuses/{id}/unbookmark", post(statuses::unbookmark))
        .route("/v1/statuses/{id}/favourited_by", get(statuses::favourited_by))
        .route("/v1/statuses/{id}/context", get(statuses::context))
        .route("/v1/statuses/{id}/translate", post(statuses::translate))
        .route("/v1/instance/translation_languages", get(instance::translation_languages))
        .route("/v1/favourites", get(collections::favourites))
        .route("/v1/bookmarks", get(collections::bookmarks))
        .route("/v1/boards", get(collections::my_boards).post(collections::create_board))
        .route("/v1/accounts/{id}/boards", get(collections::account_boards))
        .route("/v1/notifications", get(notifications::list))
        .route("/v1/notifications/clear", post(notifications::clear))
        .route("/v1/notifications/{id}", get(notifications::show))
        .route("/v1/notifications/{id}/dismiss", post(notifications::dismiss))
        .route("/v1/markers", get(notifications::get_markers).post(notifications::set_markers))
        .route("/v1/timelines/home", get(timelines::home))
        .route("/v1/timelines/public", get(timelines::public))
        .route("/v1/timelines/tag/{tag}", get(timelines::tag))
        .route("/v1/timelines/explore", get(timelines::explore))
        .route("/v2/search", get(search::v2))
        .fallback(|| async { ApiError::not_found("This API endpoint does not exist") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "This method is not allowed on this endpoint",
            )
        });
    Router::new()
        .nest("/api", api)
        .route(
            "/oauth/token",
            post(oauth::token).route_layer(from_fn_with_state(state.clone(), limits::login)),
        )
        .route("/oauth/revoke", post(oauth::revoke))
        .route("/.well-known/oauth-authorization-server", get(oauth::server_metadata))
}
