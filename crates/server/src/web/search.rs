//! Search: people by handle or name, and tags.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use nb_app::search;
use serde::Deserialize;

use super::format;
use super::pages::{self, Chrome, FoundPerson, SearchPage};
use super::respond::error_message;
use super::views::Person;
use super::visitor::Visitor;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct SearchParams {
    q: Option<String>,
}

pub async fn page(
    State(s): State<AppState>,
    v: Visitor,
    Query(p): Query<SearchParams>,
) -> Response {
    let q = p.q.unwrap_or_default();
    let here = format!("/search?q={}", pages::query_escape(&q));
    let mut page = SearchPage {
        c: Chrome::new(&v, "", &here),
        q: q.clone(),
        people: Vec::new(),
        tags: Vec::new(),
        error: None,
        searched: false,
    };
    let mut status = StatusCode::OK;
    if !q.trim().is_empty() {
        page.searched = true;
        match search::search(&s.ctx, v.id(), &q, None, 20, 0).await {
            Ok(found) => {
                page.people = found
                    .accounts
                    .iter()
                    .map(|a| FoundPerson {
                        person: Person::of(a),
                        followers: v.t.t1(
                            "search-followers",
                            "count",
                            format::count(&v.t, a.followers_count),
                        ),
                        bio: a.bio.chars().take(80).collect(),
                    })
                    .collect();
                page.tags = found.tags;
            }
            Err(e) => {
                let (code, text) = error_message(&v.t, &e);
                status = code;
                page.error = Some(text);
            }
        }
    }
    v.finish(pages::render(status, &page))
}
