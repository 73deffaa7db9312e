//! The member's notifications: who liked, collected, commented, replied, followed, mentioned.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use nb_app::{Page, notifications};
use serde::Deserialize;

use super::format;
use super::pages::{self, Chrome, NoticeItem, NotificationsPage};
use super::respond::{error_page, member};
use super::views::{Person, card_title};
use super::visitor::Visitor;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct NoticeParams {
    cursor: Option<String>,
}

pub async fn page(
    State(s): State<AppState>,
    v: Visitor,
    Query(q): Query<NoticeParams>,
) -> Response {
    let me = match member(&v, "/notifications") {
        Ok(m) => m,
        Err(r) => return r,
    };
    let page =
        Page { max_id: q.cursor.as_deref().and_then(|c| c.parse().ok()), ..Page::newest(30) };
    let list = match notifications::list(&s.ctx, me, None, &page).await {
        Ok(l) => l,
        Err(e) => return error_page(&v, &e),
    };
    let now = s.ctx.now();
    let more = (list.len() >= 30)
        .then(|| list.last().map(|n| format!("/notifications?cursor={}", n.id)))
        .flatten();
    let items = list
        .iter()
        .map(|n| {
            let key = match n.kind.as_str() {
                "favourite" if n.comment.is_some() => "notice-comment-like",
                "favourite" => "notice-like",
                "collect" => "notice-collect",
                "comment" => "notice-comment",
                "reply" => "notice-reply",
                "follow" => "notice-follow",
                "mention" => "notice-mention",
                _ => "notice-other",
            };
            let (url, excerpt) = match (&n.comment, &n.note) {
                (Some(c), _) => (
                    Some(format!("/notes/{}#c{}", c.note_id, c.id)),
                    c.body.chars().take(80).collect(),
                ),
                (None, Some(note)) => (Some(format!("/notes/{}", note.id)), card_title(note)),
                (None, None) => (None, String::new()),
            };
            NoticeItem {
                actor: Person::of(&n.actor),
                text: v.t.t(key),
                when: format::ago(&v.t, n.created_at, now),
                url,
                excerpt,
            }
        })
        .collect();
    // Opening the newest notifications marks them read (older pages leave the marker alone).
    let mut c = Chrome::new(&v, "notifications", "/notifications");
    if q.cursor.is_none()
        && let Some(newest) = list.first()
    {
        if let Err(e) = notifications::set_marker(&s.ctx, me, "notifications", newest.id).await {
            tracing::warn!(error = %e, "moving the notifications marker");
        }
        c.unread = None;
    }
    v.finish(pages::render(StatusCode::OK, &NotificationsPage { c, items, more }))
}
