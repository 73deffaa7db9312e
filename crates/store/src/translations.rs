//! The translation cache: texts keyed by content hash, source and target language and engine.

use crate::Store;
use crate::db::{Arg, on_read, placeholders};
use crate::error::Result;
use crate::script::Script;

/// One cached translation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CachedTranslation {
    /// SHA-256 of the original text, hex.
    pub content_hash: String,
    pub source: String,
    pub target: String,
    pub engine: String,
    /// `translation` or `gloss`.
    pub kind: String,
    pub text: String,
    pub created_at: i64,
}

impl Store {
    /// Every cached translation of these texts from `source` into `target`, by any engine.
    pub async fn cached_translations(
        &self,
        hashes: &[String],
        source: &str,
        target: &str,
    ) -> Result<Vec<CachedTranslation>> {
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT content_hash, source, target, engine, kind, text, created_at FROM translations \
             WHERE source = $1 AND target = $2 AND content_hash IN ({})",
            placeholders(3, hashes.len())
        );
        Ok(on_read!(self, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(source).bind(target);
            for h in hashes {
                q = q.bind(h);
            }
            q.fetch_all(p).await
        })?)
    }

    /// Store translations; one already cached for the same key is replaced (an engine asked
    /// again gives the newer answer).
    pub async fn put_translations(&self, rows: &[CachedTranslation]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut script = Script::default();
        for r in rows {
            script.push(
                "INSERT INTO translations \
                 (content_hash, source, target, engine, kind, text, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (content_hash, source, target, engine) \
                 DO UPDATE SET kind = excluded.kind, text = excluded.text, \
                 created_at = excluded.created_at",
                vec![
                    Arg::Text(r.content_hash.clone()),
                    Arg::Text(r.source.clone()),
                    Arg::Text(r.target.clone()),
                    Arg::Text(r.engine.clone()),
                    Arg::Text(r.kind.clone()),
                    Arg::Text(r.text.clone()),
                    Arg::Int(r.created_at),
                ],
            );
        }
        self.run_script(script).await?;
        Ok(())
    }
}
