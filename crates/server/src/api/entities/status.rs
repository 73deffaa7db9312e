//! Statuses (notes and comments) and their media as Mastodon's JSON, serialised straight from
//! borrowed rows: a page of statuses is the hot path of every feed, so no `Value` tree is built.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use nb_app::posts::Post;
use nb_app::{CommentView, Ctx, MediaRow, NoteView};
use serde::Serialize;

use super::{AccountJson, View, profile_url};
use crate::error::ApiError;
use crate::state::AppState;
use crate::time_fmt::iso8601;

/// JSON already serialised, answered as `application/json`.
pub struct RawJson(pub Vec<u8>);

impl IntoResponse for RawJson {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], self.0)
            .into_response()
    }
}

/// Serialise `v` for a response.
pub fn raw(v: &impl Serialize) -> Result<RawJson, ApiError> {
    serde_json::to_vec(v).map(RawJson).map_err(serialise_failed)
}

fn serialise_failed(e: serde_json::Error) -> ApiError {
    tracing::error!(error = %e, "serialising a response failed");
    ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

#[derive(Serialize)]
struct Tag {
    name: String,
    url: String,
}

#[derive(Serialize)]
pub struct MentionJson<'a> {
    pub id: String,
    pub username: &'a str,
    pub acct: &'a str,
    pub url: String,
}

#[derive(Serialize)]
struct AppJson<'a> {
    name: &'a str,
    website: Option<&'a str>,
}

#[derive(Serialize)]
struct Meta {
    width: i64,
    height: i64,
    size: String,
    aspect: f64,
}

impl Meta {
    fn new(width: i64, height: i64) -> Self {
        #[allow(clippy::cast_precision_loss)]
        let aspect = if height > 0 { width as f64 / height as f64 } else { 1.0 };
        Meta { width, height, size: format!("{width}x{height}"), aspect }
    }
}

#[derive(Serialize)]
struct Focus {
    x: f64,
    y: f64,
}

#[derive(Serialize)]
struct MediaMeta {
    original: Meta,
    small: Meta,
    focus: Focus,
}

/// Mastodon's MediaAttachment.
#[derive(Serialize)]
pub struct MediaJson<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    url: String,
    preview_url: String,
    remote_url: Option<()>,
    preview_remote_url: Option<()>,
    text_url: Option<()>,
    meta: MediaMeta,
    description: Option<&'a str>,
    blurhash: &'a str,
}

/// An uploaded image as a Mastodon MediaAttachment.
pub fn media_attachment<'a>(base: &str, m: &'a MediaRow) -> MediaJson<'a> {
    MediaJson {
        id: m.id.to_string(),
        kind: "image",
        url: format!("{base}/media/{}", m.original_key),
        preview_url: format!("{base}/media/{}", m.small_key),
        remote_url: None,
        preview_remote_url: None,
        text_url: None,
        meta: MediaMeta {
            original: Meta::new(m.original_width, m.original_height),
            small: Meta::new(m.small_width, m.small_height),
            focus: Focus { x: 0.0, y: 0.0 },
        },
        description: Some(m.description.as_str()).filter(|d| !d.is_empty()),
        blurhash: &m.blurhash,
    }
}

/// Mastodon's Status, for a note or a comment. Notebridge's extensions (`title`,
/// `collects_count` on notes, `note_id` on comments, `text` after a delete) are left out where
/// they do not apply.
#[derive(Serialize)]
pub struct StatusJson<'a> {
    id: String,
    created_at: String,
    in_reply_to_id: Option<String>,
    in_reply_to_account_id: Option<String>,
    sensitive: bool,
    spoiler_text: &'static str,
    visibility: &'a str,
    language: Option<&'a str>,
    uri: String,
    url: String,
    replies_count: i64,
    reblogs_count: i64,
    favourites_count: i64,
    quotes_count: i64,
    edited_at: Option<()>,
    favourited: bool,
    reblogged: bool,
    muted: bool,
    bookmarked: bool,
    pinned: bool,
    content: String,
    filtered: [(); 0],
    reblog: Option<()>,
    application: Option<AppJson<'a>>,
    account: AccountJson,
    media_attachments: Vec<MediaJson<'a>>,
    mentions: Vec<MentionJson<'a>>,
    tags: Vec<Tag>,
    emojis: [(); 0],
    card: Option<()>,
    poll: Option<()>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    collects_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note_id: Option<String>,
    /// The source text, given back by `DELETE` for "delete and redraft".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
}

