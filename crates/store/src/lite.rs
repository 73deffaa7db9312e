//! SQLite reads of the hot paths (feeds, a note, a token) on rusqlite, run inline on the calling
//! thread.
//!
//! sqlx's SQLite driver runs each statement on a worker thread and sends every row back
//! through a channel, copying each value. Under feed load that hand-off (futex wake-ups, value
//! copies, SQLite's own mutexes) took more of the server's CPU than SQLite's work did: a feed
//! page is half a dozen small statements. Here a statement runs on the caller's thread on a
//! connection opened without SQLite's mutexes, and rows are read straight into their structs.
//! Only bounded index reads come this way (a page of a feed, rows by key): each takes tens of
//! microseconds, less than a hand-off to another thread would cost, so they block the async
//! worker briefly instead. WAL readers never wait for the writer.
//!
//! The SQL text is the same as PostgreSQL's: SQLite reads `$1` as a parameter named `$1`, so
//! arguments are bound by name, whatever order the placeholders appear in.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{CachedStatement, Connection, OpenFlags};

use crate::db::Arg;
use crate::error::Result;

/// Idle connections kept for reuse; more open when more threads read at once.
const MAX_IDLE: usize = 16;

/// Each connection's page cache (128 MiB): a feed page touches notes, authors and media
/// scattered over the file. Two or three connections are in use at once.
const CACHE_KIB: i64 = 128 * 1024;

/// Prepared statements kept per connection: a page's `IN (…)` lists vary in length, and each
/// length is a statement of its own.
const STATEMENTS: usize = 256;

/// Read-only connections to the database file, opened on first use.
pub(crate) struct LiteReaders {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for LiteReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiteReaders").field("path", &self.path).finish_non_exhaustive()
    }
}

impl LiteReaders {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self { path, idle: Mutex::new(Vec::new()) }
    }

    /// Every row of `sql` with `args` bound as `$1, $2, …`.
    pub(crate) fn all<T: LiteRow>(&self, sql: &str, args: &[Arg]) -> Result<Vec<T>> {
        self.with(|conn| query_all(conn, sql, args))
    }

    /// The first row of `sql`, if any.
    pub(crate) fn first<T: LiteRow>(&self, sql: &str, args: &[Arg]) -> Result<Option<T>> {
        self.with(|conn| {
            let mut stmt = prepare::<T>(conn, sql, args)?;
            let mut rows = stmt.raw_query();
            Ok(match rows.next()? {
                Some(row) => Some(T::read(row, 0)?),
                None => None,
            })
        })
    }

    pub(crate) fn close(&self) {
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    fn with<T>(&self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        let conn = match idle {
            Some(c) => c,
            None => self.open()?,
        };
        let out = work(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        out
    }

    /// Read-only, with a page cache of its own ([`CACHE_KIB`]) and the file not mapped: in WAL
    /// mode a connection that starts a read after any commit drops its page cache and, when
    /// the file is mapped, unmaps all of it (`munmap`, then a page fault for every page it
    /// touches again). Under the mixed benchmark (reads and writes together) that cost more
    /// than reading the pages again through read(2): mapped, 2,425 requests/s; unmapped with
    /// this cache, 2,717; feeds alone were the same either way (home 13,071 / 12,915).
    fn open(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "mmap_size", 0)?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS);
        // SQLite is built with STAT4, and `ANALYZE` keeps samples: without the planner stability
        // guarantee, a cached statement is compiled again whenever a bound value changes (every
        // feed page), which showed as SQL parsing in the profile. The plans of these bounded
        // index reads do not depend on the values.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        Ok(conn)
    }
}

/// Every row of `sql` with `args` bound as `$1, $2, …`, on `conn`.
pub(crate) fn query_all<T: LiteRow>(conn: &Connection, sql: &str, args: &[Arg]) -> Result<Vec<T>> {
    let mut stmt = prepare::<T>(conn, sql, args)?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(T::read(row, 0)?);
    }
    Ok(out)
}

