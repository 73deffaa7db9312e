//! What a SQLite database leaves on disk.

use std::path::{Path, PathBuf};

use nb_store::{NewAccount, NewNote, Store, StoreOptions};

/// A migrated database `name` in `dir`, with the path of its log.
async fn open(dir: &Path, name: &str) -> (Store, PathBuf, PathBuf) {
    let path = dir.join(name);
    let wal = dir.join(format!("{name}-wal"));
    let store = Store::open_sqlite(&path, &StoreOptions::default()).await.expect("open");
    store.migrate().await.expect("migrate");
    (store, path, wal)
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
    store
        .insert_account(&NewAccount {
            id: author,
            handle: "writer".to_owned(),
            email: "writer@example.com".to_owned(),
            password_hash: "$argon2id$stub-not-checked-here".to_owned(),
            display_name: "writer".to_owned(),
            home_region: None,
            languages: "en".to_owned(),
            role: "user".to_owned(),
            state: "active".to_owned(),
            created_at: 1,
            email_confirmed_at: Some(1),
        })
        .await
        .expect("account");
    // About 40 KB of log per note (its row fills most of a page; indexes, counter, feed entry).
    let body = "a long day out, ".repeat(190);
    for i in 1..=4_000 {
        let note = NewNote {
            id: author + i,
            author_id: author,
            title: String::new(),
            body: body.clone(),
            visibility: "public".to_owned(),
            language: Some("en".to_owned()),
            app_id: None,
            created_at: i,
            tags: vec![],
            mentions: vec![],
            idempotency_key: None,
            media_ids: vec![],
            job: None,
            fan_out_later: None,
        };
        store.insert_note(&note).await.expect("note");
    }
    let size = std::fs::metadata(&wal).expect("the log").len();
    assert!(size < 85 << 20, "the log grew to {size} bytes");
    store.close().await;
}
