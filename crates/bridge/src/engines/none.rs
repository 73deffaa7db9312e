//! Engine `none`: translation turned off. Every text comes back as it was, labelled
//! [`Kind::Original`], so the product still works and says so.

use nb_text::Lang;

use crate::error::TranslateError;
use crate::translator::{BoxFuture, Kind, Outcome, Translated, Translator};

/// See the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoneEngine;

impl Translator for NoneEngine {
    fn name(&self) -> &str {
        "none"
    }

    fn supports(&self, _source: Lang, _target: Lang) -> bool {
        true
    }

    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        _source: Lang,
        _target: Lang,
    ) -> BoxFuture<'a, Result<Vec<Outcome>, TranslateError>> {
        let out = texts
            .iter()
            .map(|t| {
                Ok(Translated { text: t.clone(), engine: "none".into(), kind: Kind::Original })
            })
            .collect();
        Box::pin(async move { Ok(out) })
    }
}
