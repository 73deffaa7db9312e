use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use nb_app::comments::{self, NewReply};
use nb_app::engagement;
use nb_app::notes::{self, Compose};
use nb_app::posts::{self, Post};
use nb_app::translate;
use serde::Deserialize;
use serde_json::Value;

use super::de::{Flag, IdParam, path_id};
use super::entities::RawJson;
use super::entities::{self, View};
use super::paging::{PageParams, link_header};
use crate::error::ApiError;
use crate::extract::{Auth, BaseUrl, Input, Params};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CreateStatus {
    status: Option<String>,
    /// A note's id comments on it; a comment's id replies to it.
    in_reply_to_id: Option<IdParam>,
    /// JSON clients send `media_ids`, form clients `media_ids[]`.
    #[serde(default)]
    media_ids: Vec<IdParam>,
    #[serde(default, rename = "media_ids[]")]
    media_ids_form: Vec<IdParam>,
    // Mastodon options Notebridge does not offer yet: refused with a reason, never dropped.
    scheduled_at: Option<String>,
    poll: Option<Value>,
    #[serde(rename = "poll[options][]")]
    poll_form: Option<Vec<String>>,
    spoiler_text: Option<String>,
    sensitive: Option<Flag>,
    /// Notebridge extension: the note's title.
    title: Option<String>,
    visibility: Option<String>,
    language: Option<String>,
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    headers: HeaderMap,
    Input(p): Input<CreateStatus>,
) -> Result<RawJson, ApiError> {
    let me = auth.user("write:statuses")?;
    let unsupported = [
        ("scheduled_at", p.scheduled_at.as_deref().is_some_and(|s| !s.is_empty())),
        ("poll", p.poll.is_some() || p.poll_form.is_some()),
        ("spoiler_text", p.spoiler_text.as_deref().is_some_and(|s| !s.trim().is_empty())),
        ("sensitive", p.sensitive.is_some_and(|f| f.0)),
    ];
    if let Some((name, _)) = unsupported.iter().find(|(_, given)| *given) {
        return Err(ApiError::unprocessable(format!(
            "Validation failed: {name} is not supported on this server yet"
        )));
    }
    let media_ids: Vec<i64> = p.media_ids.iter().chain(&p.media_ids_form).map(|m| m.0).collect();
    if let Some(IdParam(target)) = p.in_reply_to_id {
        if p.title.as_deref().is_some_and(|t| !t.is_empty()) {
            return Err(ApiError::unprocessable("Validation failed: comments have no title"));
        }
        if !media_ids.is_empty() {
            return Err(ApiError::unprocessable("Validation failed: comments cannot carry photos"));
        }
        let reply = NewReply {
            text: p.status.unwrap_or_default(),
            language: p.language,
            idempotency_key: idempotency_key(&headers)?,
        };
        let c = comments::post(&s.ctx, me, target, reply).await?;
        let view = View::load(&s.ctx, Some(me.id), &[], std::slice::from_ref(&c)).await?;
        return entities::raw(&entities::comment_status(&base, &c, &view));
    }
    let app_id = auth.0.as_ref().map(|p| p.app_id);
    let note = notes::post(
        &s.ctx,
        me,
        Compose {
            title: p.title,
            text: p.status.unwrap_or_default(),
            visibility: p.visibility,
            language: p.language,
            app_id,
            idempotency_key: idempotency_key(&headers)?,
            media_ids,
        },
    )
    .await?;
    entities::status_for(&s, Some(me.id), &base, &note).await
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .map(str::to_owned)
                .map_err(|_| ApiError::bad_request("The Idempotency-Key header is not valid text"))
        })
        .transpose()
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
) -> Result<RawJson, ApiError> {
    let viewer = auth.viewer().map(|a| a.id);
    let post = posts::get(&s.ctx, viewer, path_id(&id)?).await?;
    entities::post_for(&s, viewer, &base, &post).await
}

