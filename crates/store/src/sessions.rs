//! Web-app sessions: the hash of a browser's session secret, its member and when it ends.

use crate::Store;
use crate::accounts::{AccountRow, account_cols_a};
use crate::db::{on_read, on_write};
use crate::error::Result;

impl Store {
    pub async fn create_session(
        &self,
        token_hash: &str,
        account_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        const SQL: &str = "INSERT INTO web_sessions (token_hash, account_id, created_at, expires_at) \
                           VALUES ($1, $2, $3, $4)";
        on_write!(self, |p| sqlx::query(SQL)
            .bind(token_hash)
            .bind(account_id)
            .bind(now)
            .bind(expires_at)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The member of a live session (not yet expired at `now`).
    pub async fn session_account(&self, token_hash: &str, now: i64) -> Result<Option<AccountRow>> {
        const SQL: &str = concat!(
            "SELECT ",
            account_cols_a!(),
            " FROM web_sessions s JOIN accounts a ON a.id = s.account_id \
              WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        Ok(on_read!(self, |p| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(p)
            .await)?)
    }

    /// End a session; ending an unknown one is no error. Expired sessions go with it.
    pub async fn delete_session(&self, token_hash: &str, now: i64) -> Result<()> {
        on_write!(self, |p| sqlx::query(
            "DELETE FROM web_sessions WHERE token_hash = $1 OR expires_at <= $2"
        )
        .bind(token_hash)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
