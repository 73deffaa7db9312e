//! Translating notes and comments for a reader: the bridge behind a database cache (by content
//! hash, language pair and engine) and a per-account hourly quota on engine calls.
//!
//! A cached result is used when it comes from the pair's first engine, or is younger than
//! [`Translation::retry_lower_after`]: a gloss cached while the model was missing is replaced once
//! a better engine is configured, without calling a failing engine on every view.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use nb_bridge::config::EngineList;
use nb_bridge::lang::is_chinese;
use nb_bridge::{Bridge, EngineKind, Kind, TranslateConfig};
use nb_store::{AccountRow, CachedTranslation};
use nb_text::Lang;
use sha2::{Digest, Sha256};

use crate::posts::{self, Post};
use crate::{AppError, Ctx, Result};

/// Cache hits and misses, by engine of the hit.
pub const CACHE_HITS: &str = "notebridge_translate_cache_hits_total";
pub const CACHE_MISSES: &str = "notebridge_translate_cache_misses_total";

/// The bridge with what the product adds around it.
pub struct Translation {
    pub bridge: Bridge,
    /// Texts sent to an engine per account per hour (cache hits are free); 0: no limit.
    pub quota_per_hour: u32,
    /// How long a result of a fallback engine is served before the better engines are asked again.
    pub retry_lower_after: Duration,
    used: Mutex<HashMap<i64, (i64, u32)>>,
}

impl std::fmt::Debug for Translation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translation").field("quota_per_hour", &self.quota_per_hour).finish()
    }
}

impl Default for Translation {
    /// The offline gloss alone (servers build theirs from `[translate]`, with the data
    /// directory where a local model may be).
    fn default() -> Self {
        let config = TranslateConfig {
            engines: Some(EngineList(vec![EngineKind::Gloss])),
            ..TranslateConfig::default()
        };
        let bridge = Bridge::from_config(&config, Path::new(""), reqwest::Client::new())
            .unwrap_or_else(|_| Bridge::builder().build());
        Translation::new(bridge, 200)
    }
}

impl Translation {
    pub fn new(bridge: Bridge, quota_per_hour: u32) -> Self {
        Translation {
            bridge,
            quota_per_hour,
            retry_lower_after: Duration::from_secs(3600),
            used: Mutex::new(HashMap::new()),
        }
    }

    /// Whether any engine but `none` serves Chinese ↔ English: what the instance advertises.
    pub fn enabled(&self) -> bool {
        [(Lang::ZhHans, Lang::En), (Lang::En, Lang::ZhHans)].iter().any(|&(s, t)| self.usable(s, t))
    }

    /// Whether a real engine (not `none`) is configured for `source` → `target`.
    pub fn usable(&self, source: Lang, target: Lang) -> bool {
        self.bridge.engines_for(source, target).iter().any(|e| *e != "none")
            && nb_bridge::Translator::supports(&self.bridge, source, target)
    }

    /// Count `n` engine texts against `account`'s hour; refuse when over the quota.
    fn charge(&self, account: i64, n: u32, now_ms: i64) -> Result<()> {
        if self.quota_per_hour == 0 || n == 0 {
            return Ok(());
        }
        const HOUR_MS: i64 = 3_600_000;
        let mut used = self.used.lock().map_err(|_| AppError::Internal("quota lock".into()))?;
        if used.len() > 10_000 {
            used.retain(|_, (start, _)| now_ms - *start < HOUR_MS);
        }
        let slot = used.entry(account).or_insert((now_ms, 0));
        if now_ms - slot.0 >= HOUR_MS {
            *slot = (now_ms, 0);
        }
        if slot.1 + n > self.quota_per_hour {
            let wait = (slot.0 + HOUR_MS - now_ms).max(1000) / 1000;
            return Err(AppError::QuotaExceeded { retry_after_secs: wait.unsigned_abs() });
        }
        slot.1 += n;
        Ok(())
    }
}

/// One translated text, labelled with what made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub engine: String,
    pub kind: Kind,
}

/// A post's translation: its title (notes), text and photo descriptions.
#[derive(Debug, Clone)]
pub struct PostTranslation {
    pub post: Post,
    pub source: Lang,
    pub target: Lang,
    pub title: Option<Rendered>,
    pub body: Rendered,
    /// `(media id, translated description)` for each photo with a description.
    pub descriptions: Vec<(i64, Rendered)>,
}

impl PostTranslation {
    /// The engine named for the whole post: the text's.
    pub fn engine(&self) -> &str {
        &self.body.engine
    }