/// A note as a Mastodon Status, as the viewer sees it.
pub fn status<'a>(base: &str, n: &'a NoteView, view: &'a View) -> StatusJson<'a> {
    let media = view
        .media
        .get(&n.id)
        .map(|list| list.iter().map(|m| media_attachment(base, m)).collect())
        .unwrap_or_default();
    let author = n.author();
    let mut tags: Vec<Tag> = Vec::new();
    for name in nb_text::status::tags(&n.title).into_iter().chain(nb_text::status::tags(&n.body)) {
        if !tags.iter().any(|t| t.name == name) {
            tags.push(Tag { url: format!("{base}/tags/{name}"), name });
        }
    }
    StatusJson {
        id: n.id.to_string(),
        created_at: iso8601(n.created_at),
        in_reply_to_id: None,
        in_reply_to_account_id: None,
        sensitive: false,
        spoiler_text: "",
        visibility: &n.visibility,
        language: n.language.as_deref(),
        uri: format!("{base}/users/{}/statuses/{}", author.handle, n.id),
        url: format!("{base}/notes/{}", n.id),
        replies_count: n.comments_count,
        reblogs_count: 0,
        favourites_count: n.likes_count,
        quotes_count: 0,
        edited_at: None,
        favourited: view.marks.liked.contains(&n.id),
        reblogged: false,
        muted: false,
        bookmarked: view.marks.collected.contains(&n.id),
        pinned: false,
        content: view.content(base, &n.title, &n.body),
        filtered: [],
        reblog: None,
        application: n
            .app_name
            .as_deref()
            .map(|name| AppJson { name, website: n.app_website.as_deref() }),
        account: AccountJson::from_profile(base, author),
        media_attachments: media,
        mentions: view.mentions(base, &n.body),
        tags,
        emojis: [],
        card: None,
        poll: None,
        title: Some(&n.title),
        collects_count: Some(n.collects_count),
        note_id: None,
        text: None,
    }
}

/// A comment as a Mastodon Status: a reply to its note or to its top-level comment.
pub fn comment_status<'a>(base: &str, c: &'a CommentView, view: &'a View) -> StatusJson<'a> {
    let author = c.author();
    StatusJson {
        id: c.id.to_string(),
        created_at: iso8601(c.created_at),
        in_reply_to_id: Some(c.parent_id.unwrap_or(c.note_id).to_string()),
        in_reply_to_account_id: Some(c.reply_to_account_id.unwrap_or(c.note_author_id).to_string()),
        sensitive: false,
        spoiler_text: "",
        visibility: &c.note_visibility,
        language: c.language.as_deref(),
        uri: format!("{base}/users/{}/statuses/{}", author.handle, c.id),
        url: format!("{base}/notes/{}#comment-{}", c.note_id, c.id),
        replies_count: c.replies_count,
        reblogs_count: 0,
        favourites_count: c.likes_count,
        quotes_count: 0,
        edited_at: None,
        favourited: view.marks.liked.contains(&c.id),
        reblogged: false,
        muted: false,
        bookmarked: false,
        pinned: false,
        content: view.content(base, "", &c.body),
        filtered: [],
        reblog: None,
        application: None,
        account: AccountJson::from_profile(base, author),
        media_attachments: Vec::new(),
        mentions: view.mentions(base, &c.body),
        tags: Vec::new(),
        emojis: [],
        card: None,
        poll: None,
        title: None,
        collects_count: None,
        note_id: Some(c.note_id.to_string()),
        text: None,
    }
}

