use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use nb_app::{Page, feeds, media};
use serde::Deserialize;

use super::pages::{self, Card, Cover, Landing};
use crate::extract::BaseUrl;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LandingParams {
    lang: Option<String>,
}

/// The newest public notes as cards. The full Explore page arrives with the web app.
pub async fn page(
    State(s): State<AppState>,
    BaseUrl(base): BaseUrl,
    headers: HeaderMap,
    Query(q): Query<LandingParams>,
) -> Response {
    let t = pages::locale(q.lang.as_deref(), &headers);
    let notes = match feeds::public(&s.ctx, None, &Page::newest(40)).await {
        Ok(n) => n,
        Err(e) => {
            tracing::error!(error = %e, "landing page");
            return pages::render(
                StatusCode::SERVICE_UNAVAILABLE,
                &Landing { t, switch_url: String::new(), cards: vec![] },
            );
        }
    };
    let ids: Vec<i64> = notes.iter().map(|n| n.id).collect();
    let media = media::of_notes(&s.ctx, &ids).await.unwrap_or_default();
    let cards = notes
        .iter()
        .map(|n| {
            let photos = media.get(&n.id);
            let author = n.author();
            Card {
                title: if n.title.is_empty() {
                    n.body.chars().take(40).collect()
                } else {
                    n.title.clone()
                },
                author: if author.display_name.is_empty() {
                    author.handle
                } else {
                    author.display_name
                },
                cover: photos.and_then(|p| p.first()).map(|m| Cover {
                    url: format!("{base}/media/{}", m.small_key),
                    alt: m.description.clone(),
                    width: m.small_width,
                    height: m.small_height,
                }),
                photos: photos.map_or(0, Vec::len),
            }
        })
        .collect();
    let switch_url = format!("/?lang={}", t.other());
    pages::render(StatusCode::OK, &Landing { t, switch_url, cards })
}
