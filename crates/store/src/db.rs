use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::bulk::BulkConn;
use crate::checkpoint::{Checkpointer, WRITER_AUTOCHECKPOINT};
use crate::error::{Result, StoreError};
use crate::lite::{LiteReaders, LiteRow};
use crate::recent::Recents;
use crate::script::ScriptQueue;

/// A PostgreSQL connection idle longer than this is pinged before it is handed out.
const PING_IDLE_AFTER: Duration = Duration::from_secs(5);

/// A value bound to a query in [`Store::explain`].
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Int(i64),
    Real(f64),
    Text(String),
    /// NULL where an integer goes (PostgreSQL wants its type).
    NullInt,
    /// NULL where text goes.
    NullText,
}

impl Arg {
    pub(crate) fn opt_int(v: Option<i64>) -> Arg {
        v.map_or(Arg::NullInt, Arg::Int)
    }

    pub(crate) fn opt_text(v: Option<&str>) -> Arg {
        v.map_or(Arg::NullText, |t| Arg::Text(t.to_owned()))
    }

    /// `first`, then each of `ids`: a query over a page of ids for one account.
    pub(crate) fn ints(first: i64, ids: &[i64]) -> Vec<Arg> {
        std::iter::once(first).chain(ids.iter().copied()).map(Arg::Int).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Reader connections for SQLite, total connections for PostgreSQL.
    pub max_connections: u32,
    /// SQLite page cache of the one writer connection, in MiB. Writes into large indexes at
    /// random positions (follows, likes, home feeds) slow down sharply once their pages no
    /// longer fit.
    pub writer_cache_mib: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            max_connections: u32::try_from(cores * 4).unwrap_or(8).clamp(4, 32),
            writer_cache_mib: 256,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
        bulk: Arc<BulkConn>,
        /// Write scripts waiting for the writer, committed together.
        scripts: Arc<ScriptQueue>,
        lite: Arc<LiteReaders>,
        checkpointer: Arc<Checkpointer>,
    },
    Postgres(PgPool),
}

/// How much of the database file the script connection maps (64 GiB of address space, more
/// than any file here): reads of mapped pages skip read(2) and share the OS page cache. SQLite
/// caps it at its compile-time `SQLITE_MAX_MMAP_SIZE`, raised to the same in
/// `.cargo/config.toml`.
pub(crate) const MMAP_SIZE: i64 = 64 << 30;

/// The script connection's `journal_size_limit` (`bulk/lite.rs`): a log it starts over after a
/// burst is cut back to this size. A log past 16 MiB is started over (`checkpoint.rs`), which
/// under sustained posting takes a few rounds while it grows to 150–300 MiB; below this size it
/// is not cut and its pages are reused in place. Cut and grown again, it cost the writer 7–20
/// ms each time: at 256 MiB, which the log passed now and then, the posting benchmark made
/// 1,043–1,114 posts/s with a p99 of 34 ms; at 1 GiB 1,123–1,163 posts/s and 29–33 ms.
pub(crate) const LOG_SIZE_LIMIT: i64 = 1 << 30;

/// The storage API. Cheap to clone: it holds connection pools.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: Db,
    /// Pulled members' newest note ids, for home feeds (`recent.rs`).
    pub(crate) recents: Arc<Recents>,
}

