//! What a SQLite database leaves on disk.

use std::path::{Path, PathBuf};

use nb_store::{Act, NewAccount, NewNote, Store, StoreOptions};

/// A migrated database `name` in `dir`, with the path of its log.
async fn open(dir: &Path, name: &str) -> (Store, PathBuf, PathBuf) {
    let path = dir.join(name);
    let wal = dir.join(format!("{name}-wal"));
    let store = Store::open_sqlite(&path, &StoreOptions::default()).await.expect("open");
    store.migrate().await.expect("migrate");
    (store, path, wal)
}

fn member(id: i64, handle: &str) -> NewAccount {
    NewAccount {
        id,
        handle: handle.to_owned(),
        email: format!("{handle}@example.com"),
        password_hash: "$argon2id$stub-not-checked-here".to_owned(),
        display_name: handle.to_owned(),
        home_region: None,
        languages: "en".to_owned(),
        role: "user".to_owned(),
        state: "active".to_owned(),
        created_at: 1,
        email_confirmed_at: Some(1),
    }
}

fn text_note(id: i64, author_id: i64, body: &str, pull_above: Option<i64>) -> NewNote {
    NewNote {
        id,
        author_id,
        title: String::new(),
        body: body.to_owned(),
        visibility: "public".to_owned(),
        language: Some("en".to_owned()),
        app_id: None,
        created_at: id,
        tags: vec![],
        mentions: vec![],
        idempotency_key: None,
        media_ids: vec![],
        job: None,
        pull_above,
    }
}

/// Checkpoints run on a thread with its own connection; closing the store stops that thread and
/// closes its connection, so the last connection to close copies the log back and removes it.
#[tokio::test]
async fn close_copies_the_log_back_and_removes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, path, wal) = open(dir.path(), "files.db").await;
    assert!(wal.exists(), "a database in WAL mode writes its log beside it");
    store.close().await;
    assert!(!wal.exists(), "the log is still there after close");

    // The database holds everything the log did.
    let again = Store::open_sqlite(&path, &StoreOptions::default()).await.expect("reopen");
    again.migrate().await.expect("migrations already applied");
    again.close().await;
}

/// Under writes that never pause the checkpoint thread never catches up, and a log is only
/// started over once it has: without the restart (see `checkpoint.rs`) this log grows to all
/// of the ~170 MB written into it; with it, it stayed under 40 MB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_is_started_over_under_constant_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, _, wal) = open(dir.path(), "busy.db").await;
    let author = 1 << 20;
    store.insert_account(&member(author, "writer")).await.expect("account");
    // About 40 KB of log per note (its row fills most of a page; indexes, counter, feed entry).
    let body = "a long day out, ".repeat(190);
    for i in 1..=4_000 {
        store.insert_note(&text_note(author + i, author, &body, None)).await.expect("note");
    }
    let size = std::fs::metadata(&wal).expect("the log").len();
    assert!(size < 85 << 20, "the log grew to {size} bytes");
    store.close().await;
}

/// A pulled member's post writes only the author's own home entry (the point of pulling: see
/// `home.rs`), while a post below the threshold writes one per follower.
#[tokio::test]
async fn a_pulled_members_post_writes_one_home_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, path, _) = open(dir.path(), "pulled.db").await;
    let (star, fans) = (1 << 20, [(1 << 20) + 1, (1 << 20) + 2, (1 << 20) + 3]);
    store.insert_account(&member(star, "star")).await.expect("account");
    for (i, fan) in (0..).zip(fans) {
        store.insert_account(&member(fan, &format!("fan{i}"))).await.expect("account");
        let act = Act { id: fan + 100, notification_id: fan + 200, at: 1 };
        store.follow(fan, star, act).await.expect("follow");
    }
    let entries = || {
        let db = rusqlite::Connection::open(&path).expect("open");
        db.query_row("SELECT COUNT(*) FROM home_entries", [], |r| r.get::<_, i64>(0))
            .expect("count")
    };
    store.insert_note(&text_note(star + 10, star, "three fans", Some(3))).await.expect("note");
    assert_eq!(entries(), 4, "at the threshold: the author's and every follower's");
    store.insert_note(&text_note(star + 11, star, "pulled now", Some(2))).await.expect("note");
    assert_eq!(entries(), 5, "above it: the author's own only");
    let feed = store.home_feed(fans[0], &nb_store::Page::newest(20)).await.expect("feed");
    assert_eq!(feed.iter().map(|n| n.id).collect::<Vec<_>>(), [star + 11, star + 10]);
    store.close().await;
}
