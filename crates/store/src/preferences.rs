//! A member's reading preferences, and the password and sessions that go with a password change.

use crate::Store;
use crate::db::{on_read, on_write};
use crate::error::Result;

impl Store {
    /// Whether the member reads other languages translated at once (off unless set).
    pub async fn auto_translate(&self, account: i64) -> Result<bool> {
        let row: Option<(i64,)> = on_read!(self, |p| sqlx::query_as(
            "SELECT auto_translate FROM preferences WHERE account_id = $1"
        )
        .bind(account)
        .fetch_optional(p)
        .await)?;
        Ok(row.is_some_and(|(v,)| v != 0))
    }

    pub async fn set_auto_translate(&self, account: i64, on: bool) -> Result<()> {
        on_write!(self, |p| sqlx::query(
            "INSERT INTO preferences (account_id, auto_translate) VALUES ($1, $2) \
             ON CONFLICT (account_id) DO UPDATE SET auto_translate = excluded.auto_translate"
        )
        .bind(account)
        .bind(i64::from(on))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A new password hash; every web session of the member ends with it.
    pub async fn set_password_hash(&self, account: i64, hash: &str) -> Result<()> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE accounts SET password_hash = $2 WHERE id = $1")
                .bind(account)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM web_sessions WHERE account_id = $1")
                .bind(account)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })?;
        Ok(())
    }
}
