//! `/oauth/token`, `/oauth/revoke` and the RFC 8414 metadata document.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use nb_app::auth::{self, IssuedToken};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::extract::{BaseUrl, Input};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    username: Option<String>,
    password: Option<String>,
    scope: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

/// Client credentials from the body, or from HTTP Basic auth (`client_secret_basic`).
fn client_credentials(
    headers: &HeaderMap,
    id: Option<String>,
    secret: Option<String>,
) -> Result<(String, String), ApiError> {
    if let (Some(id), Some(secret)) = (id, secret) {
        return Ok((id, secret));
    }
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok());
    match basic.as_deref().and_then(|b| b.split_once(':')) {
        Some((id, secret)) => Ok((id.to_owned(), secret.to_owned())),
        None => Err(nb_app::AppError::InvalidClient.into()),
    }
}

fn token_json(t: &IssuedToken) -> Json<Value> {
    Json(json!({
        "access_token": t.access_token,
        "token_type": "Bearer",
        "scope": t.scopes.to_string(),
        "created_at": t.created_at / 1000,
    }))
}

pub async fn token(
    State(s): State<AppState>,
    headers: HeaderMap,
    Input(p): Input<TokenRequest>,
) -> Result<Json<Value>, ApiError> {
    let grant = p.grant_type.as_deref().unwrap_or("");
    let (id, secret) = client_credentials(&headers, p.client_id, p.client_secret)?;
    let issued = match grant {
        "password" => {
            let (Some(user), Some(pass)) = (p.username.as_deref(), p.password.as_deref()) else {
                return Err(ApiError::oauth(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "username and password are required",
                ));
            };
            auth::password_grant(&s.ctx, &id, &secret, user, pass, p.scope.as_deref()).await?
        }
        "authorization_code" => {
            let (Some(code), Some(redirect_uri)) = (p.code.as_deref(), p.redirect_uri.as_deref())
            else {
                return Err(ApiError::oauth(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "code and redirect_uri are required",
                ));
            };
            auth::code_grant(&s.ctx, &id, &secret, code, redirect_uri, p.code_verifier.as_deref())
                .await?
        }
        "client_credentials" => {
            auth::client_credentials_grant(&s.ctx, &id, &secret, p.scope.as_deref()).await?
        }
        "" => {
            return Err(ApiError::oauth(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            ));
        }
        other => {
            return Err(ApiError::oauth(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!(
                    "grant_type {other:?} is not supported; use password or client_credentials"
                ),
            ));
        }
    };
    Ok(token_json(&issued))
}

#[derive(Deserialize)]
pub struct RevokeRequest {
    client_id: Option<String>,
    client_secret: Option<String>,
    token: Option<String>,
}

pub async fn revoke(
    State(s): State<AppState>,
    headers: HeaderMap,
    Input(p): Input<RevokeRequest>,
) -> Result<Json<Value>, ApiError> {
    let (id, secret) = client_credentials(&headers, p.client_id, p.client_secret)?;
    let token = p.token.ok_or_else(|| {
        ApiError::oauth(StatusCode::BAD_REQUEST, "invalid_request", "token is required")
    })?;
    auth::revoke(&s.ctx, &id, &secret, &token).await?;
    Ok(Json(json!({})))
}

pub async fn server_metadata(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(json!({
        "issuer": format!("{base}/"),
        "service_documentation": format!("{base}/api"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "app_registration_endpoint": format!("{base}/api/v1/apps"),
        "scopes_supported": ["read", "write", "follow", "push", "profile",
            "read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters",
            "read:follows", "read:lists", "read:mutes", "read:notifications", "read:search",
            "read:statuses", "write:accounts", "write:blocks", "write:bookmarks",
            "write:conversations", "write:favourites", "write:filters", "write:follows",
            "write:lists", "write:media", "write:mutes", "write:notifications", "write:reports",
            "write:statuses"],
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": ["authorization_code", "password", "client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }))
}
