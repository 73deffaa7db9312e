//! Mastodon's JSON shapes, built from Notebridge's read models. Notebridge's own fields are
//! extensions that standard clients ignore: a note's `title`, an account's languages and region.

use std::collections::HashMap;

use nb_app::{
    AccountRow, CommentView, Ctx, MediaRow, NoteView, Profile, ViewerMarks, engagement, media,
    notes,
};
use serde::Serialize;
use serde_json::{Value, json};

mod memo;
mod status;
mod translation;

pub use memo::StatusMemo;
pub use status::{
    MediaJson, RawJson, StatusJson, comment_status, media_attachment, post_for, post_status, posts,
    raw, status, status_for, statuses, statuses_with, view_of,
};
pub use translation::{TranslationJson, translation};

use crate::error::ApiError;
use crate::time_fmt::{date, iso8601};
use nb_app::BoardRow;
use nb_app::notifications::Notification;

/// A member's public profile as a Mastodon Account.
pub fn account(base: &str, p: &Profile) -> Value {
    serde_json::to_value(AccountJson::new(base, p)).unwrap_or(Value::Null)
}

/// Mastodon's Account, built without an intermediate `Value` (it is in every status).
#[derive(Serialize)]
pub struct AccountJson {
    id: String,
    username: String,
    acct: String,
    display_name: String,
    locked: bool,
    bot: bool,
    discoverable: bool,
    indexable: bool,
    group: bool,
    noindex: bool,
    hide_collections: bool,
    created_at: String,
    note: String,
    url: String,
    uri: String,
    avatar: String,
    avatar_static: String,
    header: String,
    header_static: String,
    followers_count: i64,
    following_count: i64,
    statuses_count: i64,
    last_status_at: Option<String>,
    emojis: [(); 0],
    fields: [(); 0],
    roles: [(); 0],
    languages: Vec<String>,
    home_region: Option<String>,
}

impl AccountJson {
    pub fn new(base: &str, p: &Profile) -> Self {
        Self::from_profile(base, p.clone())
    }

    /// The account of `p`, taking its strings.
    pub fn from_profile(base: &str, p: Profile) -> Self {
        let picture = |key: &Option<String>, missing: &str| match key {
            Some(k) => format!("{base}/media/{k}"),
            None => format!("{base}/assets/{missing}"),
        };
        let avatar = picture(&p.avatar_key, "avatar-missing.png");
        let header = picture(&p.header_key, "header-missing.png");
        AccountJson {
            id: p.id.to_string(),
            created_at: iso8601(p.created_at - p.created_at.rem_euclid(86_400_000)),
            note: if p.bio.is_empty() {
                String::new()
            } else {
                nb_text::render_status("", &p.bio, base, |_| None)
            },
            url: profile_url(base, &p.handle),
            uri: format!("{base}/users/{}", p.handle),
            acct: p.handle.clone(),
            username: p.handle,
            display_name: p.display_name,
            locked: false,
            bot: false,
            discoverable: true,
            indexable: true,
            group: false,
            noindex: false,
            hide_collections: false,
            avatar_static: avatar.clone(),
            avatar,
            header_static: header.clone(),
            header,
            followers_count: p.followers_count,
            following_count: p.following_count,
            statuses_count: p.notes_count,
            last_status_at: p.last_note_at.map(date),
            emojis: [],
            fields: [],
            roles: [],
            languages: languages(&p.languages).into_iter().map(str::to_owned).collect(),
            home_region: p.home_region,
        }
    }
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
        Self::load_media_unless(ctx, viewer, notes, comments, |_| false).await
    }

    /// [`View::load`] without the media of the notes `known` picks (the caller has them).
    pub async fn load_media_unless(
        ctx: &Ctx,
        viewer: Option<i64>,
        notes: &[NoteView],
        comments: &[CommentView],
        known: impl Fn(i64) -> bool,
    ) -> Result<Self, ApiError> {
        let ids: Vec<i64> = notes.iter().map(|n| n.id).filter(|&n| !known(n)).collect();
        let texts =
            notes.iter().map(|n| n.body.as_str()).chain(comments.iter().map(|c| c.body.as_str()));
        // Independent reads: on PostgreSQL they go out together, each on its own connection
        // (SQLite reads run inline, one after the other, either way).
        let (marks, media, mentioned) = tokio::try_join!(
            engagement::marks_with_comments(ctx, viewer, notes, comments),
            media::of_notes(ctx, &ids),
            notes::mentioned_profiles(ctx, texts),
        )?;
        Ok(View { marks, media, mentioned })
    }

    /// A post's text as HTML, its mentions linked to the accounts they name.
    fn content(&self, base: &str, title: &str, text: &str) -> String {
        nb_text::render_status(title, text, base, |handle| {
            self.mentioned.get(&handle.to_ascii_lowercase()).map(|p| profile_url(base, &p.handle))
        })
    }
}

fn profile_url(base: &str, handle: &str) -> String {
    format!("{base}/@{handle}")
}

/// A notification as Mastodon's, its status rendered as `view` sees it.
pub fn notification<'a>(base: &str, n: &'a Notification, view: &'a View) -> NotificationJson<'a> {
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
    NotificationJson {
        id: n.id.to_string(),
        kind,
        notebridge_type: &n.kind,
        created_at: iso8601(n.created_at),
        group_key: format!("ungrouped-{}", n.id),
        account: AccountJson::new(base, &n.actor),
        status,
    }
}

#[derive(Serialize)]
pub struct NotificationJson<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'a str,
    notebridge_type: &'a str,
    created_at: String,
    group_key: String,
    account: AccountJson,
    status: Option<StatusJson<'a>>,
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
