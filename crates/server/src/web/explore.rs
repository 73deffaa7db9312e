//! Explore (the home page), the Following feed and tag pages: grids of note cards, paged by
//! cursor. `?partial=1` answers with the next cards only, for endless scrolling.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use nb_app::explore::{self, Cursor};
use nb_app::{NoteView, Page, engagement, feeds, media};
use serde::Deserialize;

use super::pages::{self, CardsFragment, Chrome, Explore, Topic};
use super::respond::{error_page, member};
use super::views::cards;
use super::visitor::Visitor;
use crate::state::{AppState, TRENDING_TTL};
use std::time::Instant;

/// Cards per page: enough to fill a desktop screen twice.
const PAGE_SIZE: i64 = 24;

#[derive(Deserialize, Default)]
pub struct FeedParams {
    /// Opaque on Explore, a note id elsewhere.
    cursor: Option<String>,
    partial: Option<String>,
}

impl FeedParams {
    fn partial(&self) -> bool {
        self.partial.as_deref().is_some_and(|p| p == "1")
    }
}

pub async fn explore(
    State(s): State<AppState>,
    v: Visitor,
    Query(q): Query<FeedParams>,
) -> Response {
    // A cursor from an old link or a hand-edited one starts Explore afresh.
    let cursor = q.cursor.as_deref().and_then(Cursor::decode);
    let page = match explore::page(&s.ctx, v.id(), cursor, PAGE_SIZE as usize).await {
        Ok(p) => p,
        Err(e) => return error_page(&v, &e),
    };
    let more = page.next.map(|c| format!("/?cursor={}", c.encode()));
    let heading = v.t.t("explore-title");
    let empty = v.t.t("explore-empty");
    let why = page.why.iter().map(|w| v.t.t(&format!("explore-why-{}", w.key()))).collect();
    let notes = page.notes;
    grid(&s, &v, q.partial(), notes, why, more, heading, "explore", empty, "/", None).await
}

pub async fn following(
    State(s): State<AppState>,
    v: Visitor,
    Query(q): Query<FeedParams>,
) -> Response {
    let me = match member(&v, "/following") {
        Ok(m) => m,
        Err(r) => return r,
    };
    let page = Page {
        max_id: q.cursor.as_deref().and_then(|c| c.parse().ok()),
        ..Page::newest(PAGE_SIZE)
    };
    let notes = match feeds::home(&s.ctx, me.id, &page).await {
        Ok(n) => n,
        Err(e) => return error_page(&v, &e),
    };
    let more = next_by_id(&notes, "/following?");
    let (heading, empty) = (v.t.t("following-title"), v.t.t("following-empty"));
    let (why, tab) = (Vec::new(), "following");
    grid(&s, &v, q.partial(), notes, why, more, heading, tab, empty, "/following", None).await
}

pub async fn tag(
    State(s): State<AppState>,
    v: Visitor,
    Path(tag): Path<String>,
    Query(q): Query<FeedParams>,
) -> Response {
    let page = Page {
        max_id: q.cursor.as_deref().and_then(|c| c.parse().ok()),
        ..Page::newest(PAGE_SIZE)
    };
    let notes = match feeds::tag(&s.ctx, v.id(), &tag, &page).await {
        Ok(n) => n,
        Err(e) => return error_page(&v, &e),
    };
    let here = format!("/tags/{}", pages::query_escape(&tag));
    let more = next_by_id(&notes, &format!("{here}?"));
    let heading = v.t.t1("tag-heading", "tag", tag.clone());
    let empty = v.t.t("tag-empty");
    let key = nb_text::tag_key(tag.trim_start_matches('#'));
    grid(&s, &v, q.partial(), notes, Vec::new(), more, heading, "tag", empty, &here, Some(&key))
        .await
}

/// Explore's topic tabs: the trending tags, counted at most once every few minutes.
async fn topics(s: &AppState) -> Vec<String> {
    let fresh = |at: &Instant| at.elapsed() < TRENDING_TTL;
    if let Ok(guard) = s.trending.lock()
        && let Some((at, tags)) = guard.as_ref()
        && fresh(at)
    {
        return tags.clone();
    }
    match feeds::trending_tags(&s.ctx, 8).await {
        Ok(tags) => {
            if let Ok(mut guard) = s.trending.lock() {
                *guard = Some((Instant::now(), tags.clone()));
            }
            tags
        }
        Err(e) => {
            tracing::warn!(error = %e, "counting trending tags");
            Vec::new()
        }
    }
}

/// The link to the page after `notes`, when the page was full.
pub fn next_by_id(notes: &[NoteView], prefix: &str) -> Option<String> {
    (notes.len() as i64 >= PAGE_SIZE)
        .then(|| notes.last().map(|n| format!("{prefix}cursor={}", n.cursor)))
        .flatten()
}

#[allow(clippy::too_many_arguments)]
async fn grid(
    s: &AppState,
    v: &Visitor,
    partial: bool,
    notes: Vec<NoteView>,
    why: Vec<String>,
    more: Option<String>,
    heading: String,
    tab: &'static str,
    empty: String,
    here: &str,
    current_tag: Option<&str>,
) -> Response {
    let ids: Vec<i64> = notes.iter().map(|n| n.id).collect();
    let photos = match media::of_notes(&s.ctx, &ids).await {
        Ok(p) => p,
        Err(e) => return error_page(v, &e),
    };
    let marks = match engagement::marks(&s.ctx, v.id(), &notes).await {
        Ok(m) => m,
        Err(e) => return error_page(v, &e),
    };
    let mut cards = cards(&v.t, &notes, &photos, &marks);
    for (card, why) in cards.iter_mut().zip(why) {
        card.why = Some(why);
    }
    let nav = if tab == "tag" { "" } else { tab };
    let c = Chrome::new(v, nav, here);
    let res = if partial {
        pages::render(StatusCode::OK, &CardsFragment { c, cards, more })
    } else {
        let topics = topics(s)
            .await
            .into_iter()
            .map(|name| Topic {
                href: format!("/tags/{}", pages::query_escape(&name)),
                selected: tab == "tag" && current_tag == Some(name.as_str()),
                name,
            })
            .collect();
        let page = Explore { c, heading, tab, cards, more, empty, topics };
        pages::render(StatusCode::OK, &page)
    };
    v.finish(res)
}
