//! Fresh databases for tests: a SQLite file in a temporary directory, or a PostgreSQL database
//! under a random name on the server named by `NOTEBRIDGE_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), dropped when the test ends.
//!
//! Without a PostgreSQL server the PostgreSQL cases skip loudly, except under `CI=true`, where
//! they fail: CI must prove both backends.
#![allow(dead_code)]

use nb_store::{Store, StoreOptions};
use rand::Rng;
use sqlx::Connection;

pub struct TestStore {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl std::ops::Deref for TestStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_sqlite(&dir.path().join("test.db"), &StoreOptions::default())
        .await
        .expect("open sqlite");
    store.migrate().await.expect("migrate sqlite");
    TestStore { store, _dir: Some(dir), pg: None }
}

pub fn pg_admin_url() -> String {
    std::env::var("NOTEBRIDGE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A fresh PostgreSQL database, or `None` (with a loud note) when no server answers outside CI.
pub async fn postgres() -> Option<TestStore> {
    let admin_url = pg_admin_url();
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(c) => c,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true and PostgreSQL at {admin_url} is unreachable: {e}");
            }
            eprintln!("SKIPPED: PostgreSQL at {admin_url} is unreachable ({e}); run scripts/test");
            return None;
        }
    };
    let name = format!("nb_test_{:016x}", rand::rng().random::<u64>());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let url = match admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("bad PostgreSQL URL {admin_url}"),
    };
    let store =
        Store::connect(&url, &StoreOptions { max_connections: 4, ..StoreOptions::default() })
            .await
            .expect("connect test database");
    store.migrate().await.expect("migrate postgres");
    Some(TestStore { store, _dir: None, pg: Some((admin_url, name)) })
}

impl Drop for TestStore {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.pg.take() else {
            return;
        };
        // Drop runs outside any runtime we may block: do it on a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin_url).await {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await;
                    }
                });
            }
        })
        .join();
    }
}

/// Define each case once; run it on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let s = $crate::common::sqlite().await;
                    super::$case(&s).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(s) = $crate::common::postgres().await else { return };
                    super::$case(&s).await;
                }
            )*
        }
    };
}
