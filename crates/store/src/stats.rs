//! How big the database is, for benchmark reports.

use crate::Store;
use crate::db::{Db, on_read};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeSummary {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The database's size on disk (SQLite: the main file, without the WAL).
    pub bytes: u64,
    pub accounts: i64,
    pub notes: i64,
    pub follows: i64,
    pub likes: i64,
}

impl Store {
    /// Row counts of the main tables and the size on disk. Counts every row: seconds on a
    /// large database, so for reports, never for requests.
    pub async fn size_summary(&self) -> Result<SizeSummary> {
        let count = |table: &'static str| format!("SELECT COUNT(*) FROM {table}");
        let mut counts = [0i64; 4];
        for (slot, table) in counts.iter_mut().zip(["accounts", "notes", "follows", "likes"]) {
            let sql = count(table);
            let (n,): (i64,) =
                on_read!(self, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                    .fetch_one(p)
                    .await)?;
            *slot = n;
        }
        let (backend, bytes): (&str, i64) = match &self.db {
            Db::Sqlite { reader, .. } => {
                let (pages,): (i64,) =
                    sqlx::query_as("PRAGMA page_count").fetch_one(reader).await?;
                let (size,): (i64,) = sqlx::query_as("PRAGMA page_size").fetch_one(reader).await?;
                ("sqlite", pages * size)
            }
            Db::Postgres(pool) => {
                let (size,): (i64,) = sqlx::query_as("SELECT pg_database_size(current_database())")
                    .fetch_one(pool)
                    .await?;
                ("postgres", size)
            }
        };
        let [accounts, notes, follows, likes] = counts;
        Ok(SizeSummary {
            backend: backend.to_owned(),
            bytes: u64::try_from(bytes).unwrap_or(0),
            accounts,
            notes,
            follows,
            likes,
        })
    }
}
