#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; the string names what was taken (e.g. `email`).
    #[error("{0} is already taken")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    BadUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Map a unique violation on one of `columns` to [`StoreError::Conflict`]. PostgreSQL names
    /// the constraint (`accounts_email_key`); SQLite names the column (`accounts.email`).
    pub(crate) fn conflict_on(err: sqlx::Error, columns: &[&'static str]) -> Self {
        if let Some(db) = err.as_database_error() {
            if db.is_unique_violation() {
                let what = db
                    .constraint()
                    .map(str::to_owned)
                    .unwrap_or_else(|| db.message().to_owned());
                for c in columns {
                    if what.contains(c) {
                        return StoreError::Conflict(c);
                    }
                }
            }
        }
        StoreError::Database(err)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