pub async fn delete(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
) -> Result<RawJson, ApiError> {
    let me = auth.user("write:statuses")?;
    let id = path_id(&id)?;
    // Rendered as it was, photos included, for "delete and redraft" (the photos are detached,
    // not deleted, so the redraft can attach them again).
    let before = posts::get(&s.ctx, Some(me.id), id).await?;
    let view = match &before {
        Post::Note(n) => View::load(&s.ctx, Some(me.id), std::slice::from_ref(n), &[]).await?,
        Post::Comment(_) => View::default(),
    };
    let post = posts::delete(&s.ctx, me, id).await?;
    let mut v = entities::post_status(&base, &post, &view);
    v.text = Some(match &post {
        Post::Note(n) => &n.body,
        Post::Comment(c) => &c.body,
    });
    entities::raw(&v)
}

/// favourite, unfavourite, bookmark, unbookmark: act, then answer with the status as it is now.
macro_rules! act_on_status {
    ($name:ident, $scope:literal, |$ctx:ident, $me:ident, $id:ident| $act:expr) => {
        pub async fn $name(
            State(s): State<AppState>,
            auth: Auth,
            BaseUrl(base): BaseUrl,
            Path(id): Path<String>,
        ) -> Result<RawJson, ApiError> {
            let $me = auth.user($scope)?;
            let $id = path_id(&id)?;
            let $ctx = &s.ctx;
            let post = $act.await?;
            entities::post_for(&s, Some($me.id), &base, &post).await
        }
    };
}

act_on_status!(favourite, "write:favourites", |ctx, me, id| posts::like(ctx, me, id));
act_on_status!(unfavourite, "write:favourites", |ctx, me, id| posts::unlike(ctx, me, id));
act_on_status!(unbookmark, "write:bookmarks", |ctx, me, id| async {
    engagement::uncollect(ctx, me, id).await.map(Post::Note)
});

#[derive(Deserialize, Default)]
pub struct BookmarkParams {
    /// Notebridge extension: the board to collect into (default: the member's default board).
    board_id: Option<IdParam>,
}

pub async fn bookmark(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    Input(p): Input<BookmarkParams>,
) -> Result<RawJson, ApiError> {
    let me = auth.user("write:bookmarks")?;
    let note = engagement::collect(&s.ctx, me, path_id(&id)?, p.board_id.map(|b| b.0)).await?;
    entities::status_for(&s, Some(me.id), &base, &note).await
}

pub async fn favourited_by(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Params(p): Params<PageParams>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let viewer = auth.viewer().map(|a| a.id);
    let likers = engagement::likers(&s.ctx, viewer, path_id(&id)?, &p.page(40, 80)).await?;
    let headers =
        link_header(&base, &uri, likers.first().map(|l| l.cursor), likers.last().map(|l| l.cursor));
    let body = likers.iter().map(|l| entities::account(&base, &l.profile)).collect();
    Ok((headers, Json(Value::Array(body))))
}

pub async fn context(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
) -> Result<RawJson, ApiError> {
    #[derive(serde::Serialize)]
    struct Context<'a> {
        ancestors: Vec<entities::StatusJson<'a>>,
        descendants: Vec<entities::StatusJson<'a>>,
    }
    let viewer = auth.viewer().map(|a| a.id);
    let (before, after) = posts::context(&s.ctx, viewer, path_id(&id)?).await?;
    let all: Vec<Post> = before.iter().chain(&after).cloned().collect();
    let view = entities::view_of(&s.ctx, viewer, &all).await?;
    entities::raw(&Context {
        ancestors: before.iter().map(|p| entities::post_status(&base, p, &view)).collect(),
        descendants: after.iter().map(|p| entities::post_status(&base, p, &view)).collect(),
    })
}

#[derive(Deserialize, Default)]
pub struct TranslateParams {
    /// The language to translate into; default the reader's interface language.
    lang: Option<String>,
}

/// Mastodon's `POST /api/v1/statuses/:id/translate`, for notes and comments alike.
pub async fn translate(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    Input(p): Input<TranslateParams>,
) -> Result<RawJson, ApiError> {
    let me = auth.user("read:statuses")?;
    let t = translate::post(&s.ctx, me, path_id(&id)?, p.lang.as_deref()).await?;
    let view = entities::view_of(&s.ctx, Some(me.id), std::slice::from_ref(&t.post)).await?;
    entities::raw(&entities::translation(&base, &t, &view))
}
