use nb_domain::ValidationError;
use nb_store::StoreError;

/// Why a use case refused. Each variant says what the client did wrong, or that we failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Validation(#[from] ValidationError),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} is already taken")]
    Taken(&'static str),
    #[error("registrations are closed on this server")]
    RegistrationClosed,
    /// OAuth: the client id or secret is wrong.
    #[error("client authentication failed")]
    InvalidClient,
    /// OAuth: credentials, code or token are wrong, expired or revoked.
    #[error("{0}")]
    InvalidGrant(&'static str),
    #[error("the requested scope is invalid, unknown, or exceeds what the application registered")]
    InvalidScope,
    /// An upload was refused; `too_large` tells a 413 from a 422.
    #[error("{reason}")]
    Media { too_large: bool, reason: String },
    #[error("this account is {0}")]
    AccountUnusable(&'static str),
    /// The request is well-formed but cannot be done (e.g. translating a note into its own
    /// language).
    #[error("{0}")]
    Unprocessable(String),
    /// A service the request needs is turned off or failing (e.g. every translation engine).
    #[error("{0}")]
    Unavailable(String),
    /// The account used up an hourly quota.
    #[error("quota exceeded; try again in {retry_after_secs} s")]
    QuotaExceeded { retry_after_secs: u64 },
    #[error("storage failed")]
    Store(#[source] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => AppError::Taken(what),
            e @ StoreError::Contended(_) => AppError::Unavailable(e.to_string()),
            other => AppError::Store(other),
        }
    }
}
