use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use nb_app::notifications;
use serde::Deserialize;
use serde_json::{Value, json};

use super::de::{IdParam, path_id};
use super::entities::{self, View};
use super::paging::{PageParams, link_header};
use crate::error::ApiError;
use crate::extract::{Auth, BaseUrl, Input, Params};
use crate::state::AppState;

/// The kinds Notebridge writes, by their API type: `mention` covers comments and replies.
const KINDS: &[(&str, &[&str])] = &[
    ("follow", &["follow"]),
    ("favourite", &["favourite"]),
    ("collect", &["collect"]),
    ("mention", &["mention", "comment", "reply"]),
];

#[derive(Deserialize, Default)]
pub struct ListParams {
    // Not `#[serde(flatten)]`: flattened fields reach serde as strings, and `limit` is a number.
    max_id: Option<IdParam>,
    since_id: Option<IdParam>,
    min_id: Option<IdParam>,
    limit: Option<i64>,
    #[serde(default, rename = "types[]")]
    types: Vec<String>,
    #[serde(default, rename = "exclude_types[]")]
    exclude_types: Vec<String>,
}

pub async fn list(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<ListParams>,
) -> Result<(HeaderMap, entities::RawJson), ApiError> {
    let me = auth.user("read:notifications")?;
    let kinds: Option<Vec<String>> =
        (!p.types.is_empty() || !p.exclude_types.is_empty()).then(|| {
            KINDS
                .iter()
                .filter(|(t, _)| p.types.is_empty() || p.types.iter().any(|x| x == t))
                .filter(|(t, _)| !p.exclude_types.iter().any(|x| x == t))
                .flat_map(|(_, kinds)| kinds.iter().map(|k| (*k).to_owned()))
                .collect()
        });
    let page =
        PageParams { max_id: p.max_id, since_id: p.since_id, min_id: p.min_id, limit: p.limit };
    let list = notifications::list(&s.ctx, me, kinds.as_deref(), &page.page(40, 80)).await?;
    let notes: Vec<_> = list.iter().filter_map(|n| n.note.clone()).collect();
    let comments: Vec<_> = list.iter().filter_map(|n| n.comment.clone()).collect();
    let view = View::load(&s.ctx, Some(me.id), &notes, &comments).await?;
    let headers = link_header(&base, &uri, list.first().map(|n| n.id), list.last().map(|n| n.id));
    let body: Vec<_> = list.iter().map(|n| entities::notification(&base, n, &view)).collect();
    Ok((headers, entities::raw(&body)?))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
) -> Result<entities::RawJson, ApiError> {
    let me = auth.user("read:notifications")?;
    let n = notifications::get(&s.ctx, me, path_id(&id)?).await?;
    let view = View::load(&s.ctx, Some(me.id), n.note.as_slice(), n.comment.as_slice()).await?;
    entities::raw(&entities::notification(&base, &n, &view))
}

pub async fn dismiss(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("write:notifications")?;
    notifications::dismiss(&s.ctx, me, path_id(&id)?).await?;
    Ok(Json(json!({})))
}

pub async fn clear(State(s): State<AppState>, auth: Auth) -> Result<Json<Value>, ApiError> {
    let me = auth.user("write:notifications")?;
    notifications::clear(&s.ctx, me).await?;
    Ok(Json(json!({})))
}

#[derive(Deserialize, Default)]
pub struct MarkerQuery {
    #[serde(default, rename = "timeline[]")]
    timeline: Vec<String>,
}

fn markers_json(rows: &[nb_app::MarkerRow], only: &[String]) -> Value {
    let mut out = serde_json::Map::new();
    for m in rows.iter().filter(|m| only.is_empty() || only.contains(&m.timeline)) {
        out.insert(
            m.timeline.clone(),
            json!({
                "last_read_id": m.last_read_id.to_string(),
                "version": m.version,
                "updated_at": crate::time_fmt::iso8601(m.updated_at),
            }),
        );
    }
    Value::Object(out)
}

pub async fn get_markers(
    State(s): State<AppState>,
    auth: Auth,
    Params(q): Params<MarkerQuery>,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("read:statuses")?;
    let rows = notifications::markers(&s.ctx, me).await?;
    Ok(Json(markers_json(&rows, &q.timeline)))
}

/// `POST /api/v1/markers` with `home[last_read_id]` / `notifications[last_read_id]` (forms) or
/// `{"home": {"last_read_id": "…"}}` (JSON).
pub async fn set_markers(
    State(s): State<AppState>,
    auth: Auth,
    Input(body): Input<Value>,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("write:statuses")?;
    let body = pairs_to_object(body);
    let mut set = Vec::new();
    for timeline in notifications::MARKER_TIMELINES {
        let nested = body.get(*timeline).and_then(|t| t.get("last_read_id"));
        let flat = body.get(format!("{timeline}[last_read_id]"));
        let Some(v) = nested.or(flat) else { continue };
        let id = match v {
            Value::String(s) => s.parse().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
        .ok_or_else(|| ApiError::unprocessable(format!("{timeline}[last_read_id] is not an id")))?;
        notifications::set_marker(&s.ctx, me, timeline, id).await?;
        set.push((*timeline).to_owned());
    }
    let rows = notifications::markers(&s.ctx, me).await?;
    Ok(Json(markers_json(&rows, &set)))
}

/// A form parsed into a `Value` arrives as `[[key, value], …]`; JSON as an object. Make both an
/// object.
fn pairs_to_object(v: Value) -> Value {
    match v {
        Value::Array(pairs) => Value::Object(
            pairs
                .into_iter()
                .filter_map(|p| match p {
                    Value::Array(mut kv) if kv.len() == 2 => {
                        let v = kv.pop()?;
                        let k = kv.pop()?.as_str()?.to_owned();
                        Some((k, v))
                    }
                    _ => None,
                })
                .collect(),
        ),
        other => other,
    }
}
