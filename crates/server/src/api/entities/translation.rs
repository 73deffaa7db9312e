//! Mastodon's Translation entity, with Notebridge's label of what made it.

use nb_app::translate::PostTranslation;
use nb_bridge::Kind;
use nb_text::Lang;
use serde::Serialize;

use super::View;

#[derive(Serialize)]
pub struct TranslationJson<'a> {
    content: String,
    spoiler_text: &'a str,
    poll: Option<()>,
    media_attachments: Vec<DescriptionJson<'a>>,
    detected_source_language: &'static str,
    language: &'static str,
    /// Who translated, for people: shown beside the text.
    provider: &'static str,
    /// Notebridge: the engine's name (`gloss`, `local`, `openai`, …).
    notebridge_engine: &'a str,
    /// Notebridge: `translation` or `gloss` (a word-by-word dictionary gloss, never to be shown
    /// as a translation).
    notebridge_kind: &'static str,
}

#[derive(Serialize)]
struct DescriptionJson<'a> {
    id: String,
    description: &'a str,
}

/// The translation of a post, its text rendered as statuses render theirs.
pub fn translation<'a>(base: &str, t: &'a PostTranslation, view: &View) -> TranslationJson<'a> {
    let title = t.title.as_ref().map_or("", |r| r.text.as_str());
    TranslationJson {
        content: view.content(base, title, &t.body.text),
        spoiler_text: "",
        poll: None,
        media_attachments: t
            .descriptions
            .iter()
            .map(|(id, r)| DescriptionJson { id: id.to_string(), description: &r.text })
            .collect(),
        detected_source_language: mastodon_tag(t.source),
        language: mastodon_tag(t.target),
        provider: provider(t.engine(), t.kind()),
        notebridge_engine: t.engine(),
        notebridge_kind: t.kind().as_str(),
    }
}

/// Mastodon's language codes: ISO 639-1, with the script only where it matters.
fn mastodon_tag(l: Lang) -> &'static str {
    match l {
        Lang::ZhHans => "zh",
        other => other.tag(),
    }
}

fn provider(engine: &str, kind: Kind) -> &'static str {
    match (engine, kind) {
        (_, Kind::Gloss) => "Notebridge dictionary gloss (CC-CEDICT)",
        ("local", _) => "Notebridge local model (OPUS-MT)",
        ("openai", _) => "Notebridge via an OpenAI-compatible model",
        ("libretranslate", _) => "Notebridge via LibreTranslate",
        _ => "Notebridge",
    }
}
