//! Mastodon's JSON shapes, built from Notebridge's read models. Notebridge's own fields are
//! extensions that standard clients ignore: a note's `title`, an account's languages and region.

use nb_app::{AccountRow, NoteView, Profile};
use serde::Serialize;
use serde_json::{Value, json};

use crate::time_fmt::{date, iso8601};

pub fn account(base: &str, p: &Profile) -> Value {
    let avatar = format!("{base}/assets/avatar-missing.png");
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
        "url": format!("{base}/@{}", p.handle),
        "uri": format!("{base}/users/{}", p.handle),
        "avatar": avatar,
        "avatar_static": avatar,
        "header": format!("{base}/assets/header-missing.png"),
        "header_static": format!("{base}/assets/header-missing.png"),
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

pub fn status(base: &str, n: &NoteView) -> Value {
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
        "favourited": false,
        "reblogged": false,
        "muted": false,
        "bookmarked": false,
        "pinned": false,
        "content": nb_text::render_status(&n.title, &n.body, base, |_| None),
        "filtered": [],
        "reblog": null,
        "application": n.app_name.as_ref().map(|name| json!({ "name": name, "website": n.app_website })),
        "account": account(base, &author),
        "media_attachments": [],
        "mentions": [],
        "tags": tags,
        "emojis": [],
        "card": null,
        "poll": null,
        "title": n.title,
        "collects_count": n.collects_count,
    })
}

pub fn statuses(base: &str, notes: &[NoteView]) -> Value {
    Value::Array(notes.iter().map(|n| status(base, n)).collect())
}