/// Run `$body` with `$pool` bound to a pool that may read.
macro_rules! on_read {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.db {
            $crate::db::Db::Sqlite { reader: $pool, .. } => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Run `$body` with `$pool` bound to the pool that writes (SQLite: the one writer connection).
macro_rules! on_write {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.db {
            $crate::db::Db::Sqlite { writer: $pool, .. } => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use {on_read, on_write};

/// `$start, $start+1, …` for `n` values: the IN list of a query over a page of ids. Only ever
/// numbers, so the SQL built from it stays safe.
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// Open a database by URL: `sqlite://PATH` (created when missing) or `postgres://…`.
    pub async fn connect(url: &str, opts: &StoreOptions) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // sqlx pings every connection it hands out by default: a second round trip for
            // each statement run on the pool. Only a connection that sat idle a while is
            // checked; a server restart otherwise shows as one failed statement per
            // connection, which sqlx then drops.
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > PING_IDLE_AFTER {
                            sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
                .connect(url)
                .await?;
            return Ok(Self { db: Db::Postgres(pool), recents: Arc::default() });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| StoreError::BadUrl(url.to_owned()))?;
        Self::open_sqlite(Path::new(path), opts).await
    }

    pub async fn open_sqlite(path: &Path, opts: &StoreOptions) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        let base = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-32000")
            .pragma("temp_store", "memory");
        let writer_cache = format!("-{}", u64::from(opts.writer_cache_mib.max(2)) * 1024);
        // An embedded file cannot hang up: no ping (a hand-off to sqlx's worker thread) before
        // each statement.
        let writer = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .min_connections(1)
            .connect_with(
                base.clone()
                    .create_if_missing(true)
                    .pragma("cache_size", writer_cache)
                    .pragma("wal_autocheckpoint", WRITER_AUTOCHECKPOINT.to_string())
                    // Not mapped, as the readers below: it sees the script connection's commits.
                    .pragma("mmap_size", "0"),
            )
            .await?;
        // Not mapped: a WAL connection that begins a read after another connection's commit
        // unmaps the whole file, and under posting (translation prefetches read here) those
        // `munmap`s and the page faults after them were 5 % of the server's CPU (see
        // `lite.rs`). Only the script connection, which sees few commits but its own, maps it.
        let reader = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(opts.max_connections)
            .connect_with(base.read_only(true).pragma("mmap_size", "0"))
            .await?;
        let checkpointer = Arc::new(
            Checkpointer::start(path.to_owned())
                .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?,
        );
        let bulk = Arc::new(BulkConn::new(
            path.to_owned(),
            opts.writer_cache_mib,
            Arc::clone(&checkpointer),
        ));
        let lite = Arc::new(LiteReaders::new(path.to_owned()));
        let scripts = Arc::default();
        Ok(Self {
            db: Db::Sqlite { writer, reader, bulk, scripts, lite, checkpointer },
            recents: Arc::default(),
        })
    }

    /// `SELECT id FROM table WHERE id = $1`, locking the row on PostgreSQL (SQLite has one
    /// writer, so its transactions never interleave). `table` is always one of ours.
    pub(crate) fn lock_row_sql(&self, table: &'static str) -> String {
        match self.db {
            Db::Sqlite { .. } => format!("SELECT id FROM {table} WHERE id = $1"),
            Db::Postgres(_) => format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE"),
        }
    }

    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Apply every migration this build knows that the database has not seen.
    pub async fn migrate(&self) -> Result<()> {
        match &self.db {
            Db::Sqlite { writer, .. } => sqlx::migrate!("./migrations/sqlite").run(writer).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        // A bulk load that was cut off leaves its indexes dropped: build them again.
        self.restore_load_indexes().await
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<()> {
        on_read!(self, |p| sqlx::query("SELECT 1").execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Refresh the planner's statistics (after bulk loads, and in query-plan tests).
    pub async fn analyze(&self) -> Result<()> {
        on_write!(self, |p| sqlx::query("ANALYZE").execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The plan the database would use for `sql` with `args` bound, one line per step.
    /// For tests and diagnostics; `sql` is one of the store's own queries.
    pub async fn explain(&self, sql: &'static str, args: &[Arg]) -> Result<Vec<String>> {
        use sqlx::Row;
        match &self.db {
            // On the inline readers, whose settings (the planner stability guarantee) decide the
            // plans the server runs.
            Db::Sqlite { lite, .. } => {
                let q = format!("EXPLAIN QUERY PLAN {sql}");
                let rows: Vec<(i64, i64, i64, String)> = lite.all(&q, args)?;
                Ok(rows.into_iter().map(|(_, _, _, detail)| detail).collect())
            }
            Db::Postgres(pool) => {
                let q = format!("EXPLAIN {sql}");
                let rows =
                    bind_pg(sqlx::query(sqlx::AssertSqlSafe(q)), args).fetch_all(pool).await?;
                Ok(rows.iter().map(|r| r.get::<String, _>(0)).collect())
            }
        }
    }

    /// Every row of a read query with `args` bound as `$1, $2, …`. On SQLite it runs on the
    /// calling thread (see `lite.rs`): only for bounded reads by index.
    pub(crate) async fn read_all<T>(&self, sql: &str, args: &[Arg]) -> Result<Vec<T>>
    where
        T: LiteRow + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        match &self.db {
            Db::Sqlite { lite, .. } => lite.all(sql, args),
            Db::Postgres(pool) => {
                let q = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql));
                Ok(bind_pg_as(q, args).fetch_all(pool).await?)
            }
        }
    }

    /// The first row of a read query, as [`Store::read_all`] runs it.
    pub(crate) async fn read_first<T>(&self, sql: &str, args: &[Arg]) -> Result<Option<T>>
    where
        T: LiteRow + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        match &self.db {
            Db::Sqlite { lite, .. } => lite.first(sql, args),
            Db::Postgres(pool) => {
                let q = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql));
                Ok(bind_pg_as(q, args).fetch_optional(pool).await?)
            }
        }
    }

    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite { writer, reader, bulk, lite, checkpointer, .. } => {
                // Its connection closes too: the last one to close copies the log back and
                // removes it.
                checkpointer.stop();
                lite.close();
                reader.close().await;
                // Waits for a running batch too: each holds the writer while it runs.
                writer.close().await;
                bulk.close();
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

type PgArgs = sqlx::postgres::PgArguments;

/// Bind each of `$args` to the sqlx query `$q` in order (a `Query` and a `QueryAs` have the same
/// `bind` but no common trait for it).
macro_rules! bind_args {
    ($q:ident, $args:expr) => {{
        for a in $args {
            $q = match a {
                Arg::Int(i) => $q.bind(*i),
                Arg::Real(r) => $q.bind(*r),
                Arg::Text(t) => $q.bind(t.as_str()),
                Arg::NullInt => $q.bind(None::<i64>),
                Arg::NullText => $q.bind(None::<&str>),
            };
        }
        $q
    }};
}

pub(crate) fn bind_pg<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Postgres, PgArgs>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, sqlx::Postgres, PgArgs> {
    bind_args!(q, args)
}

pub(crate) fn bind_pg_as<'q, T>(
    mut q: sqlx::query::QueryAs<'q, sqlx::Postgres, T, PgArgs>,
    args: &'q [Arg],
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, T, PgArgs> {
    bind_args!(q, args)
}