    /// A gloss when any part is one: the label must never overstate.
    pub fn kind(&self) -> Kind {
        let parts =
            self.title.iter().chain([&self.body]).chain(self.descriptions.iter().map(|d| &d.1));
        if parts.clone().any(|r| r.kind == Kind::Gloss) { Kind::Gloss } else { self.body.kind }
    }
}

/// Translate post `id` (a note or a comment `viewer` can see) into `target`, or the viewer's
/// interface language.
pub async fn post(
    ctx: &Ctx,
    viewer: &AccountRow,
    id: i64,
    target: Option<&str>,
) -> Result<PostTranslation> {
    let t = &ctx.translation;
    if !t.enabled() {
        return Err(AppError::Unavailable("translation is turned off on this server".into()));
    }
    let target = match target.filter(|s| !s.trim().is_empty()) {
        Some(tag) => nb_bridge::lang::parse(tag).ok_or_else(|| {
            AppError::Unprocessable(format!("cannot translate into unknown language {tag:?}"))
        })?,
        None => reader_language(viewer),
    };
    let post = posts::get(ctx, Some(viewer.id), id).await?;
    let (title, body, declared) = match &post {
        Post::Note(n) => (n.title.as_str(), n.body.as_str(), n.language.as_deref()),
        Post::Comment(c) => ("", c.body.as_str(), c.language.as_deref()),
    };
    let source = source_language(declared, &format!("{title}\n{body}")).ok_or_else(|| {
        AppError::Unprocessable("this post has no text in a language to translate from".into())
    })?;
    if source == target || (is_chinese(source) && is_chinese(target)) {
        return Err(AppError::Unprocessable(format!(
            "this post is already in {}",
            nb_bridge::lang::english_name(target)
        )));
    }
    if !t.usable(source, target) {
        return Err(AppError::Unprocessable(format!(
            "no translation engine on this server translates {} into {}",
            nb_bridge::lang::english_name(source),
            nb_bridge::lang::english_name(target)
        )));
    }
    let media = match &post {
        Post::Note(n) => ctx.store.media_of_notes(&[n.id]).await?.remove(&n.id).unwrap_or_default(),
        Post::Comment(_) => Vec::new(),
    };
    let described: Vec<_> = media.iter().filter(|m| !m.description.trim().is_empty()).collect();

    let mut texts: Vec<&str> = vec![body];
    if !title.trim().is_empty() {
        texts.push(title);
    }
    texts.extend(described.iter().map(|m| m.description.as_str()));
    let mut out = texts_for(ctx, Some(viewer.id), &texts, source, target).await?.into_iter();
    let body = out.next().ok_or_else(|| AppError::Internal("translation lost the text".into()))?;
    let title = if title.trim().is_empty() { None } else { out.next() };
    let descriptions = described.iter().map(|m| m.id).zip(out).collect();
    Ok(PostTranslation { post, source, target, title, body, descriptions })
}

/// Translate texts through the cache and the bridge; one result per text, in order. A text
/// given twice (two photos with one description) is looked up and translated once. Engine
/// calls count against `account`'s quota; `None` (the server itself) has none.
pub async fn texts_for(
    ctx: &Ctx,
    account: Option<i64>,
    texts: &[&str],
    source: Lang,
    target: Lang,
) -> Result<Vec<Rendered>> {
    let t = &ctx.translation;
    let mut hashes: Vec<String> = Vec::new();
    let mut unique: Vec<&str> = Vec::new();
    let slots: Vec<usize> = texts
        .iter()
        .map(|text| {
            let h = content_hash(text);
            hashes.iter().position(|x| *x == h).unwrap_or_else(|| {
                hashes.push(h);
                unique.push(text);
                hashes.len() - 1
            })
        })
        .collect();

    let now = ctx.now();
    let mut results = cached(ctx, &hashes, source, target, now).await?;
    let missing: Vec<usize> = (0..unique.len()).filter(|&i| results[i].is_none()).collect();
    if !missing.is_empty() {
        metrics::counter!(CACHE_MISSES).increment(missing.len() as u64);
        if let Some(account) = account {
            t.charge(account, u32::try_from(missing.len()).unwrap_or(u32::MAX), now)?;
        }
        let send: Vec<String> = missing.iter().map(|&i| unique[i].to_owned()).collect();
        let outcomes = t.bridge.translate_each(&send, source, target).await;
        let mut rows = Vec::new();
        for (&i, outcome) in missing.iter().zip(outcomes) {
            let done = outcome.map_err(|e| {
                AppError::Unavailable(format!("no translation engine could translate this: {e}"))
            })?;
            if done.kind != Kind::Original {
                rows.push(CachedTranslation {
                    content_hash: hashes[i].clone(),
                    source: source.tag().to_owned(),
                    target: target.tag().to_owned(),
                    engine: done.engine.clone(),
                    kind: done.kind.as_str().to_owned(),
                    text: done.text.clone(),
                    created_at: now,
                });
            }
            results[i] = Some(Rendered { text: done.text, engine: done.engine, kind: done.kind });
        }
        ctx.store.put_translations(&rows).await?;
    }
    slots
        .into_iter()
        .map(|i| {
            results[i]
                .clone()
                .ok_or_else(|| AppError::Internal("a translation went missing".into()))
        })
        .collect()
}

