use axum::Json;
use axum::extract::State;
use nb_domain::RegistrationMode;
use serde_json::{Value, json};

use crate::extract::BaseUrl;
use crate::state::AppState;

/// What Mastodon clients gate features on: a Mastodon version we are compatible with.
pub const VERSION: &str = concat!("4.3.0 (compatible; Notebridge ", env!("CARGO_PKG_VERSION"), ")");
const DESCRIPTION: &str =
    "A notes community for people who do not share a language. 一个跨语言的生活笔记社区。";

fn host(base: &str) -> &str {
    base.split_once("://").map_or(base, |(_, h)| h)
}

fn configuration(s: &AppState) -> Value {
    json!({
        "accounts": { "max_featured_tags": 10, "max_pinned_statuses": 5 },
        "statuses": {
            "max_characters": nb_domain::NoteText::MAX,
            "max_media_attachments": 18,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/webp", "image/gif"],
            "image_size_limit": 16 * 1024 * 1024,
            "image_matrix_limit": 33_177_600,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": { "max_options": 0, "max_characters_per_option": 0, "min_expiration": 0, "max_expiration": 0 },
        "translation": { "enabled": s.ctx.translation.enabled() },
    })
}

pub async fn v1(State(s): State<AppState>, BaseUrl(base): BaseUrl) -> Json<Value> {
    let mode = s.ctx.settings.registration;
    Json(json!({
        "uri": host(&base),
        "title": s.config.instance_title,
        "short_description": DESCRIPTION,
        "description": DESCRIPTION,
        "email": "",
        "version": VERSION,
        "urls": { "streaming_api": format!("ws://{}", host(&base)) },
        "stats": { "user_count": 0, "status_count": 0, "domain_count": 1 },
        "thumbnail": null,
        "languages": ["zh", "en"],
        "registrations": mode != RegistrationMode::Closed,
        "approval_required": mode == RegistrationMode::Approval,
        "invites_enabled": false,
        "configuration": configuration(&s),
        "contact_account": null,
        "rules": [],
    }))
}

pub async fn v2(State(s): State<AppState>, BaseUrl(base): BaseUrl) -> Json<Value> {
    let mode = s.ctx.settings.registration;
    let mut configuration = configuration(&s);
    configuration["urls"] = json!({ "streaming": format!("ws://{}", host(&base)) });
    Json(json!({
        "domain": host(&base),
        "title": s.config.instance_title,
        "version": VERSION,
        "source_url": "",
        "description": DESCRIPTION,
        "usage": { "users": { "active_month": 0 } },
        "thumbnail": { "url": format!("{base}/assets/avatar-missing.png") },
        "languages": ["zh", "en"],
        "configuration": configuration,
        "registrations": {
            "enabled": mode != RegistrationMode::Closed,
            "approval_required": mode == RegistrationMode::Approval,
            "message": null,
        },
        "contact": { "email": "", "account": null },
        "rules": [],
        "api_versions": { "mastodon": 2 },
    }))
}

/// Mastodon's `GET /api/v1/instance/translation_languages`: for each source language, the
/// languages it can be translated into here.
pub async fn translation_languages(State(s): State<AppState>) -> Json<Value> {
    use nb_text::Lang;
    let t = &s.ctx.translation;
    let langs = [("zh", Lang::ZhHans), ("zh-Hant", Lang::ZhHant), ("en", Lang::En)];
    let mut out = serde_json::Map::new();
    for (tag, source) in langs {
        let targets: Vec<&str> = langs
            .iter()
            .filter(|(_, target)| *target != source && t.usable(source, *target))
            .map(|(name, _)| *name)
            .collect();
        if !targets.is_empty() {
            out.insert(tag.to_owned(), json!(targets));
        }
    }
    Json(Value::Object(out))
}
