//! The outbox's workers against a real SQLite database and a real blob directory: blob release,
//! pruning, retries with backoff, dead letters, replay, stopping, and jobs running side by side.

use std::sync::Arc;
use std::time::Duration;

use nb_app::accounts::{self, Registrar, Registration};
use nb_app::jobs::{self, Job, JobSettings, Pass};
use nb_app::notes::{self, Compose};
use nb_app::translate::Translation;
use nb_app::{AccountRow, BlobStore, Ctx, Page, Settings, Store, StoreOptions, media};
use nb_domain::{ManualClock, Role};

const T0: i64 = 1_764_000_000_000;

struct World {
    ctx: Ctx,
    clock: Arc<ManualClock>,
    dir: tempfile::TempDir,
}

async fn world(jobs: JobSettings) -> World {
    let dir = tempfile::tempdir().unwrap();
    let store =
        Store::open_sqlite(&dir.path().join("t.db"), &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    let blobs = BlobStore::local(&dir.path().join("blobs")).unwrap();
    // Translation off: these tests count jobs, and posting would queue a prefetch.
    let off = Translation::new(nb_bridge::Bridge::builder().build(), 0);
    let mut ctx =
        Ctx::new(store, blobs, Settings { jobs, ..Settings::default() }).with_translation(off);
    let clock = Arc::new(ManualClock::new(T0));
    ctx.clock = clock.clone();
    World { ctx, clock, dir }
}

async fn member(ctx: &Ctx, handle: &str) -> AccountRow {
    let reg = Registration {
        handle: handle.to_owned(),
        email: format!("{handle}@example.com"),
        password: "correct horse battery".to_owned(),
        ..Registration::default()
    };
    accounts::register(ctx, reg, Registrar::Operator(Role::User)).await.unwrap()
}

async fn exists(ctx: &Ctx, key: &str) -> bool {
    ctx.blobs.exists(key).await.unwrap()
}

async fn run(ctx: &Ctx) -> Pass {
    jobs::run_due(ctx, 100, None).await.unwrap()
}

#[tokio::test]
async fn released_blobs_go_only_when_nothing_uses_them() {
    let w = world(JobSettings::default()).await;
    let ann = member(&w.ctx, "ann").await;
    let photo = media::sample_photo(5, 640, 480).unwrap();
    let first = media::upload(&w.ctx, &ann, photo.clone(), None).await.unwrap();
    let second = media::upload(&w.ctx, &ann, photo, None).await.unwrap();
    assert_eq!(first.original_key, second.original_key, "same bytes, one blob");
    let note =
        Compose { text: "a photo".to_owned(), media_ids: vec![first.id], ..Compose::default() };
    let note = notes::post(&w.ctx, &ann, note).await.unwrap();

    assert!(media::remove(&w.ctx, &ann, first.id).await.is_err(), "attached");
    media::remove(&w.ctx, &ann, second.id).await.unwrap();
    assert_eq!(run(&w.ctx).await, Pass { done: 1, ..Pass::default() });
    assert!(exists(&w.ctx, &first.original_key).await, "the note's photo still uses it");

    notes::delete(&w.ctx, &ann, note.id).await.unwrap();
    media::remove(&w.ctx, &ann, first.id).await.unwrap();
    assert_eq!(run(&w.ctx).await.done, 1);
    assert!(!exists(&w.ctx, &first.original_key).await && !exists(&w.ctx, &first.small_key).await);
    assert_eq!(w.ctx.store.job_counts().await.unwrap(), (0, 0));
}

#[tokio::test]
async fn a_release_racing_an_upload_of_the_same_bytes_keeps_them() {
    let w = world(JobSettings::default()).await;
    let ann = member(&w.ctx, "ann").await;
    let photo = media::sample_photo(6, 320, 240).unwrap();
    let old = media::upload(&w.ctx, &ann, photo.clone(), None).await.unwrap();
    media::remove(&w.ctx, &ann, old.id).await.unwrap();
    // The collector deleted the bytes just before a new upload of them wrote its row: the
    // upload finds them gone after its write and stores them again.
    w.ctx.blobs.delete(&old.original_key).await.unwrap();
    let new = media::upload(&w.ctx, &ann, photo, None).await.unwrap();
    assert!(exists(&w.ctx, &new.original_key).await);
    // The queued release then finds the key in use and leaves it.
    run(&w.ctx).await;
    assert!(exists(&w.ctx, &new.original_key).await && exists(&w.ctx, &new.small_key).await);
}

#[tokio::test]
async fn pruning_removes_old_unattached_uploads_only() {
    let w = world(JobSettings::default()).await;
    let ann = member(&w.ctx, "ann").await;
    let kept = media::upload(&w.ctx, &ann, media::sample_photo(7, 64, 64).unwrap(), None).await;
    let kept = kept.unwrap();
    let note = Compose { text: "kept".to_owned(), media_ids: vec![kept.id], ..Compose::default() };
    notes::post(&w.ctx, &ann, note).await.unwrap();
    let stale = media::upload(&w.ctx, &ann, media::sample_photo(8, 64, 64).unwrap(), None).await;
    let stale = stale.unwrap();
    w.clock.advance_ms(23 * 3_600_000);
    let fresh = media::upload(&w.ctx, &ann, media::sample_photo(9, 64, 64).unwrap(), None).await;
    let fresh = fresh.unwrap();
    w.clock.advance_ms(2 * 3_600_000);

    jobs::schedule_periodic(&w.ctx).await.unwrap();
    jobs::schedule_periodic(&w.ctx).await.unwrap();
    assert_eq!(w.ctx.store.job_counts().await.unwrap(), (1, 0), "one periodic run queued");
    assert_eq!(run(&w.ctx).await.done, 1, "the prune");
    assert_eq!(run(&w.ctx).await.done, 1, "the release it enqueued");
    assert!(w.ctx.store.media(stale.id).await.unwrap().is_none());
    assert!(!exists(&w.ctx, &stale.original_key).await);
    for m in [&kept, &fresh] {
        assert!(w.ctx.store.media(m.id).await.unwrap().is_some());
        assert!(exists(&w.ctx, &m.original_key).await);
    }
}

#[tokio::test]
async fn failures_back_off_then_dead_letter_until_replayed() {
    let settings = JobSettings {
        max_attempts: 3,
        backoff_base: Duration::from_secs(10),
        ..JobSettings::default()
    };
    let w = world(settings).await;
    let ann = member(&w.ctx, "ann").await;
    let m = media::upload(&w.ctx, &ann, media::sample_photo(10, 64, 64).unwrap(), None).await;
    let m = m.unwrap();
    // Break the blob store for real: a plain file where the thumbnail's directory was, so
    // reading the blob fails with "not a directory".
    let path = w.dir.path().join("blobs").join(&m.small_key);
    let parent = path.parent().unwrap().to_owned();
    std::fs::remove_dir_all(&parent).unwrap();
    std::fs::write(&parent, b"in the way").unwrap();
    media::remove(&w.ctx, &ann, m.id).await.unwrap();

    assert_eq!(run(&w.ctx).await.retried, 1);
    let job = &w.ctx.store.jobs_in_state("queued", 1).await.unwrap()[0];
    // First retry after 10 s ± 20 %.
    assert!((T0 + 8_000..=T0 + 12_000).contains(&job.run_at), "{}", job.run_at - T0);
    assert!(job.last_error.contains("blob store"), "{}", job.last_error);
    assert_eq!(run(&w.ctx).await.ran(), 0, "not due yet");
    w.clock.advance_ms(12_001);
    assert_eq!(run(&w.ctx).await.retried, 1);
    let job = &w.ctx.store.jobs_in_state("queued", 1).await.unwrap()[0];
    // Second retry after 20 s ± 20 %.
    assert!((T0 + 12_001 + 16_000..=T0 + 12_001 + 24_000).contains(&job.run_at));
    w.clock.advance_ms(24_001);
    assert_eq!(run(&w.ctx).await.buried, 1, "third attempt was the last");
    assert_eq!(w.ctx.store.job_counts().await.unwrap(), (0, 1));
    w.clock.advance_ms(10 * 3_600_000);
    assert_eq!(run(&w.ctx).await.ran(), 0, "dead letters do not run");

    // The operator fixes the cause and replays.
    std::fs::remove_file(&parent).unwrap();
    assert_eq!(w.ctx.store.replay_jobs(None, w.ctx.now()).await.unwrap(), 1);
    assert_eq!(run(&w.ctx).await.done, 1);
    assert!(!exists(&w.ctx, &m.original_key).await);
    assert_eq!(w.ctx.store.job_counts().await.unwrap(), (0, 0));
}

#[tokio::test]
async fn an_unreadable_job_is_dead_at_once() {
    let w = world(JobSettings::default()).await;
    let job = nb_app::jobs::new_job(&w.ctx, &Job::PruneMedia, T0, None);
    let broken = nb_store::NewJob { payload: "{\"kind\":\"no_such_job\"}".to_owned(), ..job };
    w.ctx.store.enqueue_job(&broken).await.unwrap();
    assert_eq!(run(&w.ctx).await.buried, 1);
    let dead = w.ctx.store.jobs_in_state("dead", 5).await.unwrap();
    assert!(dead[0].last_error.contains("unreadable payload"), "{}", dead[0].last_error);
}

#[tokio::test]
async fn a_stopping_worker_hands_back_what_it_did_not_start() {
    let w = world(JobSettings::default()).await;
    for _ in 0..3 {
        jobs::enqueue(&w.ctx, &Job::ReleaseBlobs { keys: vec![] }, None).await.unwrap();
    }
    let (_tx, stop) = tokio::sync::watch::channel(true);
    assert_eq!(jobs::run_due(&w.ctx, 10, Some(&stop)).await.unwrap().ran(), 0);
    let queued = w.ctx.store.jobs_in_state("queued", 10).await.unwrap();
    assert_eq!(queued.len(), 3);
    assert!(queued.iter().all(|j| j.attempts == 0 && j.lease.is_none() && j.run_at <= T0));
    assert_eq!(run(&w.ctx).await.done, 3);
}

#[tokio::test]
async fn workers_wake_on_enqueue_and_stop_on_request() {
    // Polling once an hour: only the wake-up can make the job run promptly.
    let settings = JobSettings { poll: Duration::from_secs(3600), ..JobSettings::default() };
    let w = world(settings).await;
    let workers = jobs::start(&w.ctx);
    let ann = member(&w.ctx, "ann").await;
    let m = media::upload(&w.ctx, &ann, media::sample_photo(11, 64, 64).unwrap(), None).await;
    let m = m.unwrap();
    media::remove(&w.ctx, &ann, m.id).await.unwrap();
    // Wait (bounded) for the observable result: the blob gone and the queue empty.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while exists(&w.ctx, &m.original_key).await || w.ctx.store.job_counts().await.unwrap().0 > 0 {
        assert!(tokio::time::Instant::now() < deadline, "the worker never ran the job");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::timeout(Duration::from_secs(10), workers.shutdown(Duration::from_secs(5)))
        .await
        .expect("workers stop when asked");
}

#[tokio::test]
async fn new_notes_are_translated_ahead_for_their_likely_readers() {
    let mut w = world(JobSettings::default()).await;
    w.ctx = w.ctx.with_translation(Translation::default());
    let mei = member(&w.ctx, "mei").await;
    let photo = media::sample_photo(9, 320, 240).unwrap();
    let described = media::upload(&w.ctx, &mei, photo, Some("一碗牛肉面")).await.unwrap();
    let note = Compose {
        title: Some("成都美食".to_owned()),
        text: "我爱火锅 #美食".to_owned(),
        media_ids: vec![described.id],
        ..Compose::default()
    };
    let posted = notes::post(&w.ctx, &mei, note).await.unwrap();
    let hashes: Vec<String> = ["我爱火锅 #美食", "成都美食", "一碗牛肉面"]
        .iter()
        .map(|t| nb_app::translate::content_hash(t))
        .collect();
    let cached = || w.ctx.store.cached_translations(&hashes, "zh-Hans", "en");
    assert!(cached().await.unwrap().is_empty(), "nothing before the job runs");
    assert!(run(&w.ctx).await.ran() >= 1);
    let mut got = cached().await.unwrap();
    got.sort_by(|a, b| a.content_hash.cmp(&b.content_hash));
    assert_eq!(got.len(), 3, "text, title and photo description, into English: {got:?}");
    assert!(got.iter().all(|c| c.engine == "gloss" && c.kind == "gloss"));
    // A reader then gets the prefetched text.
    let reader = member(&w.ctx, "ben").await;
    let t = nb_app::translate::post(&w.ctx, &reader, posted.id, Some("en")).await.unwrap();
    let body = got.iter().find(|c| c.content_hash == hashes[0]).unwrap();
    assert_eq!(t.body.text, body.text);
}

/// `fans` follow `star`, who then posts `text` (as she is after gaining them).
async fn followed_then_post(ctx: &Ctx, star: i64, fans: &[AccountRow], text: &str) {
    for fan in fans {
        nb_app::social::follow(ctx, fan, star).await.unwrap();
    }
    let star = accounts::get(ctx, star).await.unwrap();
    notes::post(ctx, &star, Compose { text: text.to_owned(), ..Compose::default() }).await.unwrap();
}

/// Above `home_pull_above` followers a member's posts go into no follower's feed and queue
/// no job: the followers' feeds read them, at once.
#[tokio::test]
async fn a_much_followed_members_posts_reach_home_feeds_at_once_without_a_job() {
    let w = world(JobSettings::default()).await;
    let mut ctx = w.ctx.clone();
    ctx.settings = Arc::new(Settings { home_pull_above: 2, ..(*w.ctx.settings).clone() });
    let ctx = &ctx;
    let star = member(ctx, "star").await;
    let home = |reader: i64| async move {
        let notes = nb_app::feeds::home(ctx, reader, &Page::newest(20)).await.unwrap();
        notes.into_iter().map(|n| n.body).collect::<Vec<_>>()
    };
    // Two followers: not more than the threshold, so the post writes their entries.
    let fans = [member(ctx, "fan0").await, member(ctx, "fan1").await];
    followed_then_post(ctx, star.id, &fans, "hello two").await;
    assert_eq!(home(fans[0].id).await, ["hello two"]);

    let more = [member(ctx, "fan2").await, member(ctx, "fan3").await];
    followed_then_post(ctx, star.id, &more, "hello four").await;
    for fan in fans.iter().chain(&more) {
        assert_eq!(home(fan.id).await, ["hello four", "hello two"], "{}", fan.handle);
    }
    assert_eq!(home(star.id).await, ["hello four", "hello two"]);
    assert_eq!(run(ctx).await.ran(), 0, "nothing left for a job");
}

/// An OpenAI-compatible endpoint on loopback that holds every request until `side_by_side`
/// are open at once (or 10 s have passed), then answers each 503, so the chain falls back to
/// the glossary. Returns its base URL and the most requests it saw open at once.
async fn holding_endpoint(side_by_side: usize) -> (String, tokio::sync::watch::Receiver<usize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let (most_tx, most) = tokio::sync::watch::channel(0usize);
    let most_tx = Arc::new(most_tx);
    let open = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let (open, most_tx) = (Arc::clone(&open), Arc::clone(&most_tx));
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                loop {
                    // One HTTP/1.1 request: headers, then a body of Content-Length bytes.
                    let mut length = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let lower = line.to_ascii_lowercase();
                        if let Some(v) = lower.strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let now_open = open.fetch_add(1, Ordering::SeqCst) + 1;
                    most_tx.send_modify(|m| *m = (*m).max(now_open));
                    let mut seen = most_tx.subscribe();
                    let _ = tokio::time::timeout(
                        Duration::from_secs(10),
                        seen.wait_for(|m| *m >= side_by_side),
                    )
                    .await;
                    open.fetch_sub(1, Ordering::SeqCst);
                    let body = r#"{"error":{"message":"busy"}}"#;
                    let reply = format!(
                        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if reader.get_mut().write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (base, most)
}

#[tokio::test]
async fn a_worker_runs_up_to_jobs_at_once_jobs_side_by_side() {
    let at_once = 4;
    let (base, most) = holding_endpoint(at_once).await;
    let config = nb_bridge::TranslateConfig {
        engines: Some(nb_bridge::config::EngineList(vec![
            nb_bridge::EngineKind::OpenAi,
            nb_bridge::EngineKind::Gloss,
        ])),
        openai: Some(nb_bridge::config::OpenAiConfig {
            base_url: base,
            model: "test-model".to_owned(),
            api_key: None,
            temperature: None,
            timeout_ms: Some(30_000),
        }),
        ..nb_bridge::TranslateConfig::default()
    };
    let bridge =
        nb_bridge::Bridge::from_config(&config, std::path::Path::new(""), reqwest::Client::new())
            .unwrap();
    let mut w = world(JobSettings { jobs_at_once: at_once, ..JobSettings::default() }).await;
    w.ctx = w.ctx.with_translation(Translation::new(bridge, 200));
    let mei = member(&w.ctx, "mei").await;
    // Distinct texts: the same text in flight twice would be asked for once.
    for n in 0..2 * at_once {
        let note =
            Compose { text: format!("今天的火锅第{n}顿 #美食"), ..Compose::default() };
        notes::post(&w.ctx, &mei, note).await.unwrap();
    }
    let pass = run(&w.ctx).await;
    assert_eq!(pass.ran(), 2 * at_once, "every prefetch ran: {pass:?}");
    assert_eq!(*most.borrow(), at_once, "as many requests open at once as jobs_at_once");
}
