use axum::extract::State;
use axum::response::Html;
use nb_app::{Page, feeds};

use crate::extract::BaseUrl;
use crate::state::AppState;

/// The newest public notes. A plain page until the web app lands.
pub async fn page(State(s): State<AppState>, BaseUrl(base): BaseUrl) -> Html<String> {
    let notes = feeds::public(&s.ctx, None, &Page::newest(40)).await.unwrap_or_default();
    let mut items = String::new();
    for n in &notes {
        let author = n.author();
        items.push_str(&format!(
            "<li><article><h2>{}</h2>{}<p class=\"by\">@{} · {}</p></article></li>",
            nb_text::escape(&n.title),
            nb_text::render_status("", &n.body, &base, |_| None),
            nb_text::escape(&author.handle),
            crate::time_fmt::date(n.created_at),
        ));
    }
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title></head><body><h1>{}</h1><ul>{items}</ul></body></html>",
        nb_text::escape(&s.config.instance_title),
        nb_text::escape(&s.config.instance_title),
    ))
}