fn prepare<'c, T: LiteRow>(
    conn: &'c Connection,
    sql: &str,
    args: &[Arg],
) -> Result<CachedStatement<'c>> {
    let mut stmt = conn.prepare_cached(sql)?;
    debug_assert_eq!(stmt.parameter_count(), args.len(), "arguments of {sql}");
    bind_named(&mut stmt, args)?;
    if cfg!(debug_assertions) {
        let mut expected = Vec::new();
        T::columns(&mut expected);
        // Rows are read by position: the query must list the struct's columns in its order.
        if !expected.is_empty() {
            assert_eq!(stmt.column_names(), expected, "columns of {sql}");
        }
    }
    Ok(stmt)
}

/// Bind `args` as `$1, $2, …` by name, whatever order the placeholders appear in.
pub(crate) fn bind_named(stmt: &mut rusqlite::Statement<'_>, args: &[Arg]) -> Result<()> {
    // Every read of the hot paths binds here: the names of the first dozen are not formatted.
    const NAMES: [&str; 12] =
        ["$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11", "$12"];
    for (i, arg) in args.iter().enumerate() {
        let at = match NAMES.get(i) {
            Some(name) => stmt.parameter_index(name)?,
            None => stmt.parameter_index(&format!("${}", i + 1))?,
        };
        let Some(at) = at else { continue };
        match arg {
            Arg::Int(v) => stmt.raw_bind_parameter(at, v)?,
            Arg::Real(v) => stmt.raw_bind_parameter(at, v)?,
            Arg::Text(v) => stmt.raw_bind_parameter(at, v)?,
            Arg::NullInt | Arg::NullText => stmt.raw_bind_parameter(at, rusqlite::types::Null)?,
        }
    }
    Ok(())
}

/// A row type read by position, from column `at` on.
pub(crate) trait LiteRow: Sized {
    /// The column names in the order [`LiteRow::read`] takes them (none for tuples, whose
    /// columns may be called anything); checked against each query in debug builds.
    fn columns(out: &mut Vec<&'static str>);

    fn read(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Self>;
}

/// `impl LiteRow` for a struct whose fields are the query's columns in order; `flatten` fields
/// (another `LiteRow`) come last and take the columns after them.
macro_rules! lite_row {
    ($ty:ty { $($field:ident),* $(,)? } $(flatten $inner:ident: $inner_ty:ty)?) => {
        impl $crate::lite::LiteRow for $ty {
            fn columns(out: &mut Vec<&'static str>) {
                $(out.push(stringify!($field));)*
                $(<$inner_ty as $crate::lite::LiteRow>::columns(out);)?
            }

            #[allow(unused_assignments)]
            fn read(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Self> {
                let mut i = at;
                Ok(Self {
                    $($field: {
                        let v = row.get(i)?;
                        i += 1;
                        v
                    },)*
                    $($inner: <$inner_ty as $crate::lite::LiteRow>::read(row, i)?,)?
                })
            }
        }
    };
}
pub(crate) use lite_row;

macro_rules! lite_tuple {
    ($($t:ident $i:tt),+) => {
        impl<$($t: rusqlite::types::FromSql),+> LiteRow for ($($t,)+) {
            fn columns(_: &mut Vec<&'static str>) {}

            fn read(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Self> {
                Ok(($(row.get(at + $i)?,)+))
            }
        }
    };
}
lite_tuple!(A 0);
lite_tuple!(A 0, B 1);
lite_tuple!(A 0, B 1, C 2);
lite_tuple!(A 0, B 1, C 2, D 3);

#[cfg(test)]
mod tests {
    use super::*;

    /// The build settings of `.cargo/config.toml` reached the SQLite we link.
    #[test]
    fn sqlite_is_built_to_map_the_whole_file_and_keep_caches_apart() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("t.db")).unwrap();
        conn.pragma_update(None, "mmap_size", crate::db::MMAP_SIZE).unwrap();
        let mapped: i64 = conn.pragma_query_value(None, "mmap_size", |r| r.get(0)).unwrap();
        assert_eq!(mapped, crate::db::MMAP_SIZE, "capped by SQLITE_MAX_MMAP_SIZE");
        let mut stmt = conn.prepare("PRAGMA compile_options").unwrap();
        let options: Vec<String> =
            stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
        assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
    }
}
