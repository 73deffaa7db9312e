//! What a SQLite database leaves on disk.

use nb_store::{Store, StoreOptions};

/// Checkpoints run on a thread with its own connection; closing the store stops that thread and
/// closes its connection, so the last connection to close copies the log back and removes it.
#[tokio::test]
async fn close_copies_the_log_back_and_removes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("files.db");
    let wal = dir.path().join("files.db-wal");
    let store = Store::open_sqlite(&path, &StoreOptions::default()).await.expect("open");
    store.migrate().await.expect("migrate");
    assert!(wal.exists(), "a database in WAL mode writes its log beside it");
    store.close().await;
    assert!(!wal.exists(), "the log is still there after close");

    // The database holds everything the log did.
    let again = Store::open_sqlite(&path, &StoreOptions::default()).await.expect("reopen");
    again.migrate().await.expect("migrations already applied");
    again.close().await;
}
