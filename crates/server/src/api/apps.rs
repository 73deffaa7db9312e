use axum::Json;
use axum::extract::State;
use nb_app::AppRow;
use nb_app::auth::{self, NewAppInput};
use serde::Deserialize;
use serde_json::{Value, json};

use super::de::Words;
use crate::error::ApiError;
use crate::extract::{Auth, Input};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CreateApp {
    client_name: Option<String>,
    redirect_uris: Option<Words>,
    scopes: Option<String>,
    website: Option<String>,
}

fn app_json(app: &AppRow) -> Value {
    let uris: Vec<&str> = app.redirect_uris.lines().collect();
    json!({
        "id": app.id.to_string(),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(' ').collect::<Vec<_>>(),
        "redirect_uri": app.redirect_uris,
        "redirect_uris": uris,
        "vapid_key": "",
    })
}

pub async fn create(
    State(s): State<AppState>,
    Input(p): Input<CreateApp>,
) -> Result<Json<Value>, ApiError> {
    let input = NewAppInput {
        name: p.client_name.unwrap_or_default(),
        redirect_uris: p.redirect_uris.map(|w| w.0.join(" ")).unwrap_or_default(),
        scopes: p.scopes,
        website: p.website,
    };
    let registered = auth::register_app(&s.ctx, input).await?;
    let mut v = app_json(&registered.app);
    v["client_id"] = json!(registered.app.client_id);
    v["client_secret"] = json!(registered.client_secret);
    v["client_secret_expires_at"] = json!(0);
    Ok(Json(v))
}

pub async fn verify_credentials(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    let principal = auth.app("read")?;
    let app = s.ctx.store.app(principal.app_id).await.map_err(nb_app::AppError::from)?;
    let app = app.ok_or_else(ApiError::invalid_token)?;
    Ok(Json(app_json(&app)))
}
