//! Engine `libretranslate`: a LibreTranslate-compatible `POST /translate` endpoint.
//!
//! A batch is one request: `q` is an array of texts and `translatedText` comes back as an
//! array in the same order. LibreTranslate names Simplified Chinese `zh` and Traditional `zt`
//! on most self-hosted versions (argos models); newer releases and the public instance also
//! accept `zh-Hans`/`zh-Hant`. Both codes are configurable.

use nb_text::Lang;
use serde::{Deserialize, Serialize};

use super::fetch_json;
use crate::config::LibreTranslateConfig;
use crate::error::{Rejection, TranslateError};
use crate::translator::{BoxFuture, Kind, Outcome, Translated, Translator};

const NAME: &str = "libretranslate";

/// See the module docs.
#[derive(Clone)]
pub struct LibreTranslateEngine {
    client: reqwest::Client,
    url: String,
    api_key: Option<String>,
    zh_hans: String,
    zh_hant: String,
}

impl std::fmt::Debug for LibreTranslateEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibreTranslateEngine")
            .field("url", &self.url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

#[derive(Serialize)]
struct Request<'a> {
    q: &'a [String],
    source: &'a str,
    target: &'a str,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Texts {
    Many(Vec<String>),
    One(String),
}

#[derive(Deserialize)]
struct Reply {
    #[serde(rename = "translatedText")]
    translated_text: Texts,
}

impl LibreTranslateEngine {
    /// An engine for the endpoint of `config`.
    pub fn new(client: reqwest::Client, config: &LibreTranslateConfig) -> LibreTranslateEngine {
        LibreTranslateEngine {
            client,
            url: format!("{}/translate", config.base_url.trim_end_matches('/')),
            api_key: config.api_key.as_ref().map(|k| k.expose().to_owned()),
            zh_hans: config.zh_hans_code.clone(),
            zh_hant: config.zh_hant_code.clone(),
        }
    }

    /// LibreTranslate's code for `lang`.
    pub fn code(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::ZhHans => Some(&self.zh_hans),
            Lang::ZhHant => Some(&self.zh_hant),
            Lang::En => Some("en"),
            Lang::Ja => Some("ja"),
            Lang::Ko => Some("ko"),
            Lang::Other => None,
        }
    }
}

impl Translator for LibreTranslateEngine {
    fn name(&self) -> &str {
        NAME
    }

    fn supports(&self, source: Lang, target: Lang) -> bool {
        source != target && self.code(source).is_some() && self.code(target).is_some()
    }

    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        source: Lang,
        target: Lang,
    ) -> BoxFuture<'a, Result<Vec<Outcome>, TranslateError>> {
        Box::pin(async move {
            let (Some(src), Some(tgt)) = (self.code(source), self.code(target)) else {
                return Err(TranslateError::Unsupported {
                    engine: NAME.into(),
                    from: source.tag(),
                    to: target.tag(),
                });
            };
            let body = Request {
                q: texts,
                source: src,
                target: tgt,
                format: "text",
                api_key: self.api_key.as_deref(),
            };
            let reply: Reply =
                fetch_json(NAME, self.client.post(&self.url).json(&body), "a /translate reply")
                    .await?;
            let got = match reply.translated_text {
                Texts::Many(v) => v,
                Texts::One(s) => vec![s],
            };
            if got.len() != texts.len() {
                return Err(TranslateError::Malformed {
                    engine: NAME.into(),
                    reason: Rejection::Count { sent: texts.len(), got: got.len() }.to_string(),
                });
            }
            Ok(got
                .into_iter()
                .zip(texts)
                .map(|(t, input)| {
                    if t.trim().is_empty() && !input.trim().is_empty() {
                        Err(TranslateError::Rejected {
                            engine: NAME.into(),
                            reason: Rejection::Empty,
                        })
                    } else {
                        Ok(Translated { text: t, engine: NAME.into(), kind: Kind::Translation })
                    }
                })
                .collect())
        })
    }
}
