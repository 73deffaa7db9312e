//! Profiles (`/@{handle}`): who they are, their counts, and tabs of their notes, public
//! collects and likes.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use nb_app::{AppError, Page, accounts, engagement, feeds, media, social};
use serde::Deserialize;

use super::explore::next_by_id;
use super::format;
use super::pages::{self, CardsFragment, Chrome, ProfilePage};
use super::respond::error_page;
use super::views::{Person, cards};
use super::visitor::Visitor;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct ProfileParams {
    tab: Option<String>,
    cursor: Option<String>,
    partial: Option<String>,
}

pub async fn page(
    State(s): State<AppState>,
    v: Visitor,
    Path(at_handle): Path<String>,
    Query(q): Query<ProfileParams>,
) -> Response {
    match build(&s, &v, &at_handle, &q).await {
        Ok(res) => v.finish(res),
        Err(e) => error_page(&v, &e),
    }
}

async fn build(
    s: &AppState,
    v: &Visitor,
    at_handle: &str,
    q: &ProfileParams,
) -> Result<Response, AppError> {
    let Some(handle) = at_handle.strip_prefix('@') else {
        return Err(AppError::NotFound("page"));
    };
    let ctx = &s.ctx;
    let account = accounts::lookup(ctx, handle).await?;
    let own = v.id() == Some(account.id);
    let tab = match q.tab.as_deref() {
        Some("collects") => "collects",
        Some("likes") => "likes",
        _ => "notes",
    };
    let page =
        Page { max_id: q.cursor.as_deref().and_then(|c| c.parse().ok()), ..Page::newest(24) };
    let notes = match tab {
        // Likes and collects are the member's own business unless they are the viewer.
        "likes" if own => engagement::liked(ctx, &account, &page).await?,
        "collects" => public_collects(s, v, &account, &page).await?,
        "likes" => Vec::new(),
        _ => feeds::author(ctx, v.id(), account.id, &page).await?,
    };
    let url = format!("/@{}", account.handle);
    let more = next_by_id(&notes, &format!("{url}?tab={tab}&"));
    let ids: Vec<i64> = notes.iter().map(|n| n.id).collect();
    let photos = media::of_notes(ctx, &ids).await?;
    let marks = engagement::marks(ctx, v.id(), &notes).await?;
    let cards = cards(&v.t, &notes, &photos, &marks);
    let here = if tab == "notes" { url.clone() } else { format!("{url}?tab={tab}") };
    let c = Chrome::new(v, if own { "me" } else { "" }, &here);
    if q.partial.as_deref() == Some("1") {
        return Ok(pages::render(StatusCode::OK, &CardsFragment { c, cards, more }));
    }
    let follows = match v.id() {
        Some(me) if !own => social::relationship(ctx, me, account.id).await?.following,
        _ => false,
    };
    let received = ctx.store.likes_and_collects_received(account.id).await?;
    let profile = account.profile();
    let page = ProfilePage {
        c,
        person: Person::of(&profile),
        bio: profile.bio.clone(),
        region: profile.home_region.clone().unwrap_or_default(),
        languages: profile
            .languages
            .split(',')
            .map(|tag| language_name(&v.t, tag))
            .collect::<Vec<_>>()
            .join(" · "),
        following: format::count(&v.t, profile.following_count),
        followers: format::count(&v.t, profile.followers_count),
        likes_and_collects: format::count(&v.t, received),
        own,
        follows,
        tab,
        cards,
        more,
    };
    Ok(pages::render(StatusCode::OK, &page))
}

/// Notes in the member's public boards.
async fn public_collects(
    s: &AppState,
    v: &Visitor,
    account: &nb_app::AccountRow,
    page: &Page,
) -> Result<Vec<nb_app::NoteView>, AppError> {
    if v.id() == Some(account.id) {
        return engagement::collected(&s.ctx, account, page).await;
    }
    let notes = s.ctx.store.public_collected_notes(account.id, page).await?;
    let mut visible = Vec::with_capacity(notes.len());
    for n in notes {
        if nb_app::notes::can_see(&s.ctx, v.id(), &n).await? {
            visible.push(n);
        }
    }
    Ok(visible)
}

/// A language's name in the interface language; tags we have no name for stay as written.
fn language_name(t: &crate::i18n::Locale, tag: &str) -> String {
    match tag.split('-').next().unwrap_or(tag) {
        "zh" => t.t("settings-lang-zh-CN"),
        "en" => t.t("settings-lang-en"),
        "ja" => t.t("settings-lang-ja"),
        "ko" => t.t("settings-lang-ko"),
        _ => tag.to_owned(),
    }
}
