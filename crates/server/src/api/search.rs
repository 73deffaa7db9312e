use axum::Json;
use axum::extract::State;
use nb_app::search::{self, Kind};
use serde::Deserialize;
use serde_json::{Value, json};

use super::entities;
use crate::error::ApiError;
use crate::extract::{Auth, BaseUrl, Params};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct SearchParams {
    q: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v2/search`: accounts and hashtags. `statuses` stays empty until full-text search
/// of notes exists, as on a Mastodon server without search configured.
pub async fn v2(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Params(p): Params<SearchParams>,
) -> Result<Json<Value>, ApiError> {
    let q = p.q.ok_or_else(|| ApiError::bad_request("q is required"))?;
    let kind = match p.kind.as_deref() {
        None | Some("") => None,
        Some("accounts") => Some(Kind::Accounts),
        Some("hashtags") => Some(Kind::Tags),
        Some("statuses") => Some(Kind::Notes),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "type {other:?} is not one of accounts, hashtags, statuses"
            )));
        }
    };
    let viewer = auth.viewer().map(|a| a.id);
    let found =
        search::search(&s.ctx, viewer, &q, kind, p.limit.unwrap_or(20), p.offset.unwrap_or(0))
            .await?;
    Ok(Json(json!({
        "accounts": found.accounts.iter().map(|a| entities::account(&base, a)).collect::<Vec<_>>(),
        "statuses": [],
        "hashtags": found.tags.iter().map(|t| json!({
            "name": t,
            "url": format!("{base}/tags/{t}"),
            "history": [],
            "following": false,
        })).collect::<Vec<_>>(),
    })))
}
