//! Probe: the reads of a home page (the page, the viewer's marks, the media) through sqlx's
//! SQLite driver, which hands every statement and row to a worker thread, against the same
//! three statements run by rusqlite in one blocking call per page. 16 concurrent readers, two
//! rounds of 5 s each. Informs the SQLite read path (see docs/decisions.md).
//!
//! `cargo run --release -p nb-store --example hop_probe -- DATA/notebridge.db`
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use nb_store::{HOME_FEED, Page, Store, StoreOptions};

const MARKS: &str = "SELECT note_id, 0 FROM likes WHERE account_id = ?1 AND note_id IN (SELECT value FROM json_each(?2)) UNION ALL SELECT note_id, 1 FROM collects WHERE account_id = ?1 AND note_id IN (SELECT value FROM json_each(?2))";
const MEDIA: &str = "SELECT * FROM media WHERE note_id IN (SELECT value FROM json_each(?1)) ORDER BY note_id, position";

thread_local! {
    static CONN: std::cell::RefCell<Option<rusqlite::Connection>> = const { std::cell::RefCell::new(None) };
}

fn one_hop(path: &str, owner: i64) -> usize {
    CONN.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            let conn = rusqlite::Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap();
            conn.pragma_update(None, "mmap_size", 8589934592i64).unwrap();
            *c = Some(conn);
        }
        let conn = c.as_ref().unwrap();
        let mut n = 0;
        let mut ids = Vec::new();
        {
            let mut st = conn.prepare_cached(HOME_FEED.desc).unwrap();
            let cols = st.column_count();
            let mut rows = st.query(rusqlite::params![owner, i64::MAX, i64::MIN, 20]).unwrap();
            while let Some(r) = rows.next().unwrap() {
                for i in 0..cols {
                    let _v: rusqlite::types::Value = r.get(i).unwrap();
                }
                ids.push(r.get::<_, i64>(1).unwrap());
                n += 1;
            }
        }
        let list = format!("[{}]", ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(","));
        let mut st = conn.prepare_cached(MARKS).unwrap();
        let mut rows = st.query(rusqlite::params![owner, list]).unwrap();
        while let Some(_r) = rows.next().unwrap() {
            n += 1;
        }
        let mut st = conn.prepare_cached(MEDIA).unwrap();
        let cols = st.column_count();
        let mut rows = st.query(rusqlite::params![list]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..cols {
                let _v: rusqlite::types::Value = r.get(i).unwrap();
            }
            n += 1;
        }
        n
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let path = std::env::args().nth(1).expect("db path");
    let store =
        Store::open_sqlite(std::path::Path::new(&path), &StoreOptions::default()).await.unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let owners: Vec<i64> = conn
        .prepare("SELECT id FROM accounts ORDER BY random() LIMIT 2000")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let owners = Arc::new(owners);
    for round in 0..2 {
        for mode in ["sqlx", "hop"] {
            let done = Arc::new(AtomicU64::new(0));
            let rows = Arc::new(AtomicU64::new(0));
            let until = Instant::now() + Duration::from_secs(5);
            let mut tasks = Vec::new();
            for t in 0..16usize {
                let (store, owners, done, rows, path) =
                    (store.clone(), owners.clone(), done.clone(), rows.clone(), path.clone());
                tasks.push(tokio::spawn(async move {
                    let mut i = t * 97;
                    while Instant::now() < until {
                        let owner = owners[i % owners.len()];
                        i += 1;
                        let n = if mode == "sqlx" {
                            let notes = store.home_feed(owner, &Page::newest(20)).await.unwrap();
                            let ids: Vec<i64> = notes.iter().map(|n| n.id).collect();
                            let marks = store.viewer_marks(owner, &ids).await.unwrap();
                            let media = store.media_of_notes(&ids).await.unwrap();
                            notes.len()
                                + marks.liked.len()
                                + marks.collected.len()
                                + media.values().map(Vec::len).sum::<usize>()
                        } else {
                            let p = path.clone();
                            tokio::task::spawn_blocking(move || one_hop(&p, owner)).await.unwrap()
                        };
                        rows.fetch_add(n as u64, Ordering::Relaxed);
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
            println!(
                "round {round} {mode}: {} pages/s, {} rows/page",
                done.load(Ordering::Relaxed) / 5,
                rows.load(Ordering::Relaxed) / done.load(Ordering::Relaxed).max(1)
            );
        }
    }
}
