//! Email confirmations: the hashed token an unconfirmed account was mailed, and confirming it.
//! A row stays until it expires, is replaced by a new mail, or an operator confirms by hand.

use crate::Store;
use crate::db::on_write;
use crate::error::{Result, StoreError};
use crate::jobs::NewJob;

/// A confirmation to open for an account: the SHA-256 (hex) of the mailed token, when it
/// expires, and the outbox job that sends the mail.
#[derive(Debug, Clone)]
pub struct EmailConfirmation {
    pub token_hash: String,
    pub expires_at: i64,
    pub mail: NewJob,
}

/// Open (or replace) `$account`'s confirmation and enqueue its mail in the caller's transaction.
macro_rules! put_confirmation {
    ($tx:ident, $account:expr, $c:expr) => {{
        let c: &$crate::confirmations::EmailConfirmation = $c;
        sqlx::query(
            "INSERT INTO email_confirmations (account_id, token_hash, expires_at) \
             VALUES ($1, $2, $3) ON CONFLICT (account_id) \
             DO UPDATE SET token_hash = excluded.token_hash, expires_at = excluded.expires_at",
        )
        .bind($account)
        .bind(&c.token_hash)
        .bind(c.expires_at)
        .execute(&mut *$tx)
        .await?;
        let _ = $crate::jobs::enqueue_job!($tx, &c.mail);
    }};
}
pub(crate) use put_confirmation;

impl Store {
    /// Replace the confirmation of an account still awaiting one and enqueue its mail. False
    /// (and nothing written) when the account is unknown or already confirmed.
    pub async fn renew_email_confirmation(
        &self,
        account: i64,
        confirmation: &EmailConfirmation,
    ) -> Result<bool> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let waiting: Option<(i64,)> = sqlx::query_as(
                "SELECT id FROM accounts WHERE id = $1 AND email_confirmed_at IS NULL",
            )
            .bind(account)
            .fetch_optional(&mut *tx)
            .await?;
            if waiting.is_none() {
                return Ok(false);
            }
            put_confirmation!(tx, account, confirmation);
            tx.commit().await?;
            Ok::<_, StoreError>(true)
        })
    }

    /// Confirm the address whose token hashes to `token_hash`, if the token has not expired by
    /// `now`. The account's id, or `None` for an unknown or expired token. Redeeming a token
    /// again while it is valid is harmless: the first confirmation time stays.
    pub async fn confirm_email(&self, token_hash: &str, now: i64) -> Result<Option<i64>> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let found: Option<(i64,)> = sqlx::query_as(
                "SELECT account_id FROM email_confirmations \
                 WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((account,)) = found else { return Ok(None) };
            sqlx::query(
                "UPDATE accounts SET email_confirmed_at = COALESCE(email_confirmed_at, $2) \
                 WHERE id = $1",
            )
            .bind(account)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(Some(account))
        })
    }

    /// Mark an account's address confirmed without a token (an operator's decision) and drop
    /// its open confirmation. False for an unknown account.
    pub async fn set_email_confirmed(&self, account: i64, at: i64) -> Result<bool> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE accounts SET email_confirmed_at = COALESCE(email_confirmed_at, $2) \
                 WHERE id = $1",
            )
            .bind(account)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sqlx::query("DELETE FROM email_confirmations WHERE account_id = $1")
                .bind(account)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(n == 1)
        })
    }
}
