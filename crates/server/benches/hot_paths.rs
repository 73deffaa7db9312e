//! Micro-benchmarks of the hot paths, on a simulated community in a temporary SQLite database:
//! text parsing and rendering, media intake, timeline queries, status serialisation, and whole
//! API requests and web pages in-process (router, no network).
//!
//! `cargo bench -p nb-server --bench hot_paths` (add `-- --quick` for a short run).

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use nb_app::password::{self, HashParams};
use nb_app::{BlobStore, Ctx, Page, Settings, Store, StoreOptions};
use nb_domain::Password;
use nb_server::api::entities;
use nb_server::{AppState, ServerConfig};
use tower::ServiceExt;

const NOTE: &str = "今天的hotpot太辣了lol 🌶️ 第一次来成都，朋友带我去吃火锅，微辣都受不了 😂 \
    Tips for newcomers: order 鸳鸯锅 (half spicy, half not). @mei 你说的那家真的好吃！\
    #美食 #成都 #hotpot #language_exchange https://example.org/map";

struct World {
    rt: tokio::runtime::Runtime,
    ctx: Ctx,
    viewer: i64,
    _dir: tempfile::TempDir,
}

fn world() -> World {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let ctx = rt.block_on(async {
        let store = Store::open_sqlite(&dir.path().join("b.db"), &StoreOptions::default())
            .await
            .expect("store");
        store.migrate().await.expect("migrate");
        let blobs = BlobStore::local(&dir.path().join("media")).expect("blobs");
        let ctx = Ctx::new(store, blobs, Settings::default());
        let hash = password::hash(&Password::offered(nb_sim::SIM_PASSWORD), HashParams::default())
            .await
            .expect("hash");
        let p = nb_sim::Params {
            users: 2_000,
            days: 3,
            photo_pool_size: 20,
            ..nb_sim::Params::default()
        };
        nb_sim::seed(&ctx, &p, 1_764_000_000_000, &hash, |_| {}).await.expect("seed");
        ctx.store.analyze().await.expect("analyze");
        ctx
    });
    // A member who follows people: the first follower of the model.
    let viewer = rt.block_on(async {
        let page = ctx.store.public_feed(&Page::newest(1)).await.expect("feed");
        page[0].author_id
    });
    World { rt, ctx, viewer, _dir: dir }
}

fn text(c: &mut Criterion) {
    c.bench_function("text/parse_status", |b| b.iter(|| nb_text::parse_status(NOTE).len()));
    c.bench_function("text/render_status", |b| {
        b.iter(|| {
            nb_text::render_status("成都火锅 Chengdu hotpot", NOTE, "https://n.example", |_| {
                None
            })
        })
    });
}

fn media(c: &mut Criterion) {
    let photo = nb_app::media::sample_photo(3, 1200, 1600).expect("photo");
    let mut g = c.benchmark_group("media");
    g.sample_size(10);
    g.bench_function("intake_1200x1600_jpeg", |b| {
        b.iter(|| nb_media::process(&photo, &nb_media::Limits::default()).expect("intake"))
    });
    g.finish();
}

fn timelines(c: &mut Criterion, w: &World) {
    let mut g = c.benchmark_group("store");
    g.bench_function("home_feed_20", |b| {
        b.iter(|| w.rt.block_on(w.ctx.store.home_feed(w.viewer, &Page::newest(20))).expect("home"))
    });
    g.bench_function("public_feed_20", |b| {
        b.iter(|| w.rt.block_on(w.ctx.store.public_feed(&Page::newest(20))).expect("public"))
    });
    // A fresh Explore page: the viewer's candidates ranked, a snapshot kept, 20 notes read.
    g.bench_function("explore_20", |b| {
        b.iter(|| {
            w.rt.block_on(nb_app::explore::page(&w.ctx, Some(w.viewer), None, 20)).expect("explore")
        })
    });
    g.finish();
}

fn serialisation(c: &mut Criterion, w: &World) {
    let notes = w.rt.block_on(w.ctx.store.public_feed(&Page::newest(20))).expect("feed");
    let view =
        w.rt.block_on(entities::View::load(&w.ctx, Some(w.viewer), &notes, &[])).expect("view");
    c.bench_function("serialise/20_statuses_json", |b| {
        b.iter(|| {
            let v: Vec<_> =
                notes.iter().map(|n| entities::status("https://n.example", n, &view)).collect();
            serde_json::to_vec(&v).expect("json").len()
        })
    });
}

fn requests(c: &mut Criterion, w: &World) {
    let app = nb_server::router(AppState::new(w.ctx.clone(), ServerConfig::default()));
    // The most commented note of the first Explore page: a full note page.
    let first = w.rt.block_on(nb_app::explore::page(&w.ctx, None, None, 24)).expect("explore");
    let busiest = first.notes.iter().max_by_key(|n| n.comments_count).expect("a note");
    let mut g = c.benchmark_group("request");
    for (name, path) in [
        ("healthz", "/healthz".to_owned()),
        ("public_timeline", "/api/v1/timelines/public?limit=20".to_owned()),
        ("explore_page", "/".to_owned()),
        ("explore_page_zh", "/?lang=zh-CN".to_owned()),
        ("note_page", format!("/notes/{}", busiest.id)),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                w.rt.block_on(async {
                    let req = Request::get(path.as_str()).body(Body::empty()).expect("request");
                    let res = app.clone().oneshot(req).await.expect("response");
                    axum::body::to_bytes(res.into_body(), usize::MAX).await.expect("body").len()
                })
            })
        });
    }
    g.finish();
}

fn all(c: &mut Criterion) {
    text(c);
    media(c);
    let w = world();
    timelines(c, &w);
    serialisation(c, &w);
    requests(c, &w);
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = all
}
criterion_main!(benches);
