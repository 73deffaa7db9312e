//! The composer: photos with alt text, title, text (tags inline), visibility. Errors come back
//! on the same form with everything typed kept; the script checks photos before sending.

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use nb_app::notes::Compose;
use nb_app::{AppError, media, notes};

use super::pages::{self, Chrome, ComposePage};
use super::respond::{error_message, member, redirect};
use super::visitor::Visitor;
use crate::state::AppState;

pub const MAX_PHOTOS: usize = nb_app::media::MAX_PER_NOTE;
pub const MAX_PHOTO_MB: usize = 16;
/// The whole form: eighteen phone photos fit.
pub const MAX_BODY: usize = 100 * 1024 * 1024;

#[derive(Default)]
struct Draft {
    csrf: String,
    title: String,
    text: String,
    visibility: String,
    alts: Vec<String>,
    photos: Vec<Vec<u8>>,
}

fn form(v: &Visitor, d: &Draft, errors: Vec<String>) -> ComposePage {
    ComposePage {
        c: Chrome::new(v, "compose", "/compose"),
        title: d.title.clone(),
        text: d.text.clone(),
        visibility: if d.visibility.is_empty() { "public".into() } else { d.visibility.clone() },
        alts: d.alts.clone(),
        errors,
        max_photos: MAX_PHOTOS,
        max_photo_mb: MAX_PHOTO_MB,
    }
}

pub async fn page(v: Visitor) -> Response {
    if let Err(r) = member(&v, "/compose") {
        return r;
    }
    v.finish(pages::render(StatusCode::OK, &form(&v, &Draft::default(), Vec::new())))
}

/// Read the multipart form; a photo over the size limit stops reading with that error.
async fn read(req: Request, s: &AppState, v: &Visitor) -> Result<Draft, String> {
    let mut mp = Multipart::from_request(req, s).await.map_err(|_| v.t.t("compose-error-form"))?;
    let mut d = Draft::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(v.t.t("compose-error-too-large"));
            }
            Err(_) => return Err(v.t.t("compose-error-form")),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photos" {
            let bytes = field.bytes().await.map_err(|_| v.t.t("compose-error-too-large"))?;
            if bytes.is_empty() {
                continue;
            }
            if bytes.len() > MAX_PHOTO_MB * 1024 * 1024 {
                return Err(v.t.t("compose-error-too-large"));
            }
            d.photos.push(bytes.to_vec());
            continue;
        }
        let text = field.text().await.map_err(|_| v.t.t("compose-error-form"))?;
        match name.as_str() {
            "csrf" => d.csrf = text,
            "title" => d.title = text,
            "text" => d.text = text,
            "visibility" => d.visibility = text,
            "alt" => d.alts.push(text),
            _ => {}
        }
    }
    Ok(d)
}

pub async fn submit(State(s): State<AppState>, v: Visitor, req: Request) -> Response {
    let me = match member(&v, "/compose") {
        Ok(m) => m.clone(),
        Err(r) => return r,
    };
    let draft = match read(req, &s, &v).await {
        Ok(d) => d,
        Err(text) => {
            let page = form(&v, &Draft::default(), vec![text]);
            return v.finish(pages::render(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    if let Err(r) = super::respond::check_csrf(&v, Some(&draft.csrf)) {
        return r;
    }
    let fail = |status: StatusCode, text: String| {
        v.finish(pages::render(status, &form(&v, &draft, vec![text])))
    };
    if draft.photos.len() > MAX_PHOTOS {
        return fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            v.t.t1("compose-error-too-many", "max", MAX_PHOTOS),
        );
    }
    let mut media_ids = Vec::with_capacity(draft.photos.len());
    for (i, bytes) in draft.photos.iter().enumerate() {
        let alt = draft.alts.get(i).map(String::as_str).filter(|a| !a.trim().is_empty());
        match media::upload(&s.ctx, &me, bytes.clone(), alt).await {
            Ok(m) => media_ids.push(m.id),
            Err(e) => {
                let (status, text) = error_message(&v.t, &e);
                return fail(status, v.t.t1("compose-error-photo", "n", i + 1) + " " + &text);
            }
        }
    }
    let compose = Compose {
        title: Some(draft.title.clone()),
        text: draft.text.clone(),
        visibility: Some(draft.visibility.clone()),
        media_ids,
        ..Compose::default()
    };
    match notes::post(&s.ctx, &me, compose).await {
        Ok(n) => redirect(&format!("/notes/{}", n.id)),
        Err(e @ AppError::Validation(_)) => {
            let (status, text) = error_message(&v.t, &e);
            fail(status, text)
        }
        Err(e) => super::respond::error_page(&v, &e),
    }
}
