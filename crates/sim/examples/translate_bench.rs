//! Translation figures for the note: the gloss engine's throughput through the whole
//! bridge (entity protection, mixed-text runs, slang, gloss) on the simulator's notes, and the
//! latency of a cache hit through the use case the API calls (note lookup, media, cache query).
//!
//! `cargo run --release -p nb-sim --example translate_bench -- [notes] [rounds]`

use std::time::Instant;

use nb_app::accounts::{self, Registrar, Registration};
use nb_app::notes::{self, Compose};
use nb_app::translate::{self, Translation, source_language};
use nb_app::{BlobStore, Ctx, Settings, Store, StoreOptions};
use nb_domain::Role;
use nb_text::Lang;

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let n_notes = args.first().copied().unwrap_or(2000);
    let rounds = args.get(1).copied().unwrap_or(20);

    let p = nb_sim::Params::demo();
    let pop = nb_sim::population(&p);
    let drafts: Vec<(String, String)> = nb_sim::days(&p, &pop)
        .flat_map(|d| d.notes.into_iter().map(|n| (n.title, n.text)))
        .take(n_notes)
        .collect();

    let dir = tempfile::tempdir().expect("temp dir");
    let ctx = scratch_ctx(dir.path()).await;
    let bridge = &ctx.translation.bridge;
    for (from, to) in [(Lang::ZhHans, Lang::En), (Lang::En, Lang::ZhHans)] {
        let texts: Vec<String> = drafts
            .iter()
            .map(|(_, text)| text.clone())
            .filter(|t| source_language(None, t) == Some(from))
            .collect();
        let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
        // Warm the dictionaries (decompressed on first use).
        bridge.translate_each(&texts[..1], from, to).await;
        let start = Instant::now();
        let out = bridge.translate_each(&texts, from, to).await;
        let took = start.elapsed().as_secs_f64();
        let ok = out.iter().filter(|o| o.is_ok()).count();
        println!(
            "gloss {} -> {}: {} texts ({} ok), {chars} chars in {:.3} s: {:.0} texts/s, {:.0} chars/s",
            from.tag(),
            to.tag(),
            texts.len(),
            ok,
            took,
            texts.len() as f64 / took,
            chars as f64 / took
        );
    }

    let author = member(&ctx, "author", "zh-CN").await;
    let reader = member(&ctx, "reader", "en").await;
    let mut ids = Vec::new();
    for (title, text) in drafts.iter().take(200) {
        let c = Compose { title: Some(title.clone()), text: text.clone(), ..Compose::default() };
        let note = notes::post(&ctx, &author, c).await.expect("post");
        // Fill the cache (English notes are asked into Chinese).
        let target = if note.language.as_deref() == Some("en") { "zh" } else { "en" };
        if translate::post(&ctx, &reader, note.id, Some(target)).await.is_ok() {
            ids.push((note.id, target));
        }
    }
    let mut whole = Vec::with_capacity(ids.len() * rounds);
    let mut cache_only = Vec::with_capacity(ids.len() * rounds);
    for _ in 0..rounds {
        for (id, target) in &ids {
            let start = Instant::now();
            let t = translate::post(&ctx, &reader, *id, Some(target)).await.expect("cached");
            whole.push(start.elapsed().as_secs_f64() * 1e3);
            let note = match &t.post {
                nb_app::posts::Post::Note(n) => n,
                nb_app::posts::Post::Comment(_) => continue,
            };
            let texts = [note.body.as_str(), note.title.as_str()];
            let start = Instant::now();
            translate::texts_for(&ctx, None, &texts, t.source, t.target).await.expect("cached");
            cache_only.push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    report("translate use case, cache hit (note, media and cache queries)", whole);
    report("cache lookup of a note's title and text", cache_only);
}

fn report(what: &str, mut lat: Vec<f64>) {
    lat.sort_by(f64::total_cmp);
    let q = |x: f64| lat[((lat.len() - 1) as f64 * x) as usize];
    println!(
        "{what}: {} calls, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        lat.len(),
        q(0.5),
        q(0.99),
        q(1.0)
    );
}

/// A fresh SQLite community with the default engines and no quota.
async fn scratch_ctx(dir: &std::path::Path) -> Ctx {
    let store =
        Store::open_sqlite(&dir.join("t.db"), &StoreOptions::default()).await.expect("store");
    store.migrate().await.expect("migrate");
    let blobs = BlobStore::local(&dir.join("blobs")).expect("blobs");
    let mut translation = Translation::default();
    translation.quota_per_hour = 0;
    Ctx::new(store, blobs, Settings::default()).with_translation(translation)
}

async fn member(ctx: &Ctx, handle: &str, lang: &str) -> nb_app::AccountRow {
    let reg = Registration {
        handle: handle.to_owned(),
        email: format!("{handle}@example.com"),
        password: "correct horse battery".to_owned(),
        languages: vec![lang.to_owned()],
        ..Registration::default()
    };
    accounts::register(ctx, reg, Registrar::Operator(Role::User)).await.expect("register")
}
