//! Mastodon's JSON shapes, built from Notebridge's read models. Notebridge's own fields are
//! extensions that standard clients ignore: a note's `title`, an account's languages and region.

use nb_app::posts::Post;
use std::collections::HashMap;

use nb_app::{
    AccountRow, CommentView, Ctx, MediaRow, NoteView, Profile, ViewerMarks, engagement, media,
    notes,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::time_fmt::{date, iso8601};
use nb_app::BoardRow;
use nb_app::notifications::Notification;

pub fn account(base: &str, p: &Profile) -> Value {
    let picture = |key: &Option<String>, missing: &str| match key {
        Some(k) => format!("{base}/media/{k}"),
        None => format!("{base}/assets/{missing}"),
    };
    let avatar = picture(&p.avatar_key, "avatar-missing.png");
    let header = picture(&p.header_key, "header-missing.png");
    json!({
        "id": p.id.to_string(),
        "username": p.handle,
        "acct": p.handle,
        "display_name": p.display_name,
        "locked": false,
        "bot": false,
        "discoverable": true,
        "indexable": true,
        "group": false,
        "noindex": false,
        "hide_collections": false,
        "created_at": iso8601(p.created_at - p.created_at.rem_euclid(86_400_000)),
        "note": nb_text::render_status("", &p.bio, base, |_| None),
        "url": profile_url(base, &p.handle),
        "uri": format!("{base}/users/{}", p.handle),
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": p.followers_count,
        "following_count": p.following_count,
        "statuses_count": p.notes_count,
        "last_status_at": p.last_note_at.map(date),
        "emojis": [],
        "fields": [],
        "roles": [],
        "languages": languages(&p.languages),
        "home_region": p.home_region,
    })
}

fn languages(csv: &str) -> Vec<&str> {
    csv.split(',').filter(|l| !l.is_empty()).collect()
}

/// The signed-in member's own account, with `source` and `role` as `verify_credentials` gives.
pub fn credential_account(base: &str, a: &AccountRow) -> Value {
    let mut v = account(base, &a.profile());
    v["source"] = json!({
        "privacy": "public",
        "sensitive": false,
        "language": languages(&a.languages).first().copied().unwrap_or("en"),
        "note": a.bio,
        "fields": [],
        "follow_requests_count": 0,
        "discoverable": true,
        "indexable": true,
        "hide_collections": false,
        "attribution_domains": [],
    });
    v["role"] = json!({
        "id": match a.role.as_str() { "admin" => "3", "moderator" => "2", _ => "-99" },
        "name": if a.role == "user" { "" } else { a.role.as_str() },
        "permissions": "0",
        "color": "",
        "highlighted": a.role != "user",
    });
    v
}

#[derive(Serialize)]
struct Tag {
    name: String,
    url: String,
}

/// What rendering a page of statuses needs beyond the rows: the viewer's likes and collects,
/// and the notes' media.
#[derive(Debug, Default)]
pub struct View {
    pub marks: ViewerMarks,
    pub media: HashMap<i64, Vec<MediaRow>>,
    /// The accounts the posts mention, by lower-cased handle.
    pub mentioned: HashMap<String, Profile>,
}

impl View {
    pub async fn load(
        ctx: &Ctx,
        viewer: Option<i64>,
        notes: &[NoteView],
        comments: &[CommentView],
    ) -> Result<Self, ApiError> {
        let marks = engagement::marks_with_comments(ctx, viewer, notes, comments).await?;
        let ids: Vec<i64> = notes.iter().map(|n| n.id).collect();
        let texts =
            notes.iter().map(|n| n.body.as_str()).chain(comments.iter().map(|c| c.body.as_str()));
        Ok(View {
            marks,
            media: media::of_notes(ctx, &ids).await?,
            mentioned: notes::mentioned_profiles(ctx, texts).await?,
        })
    }

    /// A post's text as HTML, its mentions linked to the accounts they name.
    fn content(&self, base: &str, title: &str, text: &str) -> String {
        nb_text::render_status(title, text, base, |handle| {
            self.mentioned.get(&handle.to_ascii_lowercase()).map(|p| profile_url(base, &p.handle))
        })
    }

    /// Mastodon's `mentions` of a post: the existing accounts its text names.
    fn mentions(&self, base: &str, text: &str) -> Vec<Value> {
        notes::mentions_in(text)
            .iter()
            .filter_map(|h| self.mentioned.get(h))
            .map(|p| {
                json!({
                    "id": p.id.to_string(),
                    "username": p.handle,
                    "acct": p.handle,
                    "url": profile_url(base, &p.handle),
                })
            })
            .collect()
    }
}

fn profile_url(base: &str, handle: &str) -> String {
    format!("{base}/@{handle}")
}

/// An uploaded image as a Mastodon MediaAttachment.
pub fn media_attachment(base: &str, m: &MediaRow) -> Value {
    let meta = |w: i64, h: i64| {
        #[allow(clippy::cast_precision_loss)]
        let aspect = if h > 0 { w as f64 / h as f64 } else { 1.0 };
        json!({ "width": w, "height": h, "size": format!("{w}x{h}"), "aspect": aspect })
    };
    json!({
        "id": m.id.to_string(),
        "type": "image",
        "url": format!("{base}/media/{}", m.original_key),
        "preview_url": format!("{base}/media/{}", m.small_key),
        "remote_url": null,
        "preview_remote_url": null,
        "text_url": null,
        "meta": {
            "original": meta(m.original_width, m.original_height),
            "small": meta(m.small_width, m.small_height),
            "focus": { "x": 0.0, "y": 0.0 },
        },
        "description": if m.description.is_empty() { Value::Null } else { json!(m.description) },
        "blurhash": m.blurhash,
    })
}

/// A note as a Mastodon Status, as the viewer sees it.
pub fn status(base: &str, n: &NoteView, view: &View) -> Value {
    let marks = &view.marks;
    let media: Vec<Value> = view
        .media
        .get(&n.id)
        .map(|list| list.iter().map(|m| media_attachment(base, m)).collect())
        .unwrap_or_default();
    let author = n.author();
    let tags: Vec<Tag> = nb_text::status::tags(&format!("{} {}", n.title, n.body))
        .into_iter()
        .map(|name| Tag { url: format!("{base}/tags/{name}"), name })
        .collect();
    json!({
        "id": n.id.to_string(),
        "created_at": iso8601(n.created_at),
        "in_reply_to_id": null,
        "in_reply_to_account_id": null,
        "sensitive": false,
        "spoiler_text": "",
        "visibility": n.visibility,
        "language": n.language,
        "uri": format!("{base}/users/{}/statuses/{}", author.handle, n.id),
        "url": format!("{base}/notes/{}", n.id),
        "replies_count": n.comments_count,
        "reblogs_count": 0,
        "favourites_count": n.likes_count,
        "quotes_count": 0,
        "edited_at": null,
        "favourited": marks.liked.contains(&n.id),
        "reblogged": false,
        "muted": false,
        "bookmarked": marks.collected.contains(&n.id),
        "pinned": false,
        "content": view.content(base, &n.title, &n.body),
        "filtered": [],
        "reblog": null,
        "application": n.app_name.as_ref().map(|name| json!({ "name": name, "website": n.app_website })),
        "account": account(base, &author),
        "media_attachments": media,
        "mentions": view.mentions(base, &n.body),
        "tags": tags,
        "emojis": [],
        "card": null,
        "poll": null,
        "title": n.title,
        "collects_count": n.collects_count,
    })
}

/// Statuses as `viewer` sees them (their likes and collects marked, their media attached).
pub async fn statuses(
    ctx: &Ctx,
    viewer: Option<i64>,
    base: &str,
    notes: &[NoteView],
) -> Result<Value, ApiError> {
    let view = View::load(ctx, viewer, notes, &[]).await?;
    Ok(Value::Array(notes.iter().map(|n| status(base, n, &view)).collect()))
}

/// One status as `viewer` sees it.
pub async fn status_for(
    ctx: &Ctx,
    viewer: Option<i64>,
    base: &str,
    note: &NoteView,
) -> Result<Value, ApiError> {
    let view = View::load(ctx, viewer, std::slice::from_ref(note), &[]).await?;
    Ok(status(base, note, &view))
}

/// A comment as a Mastodon Status: a reply to its note or to its top-level comment.
pub fn comment_status(base: &str, c: &CommentView, view: &View) -> Value {
    let marks = &view.marks;
    let author = c.author();
    json!({
        "id": c.id.to_string(),
        "created_at": iso8601(c.created_at),
        "in_reply_to_id": c.parent_id.unwrap_or(c.note_id).to_string(),
        "in_reply_to_account_id": c.reply_to_account_id.unwrap_or(c.note_author_id).to_string(),
        "sensitive": false,
        "spoiler_text": "",
        "visibility": c.note_visibility,
        "language": c.language,
        "uri": format!("{base}/users/{}/statuses/{}", author.handle, c.id),
        "url": format!("{base}/notes/{}#comment-{}", c.note_id, c.id),
        "replies_count": c.replies_count,
        "reblogs_count": 0,
        "favourites_count": c.likes_count,
        "quotes_count": 0,
        "edited_at": null,
        "favourited": marks.liked.contains(&c.id),
        "reblogged": false,
        "muted": false,
        "bookmarked": false,
        "pinned": false,
        "content": view.content(base, "", &c.body),
        "filtered": [],
        "reblog": null,
        "application": null,
        "account": account(base, &author),
        "media_attachments": [],
        "mentions": view.mentions(base, &c.body),
        "tags": [],
        "emojis": [],
        "card": null,
        "poll": null,
        "note_id": c.note_id.to_string(),
    })
}

pub fn post_status(base: &str, p: &Post, view: &View) -> Value {
    match p {
        Post::Note(n) => status(base, n, view),
        Post::Comment(c) => comment_status(base, c, view),
    }
}

/// Posts (notes or comments) as `viewer` sees them.
pub async fn posts(
    ctx: &Ctx,
    viewer: Option<i64>,
    base: &str,
    posts: &[Post],
) -> Result<Value, ApiError> {
    let mut notes = Vec::new();
    let mut comments = Vec::new();
    for p in posts {
        match p {
            Post::Note(n) => notes.push(n.clone()),
            Post::Comment(c) => comments.push(c.clone()),
        }
    }
    let view = View::load(ctx, viewer, &notes, &comments).await?;
    Ok(Value::Array(posts.iter().map(|p| post_status(base, p, &view)).collect()))
}

pub fn notification(base: &str, n: &Notification, view: &View) -> Value {
    // Comments, replies and mentions reach standard clients as Mastodon's `mention`.
    let kind = match n.kind.as_str() {
        "comment" | "reply" => "mention",
        k => k,
    };
    let status = match (&n.comment, &n.note) {
        (Some(c), _) => Some(comment_status(base, c, view)),
        (None, Some(note)) => Some(status(base, note, view)),
        (None, None) => None,
    };
    json!({
        "id": n.id.to_string(),
        "type": kind,
        "notebridge_type": n.kind,
        "created_at": iso8601(n.created_at),
        "group_key": format!("ungrouped-{}", n.id),
        "account": account(base, &n.actor),
        "status": status,
    })
}

pub fn board(b: &BoardRow) -> Value {
    json!({
        "id": b.id.to_string(),
        "name": b.name,
        "default": b.is_default != 0,
        "visibility": b.visibility,
        "notes_count": b.notes_count,
        "created_at": iso8601(b.created_at),
    })
}