pub fn post_status<'a>(base: &str, p: &'a Post, view: &'a View) -> StatusJson<'a> {
    match p {
        Post::Note(n) => status(base, n, view),
        Post::Comment(c) => comment_status(base, c, view),
    }
}

/// Statuses as `viewer` sees them (their likes and collects marked, their media attached).
pub async fn statuses(
    s: &AppState,
    viewer: Option<i64>,
    base: &str,
    notes: &[NoteView],
) -> Result<RawJson, ApiError> {
    statuses_with(s, viewer, base, notes, &[]).await
}

/// Statuses as [`statuses`], the `i`-th with the field `extra[i]` added (an extension such as
/// Explore's `explore_reason`).
pub async fn statuses_with(
    s: &AppState,
    viewer: Option<i64>,
    base: &str,
    notes: &[NoteView],
    extra: &[(&'static str, &'static str)],
) -> Result<RawJson, ApiError> {
    let kept = s.statuses.kept(base, notes);
    let view = View::load_media_unless(&s.ctx, viewer, notes, &[], |n| kept.has(n)).await?;
    s.statuses.page(base, notes, &view, &kept, extra).map(RawJson).map_err(serialise_failed)
}

/// One status as `viewer` sees it.
pub async fn status_for(
    s: &AppState,
    viewer: Option<i64>,
    base: &str,
    note: &NoteView,
) -> Result<RawJson, ApiError> {
    let notes = std::slice::from_ref(note);
    let kept = s.statuses.kept(base, notes);
    let view = View::load_media_unless(&s.ctx, viewer, notes, &[], |n| kept.has(n)).await?;
    s.statuses.one(base, note, &view, &kept).map(RawJson).map_err(serialise_failed)
}

/// The view of a list of posts (notes or comments).
pub async fn view_of(ctx: &Ctx, viewer: Option<i64>, posts: &[Post]) -> Result<View, ApiError> {
    let mut notes = Vec::new();
    let mut comments = Vec::new();
    for p in posts {
        match p {
            Post::Note(n) => notes.push(n.clone()),
            Post::Comment(c) => comments.push(c.clone()),
        }
    }
    View::load(ctx, viewer, &notes, &comments).await
}

/// Posts (notes or comments) as `viewer` sees them.
pub async fn posts(
    ctx: &Ctx,
    viewer: Option<i64>,
    base: &str,
    posts: &[Post],
) -> Result<RawJson, ApiError> {
    let view = view_of(ctx, viewer, posts).await?;
    raw(&posts.iter().map(|p| post_status(base, p, &view)).collect::<Vec<_>>())
}

/// One post (a note or a comment) as `viewer` sees it.
pub async fn post_for(
    s: &AppState,
    viewer: Option<i64>,
    base: &str,
    post: &Post,
) -> Result<RawJson, ApiError> {
    match post {
        Post::Note(n) => status_for(s, viewer, base, n).await,
        Post::Comment(_) => {
            let view = view_of(&s.ctx, viewer, std::slice::from_ref(post)).await?;
            raw(&post_status(base, post, &view))
        }
    }
}

impl View {
    /// Mastodon's `mentions` of a post: the existing accounts its text names.
    fn mentions<'a>(&'a self, base: &str, text: &str) -> Vec<MentionJson<'a>> {
        if self.mentioned.is_empty() {
            return Vec::new();
        }
        nb_app::notes::mentions_in(text)
            .iter()
            .filter_map(|h| self.mentioned.get(h))
            .map(|p| MentionJson {
                id: p.id.to_string(),
                username: &p.handle,
                acct: &p.handle,
                url: profile_url(base, &p.handle),
            })
            .collect()
    }
}
