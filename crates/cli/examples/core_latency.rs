//! A quick, in-process latency measurement of the platform core on a database of 100k notes:
//! home timeline, posting a text note and reading one note, over real HTTP on loopback, one
//! request at a time (latency, not throughput; the benchmark harness is its own issue).
//!
//! ```sh
//! cargo run --release -p notebridge --example core_latency -- 100000
//! ```

use std::time::{Duration, Instant};

use nb_app::accounts::{Registrar, Registration};
use nb_app::{BlobStore, Ctx, Settings, Store, StoreOptions};
use nb_domain::Role;
use nb_server::{AppState, ServerConfig};
use nb_store::{Act, NewAccount, NewNote};
use serde_json::{Value, json};

const ACCOUNTS: i64 = 2_000;
const FOLLOWS_EACH: i64 = 50;
const SAMPLES: usize = 2_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "| {name} | {} | {:.0} | {:.0} | {:.0} | {:.0} |",
        samples.len(),
        us(percentile(&samples, 0.5)),
        us(percentile(&samples, 0.9)),
        us(percentile(&samples, 0.99)),
        us(*samples.last().unwrap_or(&Duration::ZERO)),
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let notes: i64 = std::env::args().nth(1).map_or(Ok(100_000), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let store = Store::open_sqlite(&dir.path().join("bench.db"), &StoreOptions::default()).await?;
    store.migrate().await?;
    let ctx = Ctx::new(store.clone(), BlobStore::local(dir.path())?, Settings::default());

    let t = Instant::now();
    let viewer = nb_app::accounts::register(
        &ctx,
        Registration {
            handle: "viewer".into(),
            email: "viewer@example.com".into(),
            password: "viewer's long password".into(),
            ..Registration::default()
        },
        Registrar::Operator(Role::User),
    )
    .await?;
    const T0: i64 = 1_764_000_000_000;
    for a in 1..=ACCOUNTS {
        store
            .insert_account(&NewAccount {
                id: a,
                handle: format!("member{a}"),
                email: format!("member{a}@example.com"),
                password_hash: "unused".into(),
                display_name: format!("Member {a}"),
                home_region: None,
                languages: "en".into(),
                role: "user".into(),
                state: "active".into(),
                created_at: T0,
                email_confirmed_at: Some(T0),
            })
            .await?;
    }
    let mut n = 0;
    let mut act = || {
        n += 1;
        Act { id: n, notification_id: (1 << 40) + n, at: T0 }
    };
    for k in 1..=FOLLOWS_EACH {
        store.follow(viewer.id, k * 37 % ACCOUNTS + 1, act()).await?;
    }
    for a in 1..=ACCOUNTS {
        for k in 1..=FOLLOWS_EACH / 5 {
            store.follow(a, (a + k * 13) % ACCOUNTS + 1, act()).await?;
        }
    }
    let batch: Vec<NewNote> = (0..notes)
        .map(|i| NewNote {
            id: (T0 + i) << 16,
            author_id: i % ACCOUNTS + 1,
            title: format!("Note {i}"),
            body: format!("Lunch today #food note {i} 今天的午饭"),
            visibility: "public".into(),
            language: Some("en".into()),
            app_id: None,
            created_at: T0 + i,
            tags: vec!["food".into()],
            mentions: vec![],
            idempotency_key: None,
            media_ids: vec![],
            job: None,
            pull_above: None,
        })
        .collect();
    for chunk in batch.chunks(5_000) {
        store.insert_notes(chunk).await?;
    }
    store.analyze().await?;
    eprintln!("seeded {notes} notes, {ACCOUNTS} members in {:.1} s", t.elapsed().as_secs_f64());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(nb_server::serve(
        listener,
        AppState::new(ctx.clone(), ServerConfig::default()),
        std::future::pending(),
    ));
    let http = reqwest::Client::new();
    let app: Value = http
        .post(format!("{base}/api/v1/apps"))
        .form(&[
            ("client_name", "bench"),
            ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ("scopes", "read write"),
        ])
        .send()
        .await?
        .json()
        .await?;
    let token: Value = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", app["client_id"].as_str().unwrap_or_default()),
            ("client_secret", app["client_secret"].as_str().unwrap_or_default()),
            ("username", "viewer"),
            ("password", "viewer's long password"),
        ])
        .send()
        .await?
        .json()
        .await?;
    let token = token["access_token"].as_str().unwrap_or_default().to_owned();

    println!("| endpoint | requests | p50 µs | p90 µs | p99 µs | max µs |");
    println!("|---|---|---|---|---|---|");
    let mut timed = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES + 100 {
        let s = Instant::now();
        let res = http
            .get(format!("{base}/api/v1/timelines/home?limit=20"))
            .bearer_auth(&token)
            .send()
            .await?;
        assert!(res.status().is_success());
        let _ = res.bytes().await?;
        if i >= 100 {
            timed.push(s.elapsed());
        }
    }
    report("GET /api/v1/timelines/home (20)", std::mem::take(&mut timed));
    for i in 0..SAMPLES + 100 {
        let id = (T0 + (i as i64 * 7919) % notes) << 16;
        let s = Instant::now();
        let res =
            http.get(format!("{base}/api/v1/statuses/{id}")).bearer_auth(&token).send().await?;
        assert!(res.status().is_success());
        let _ = res.bytes().await?;
        if i >= 100 {
            timed.push(s.elapsed());
        }
    }
    report("GET /api/v1/statuses/:id", std::mem::take(&mut timed));
    for i in 0..SAMPLES + 100 {
        let s = Instant::now();
        let res = http
            .post(format!("{base}/api/v1/statuses"))
            .bearer_auth(&token)
            .json(&json!({ "status": format!("posting {i} #bench") }))
            .send()
            .await?;
        assert!(res.status().is_success());
        let _ = res.bytes().await?;
        if i >= 100 {
            timed.push(s.elapsed());
        }
    }
    report("POST /api/v1/statuses (text)", timed);
    Ok(())
}