/// The usable cached result for each hash: from the pair's best engine that has one, skipping
/// results of fallback engines older than [`Translation::retry_lower_after`].
async fn cached(
    ctx: &Ctx,
    hashes: &[String],
    source: Lang,
    target: Lang,
    now: i64,
) -> Result<Vec<Option<Rendered>>> {
    let t = &ctx.translation;
    let order = t.bridge.engines_for(source, target);
    let fresh_ms = i64::try_from(t.retry_lower_after.as_millis()).unwrap_or(i64::MAX);
    let mut best: Vec<Option<(usize, CachedTranslation)>> = vec![None; hashes.len()];
    for row in ctx.store.cached_translations(hashes, source.tag(), target.tag()).await? {
        let Some(rank) = order.iter().position(|e| *e == row.engine) else { continue };
        let Some(i) = hashes.iter().position(|h| *h == row.content_hash) else { continue };
        let stale = rank > 0 && now - row.created_at > fresh_ms;
        if !stale && best[i].as_ref().is_none_or(|(r, _)| rank < *r) {
            best[i] = Some((rank, row));
        }
    }
    Ok(best
        .into_iter()
        .map(|b| {
            b.map(|(_, row)| {
                metrics::counter!(CACHE_HITS, "engine" => row.engine.clone()).increment(1);
                Rendered { kind: Kind::parse(&row.kind), text: row.text, engine: row.engine }
            })
        })
        .collect())
}

/// The language a reader reads: the first of the account's languages, else English.
pub fn reader_language(reader: &AccountRow) -> Lang {
    reader.languages.split(',').find_map(nb_bridge::lang::parse).unwrap_or(Lang::En)
}

/// The declared language when it is one we know, else the one identified in the text.
pub fn source_language(declared: Option<&str>, text: &str) -> Option<Lang> {
    declared
        .and_then(nb_bridge::lang::parse)
        .or_else(|| nb_text::identify(text).map(|i| i.primary()))
        .filter(|l| *l != Lang::Other)
}

/// How many followers' languages decide where a new note is translated to ahead of time.
const PREFETCH_SAMPLE: i64 = 500;

/// Translate a note (title, text, photo descriptions) ahead of its readers: into the other
/// side of the bridge (Chinese ↔ English) and into the languages its author's followers read
/// first. The server pays, not a reader's quota. A note that is gone is no error.
pub async fn prefetch(ctx: &Ctx, note: i64) -> Result<()> {
    let t = &ctx.translation;
    let Some(n) = ctx.store.note(note).await? else { return Ok(()) };
    let Some(source) = source_language(n.language.as_deref(), &format!("{}\n{}", n.title, n.body))
    else {
        return Ok(());
    };
    let mut targets = vec![if is_chinese(source) { Lang::En } else { Lang::ZhHans }];
    for langs in ctx.store.follower_languages(n.author_id, PREFETCH_SAMPLE).await? {
        if let Some(first) = langs.split(',').find_map(nb_bridge::lang::parse) {
            targets.push(first);
        }
    }
    targets.sort_by_key(|l| l.tag());
    targets.dedup();
    let media = ctx.store.media_of_notes(&[n.id]).await?.remove(&n.id).unwrap_or_default();
    let mut texts: Vec<&str> = vec![n.body.as_str()];
    if !n.title.trim().is_empty() {
        texts.push(n.title.as_str());
    }
    texts.extend(media.iter().map(|m| m.description.as_str()).filter(|d| !d.trim().is_empty()));
    for target in targets {
        let same = target == source || (is_chinese(source) && is_chinese(target));
        if !same && t.usable(source, target) {
            texts_for(ctx, None, &texts, source, target).await?;
        }
    }
    Ok(())
}

/// SHA-256 of the text, hex: the cache key.
pub fn content_hash(text: &str) -> String {
    let d = Sha256::digest(text.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}
