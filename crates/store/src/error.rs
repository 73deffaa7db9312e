#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; the string names what was taken (e.g. `email`).
    #[error("{0} is already taken")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    /// A medium to attach is not the author's, does not exist, or is attached already.
    #[error("media {0} cannot be attached")]
    MediaUnavailable(i64),
    /// A request the store does not take in this form.
    #[error("unsupported: {0}")]
    Unsupported(&'static str),
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    BadUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// From the SQLite connection of the bulk writes (rusqlite).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Other requests kept changing what a write depends on (the same member's collect, say).
    #[error("{0} kept changing while it was written; try again")]
    Contended(&'static str),
    /// A blocking database call was cancelled (the runtime is shutting down).
    #[error("the database call was cancelled")]
    Cancelled,
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Map a unique violation on one of `columns` to [`StoreError::Conflict`]. PostgreSQL names
    /// the constraint (`accounts_email_key`); SQLite names the column (`accounts.email`).
    pub(crate) fn conflict_on(err: sqlx::Error, columns: &[&'static str]) -> Self {
        if let Some(db) = err.as_database_error()
            && db.is_unique_violation()
        {
            let what = db.constraint().map_or_else(|| db.message().to_owned(), str::to_owned);
            if let Some(c) = columns.iter().find(|c| what.contains(*c)) {
                return StoreError::Conflict(c);
            }
        }
        StoreError::Database(err)
    }

    /// [`StoreError::conflict_on`] for the bulk connection: SQLite names the column in its
    /// message (`UNIQUE constraint failed: accounts.email`).
    pub(crate) fn conflict_on_lite(err: rusqlite::Error, columns: &[&'static str]) -> Self {
        if let rusqlite::Error::SqliteFailure(e, Some(message)) = &err
            && matches!(
                e.extended_code,
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            )
            && let Some(c) = columns.iter().find(|c| message.contains(*c))
        {
            return StoreError::Conflict(c);
        }
        StoreError::Sqlite(err)
    }
}

impl StoreError {
    /// The database could not take the work now (pool exhausted, locked): worth a retry.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            StoreError::Database(e) => {
                e.as_database_error().is_some_and(|d| d.message().contains("database is locked"))
            }
            StoreError::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ),
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
