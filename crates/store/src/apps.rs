use sqlx::FromRow;

use crate::Store;
use crate::accounts::{AccountRow, account_cols_a};
use crate::db::{Arg, on_read, on_write};
use crate::error::{Result, StoreError};

/// A registered OAuth client application.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AppRow {
    pub id: i64,
    pub name: String,
    pub website: Option<String>,
    /// One URI per line.
    pub redirect_uris: String,
    pub scopes: String,
    pub client_id: String,
    pub client_secret_hash: String,
    pub created_at: i64,
}

pub type NewApp = AppRow;

/// An access token as stored: only its SHA-256 is kept, never the token.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub app_id: i64,
    pub account_id: Option<i64>,
    pub scopes: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A member's token and the member, read together.
#[derive(Debug, Clone, FromRow)]
pub struct UserToken {
    pub token_id: i64,
    pub token_app_id: i64,
    pub token_scopes: String,
    #[sqlx(flatten)]
    pub account: AccountRow,
}

crate::lite::lite_row!(TokenRow { id, app_id, account_id, scopes, created_at, revoked_at });
crate::lite::lite_row!(UserToken { token_id, token_app_id, token_scopes } flatten account: AccountRow);

#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: i64,
    pub token_hash: String,
    pub app_id: i64,
    pub account_id: Option<i64>,
    pub scopes: String,
    pub created_at: i64,
}

/// An authorization code as stored (by the hash of the code).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CodeRow {
    pub code_hash: String,
    pub app_id: i64,
    pub account_id: i64,
    pub redirect_uri: String,
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub challenge_method: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

impl Store {
    pub async fn insert_code(&self, c: &CodeRow) -> Result<()> {
        on_write!(self, |p| sqlx::query(
            "INSERT INTO oauth_codes (code_hash, app_id, account_id, redirect_uri, scopes, \
             code_challenge, challenge_method, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(&c.code_hash)
        .bind(c.app_id)
        .bind(c.account_id)
        .bind(&c.redirect_uri)
        .bind(&c.scopes)
        .bind(&c.code_challenge)
        .bind(&c.challenge_method)
        .bind(c.created_at)
        .bind(c.expires_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Consume a code: it must exist, be unexpired and unused; it is marked used at once, so a
    /// code can be exchanged only once even by concurrent requests.
    pub async fn take_code(&self, code_hash: &str, now: i64) -> Result<Option<CodeRow>> {
        Ok(on_write!(self, |p| sqlx::query_as(
            "UPDATE oauth_codes SET used_at = $2 \
             WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 \
             RETURNING code_hash, app_id, account_id, redirect_uri, scopes, code_challenge, \
             challenge_method, created_at, expires_at"
        )
        .bind(code_hash)
        .bind(now)
        .fetch_optional(p)
        .await)?)
    }

    pub async fn insert_app(&self, a: &NewApp) -> Result<()> {
        const SQL: &str = "INSERT INTO apps (id, name, website, redirect_uris, scopes, client_id, \
            client_secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on_write!(self, |p| sqlx::query(SQL)
            .bind(a.id)
            .bind(&a.name)
            .bind(&a.website)
            .bind(&a.redirect_uris)
            .bind(&a.scopes)
            .bind(&a.client_id)
            .bind(&a.client_secret_hash)
            .bind(a.created_at)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .map_err(|e| StoreError::conflict_on(e, &["client_id"]))?;
        Ok(())
    }

    pub async fn app_by_client_id(&self, client_id: &str) -> Result<Option<AppRow>> {
        const SQL: &str = "SELECT id, name, website, redirect_uris, scopes, client_id, \
            client_secret_hash, created_at FROM apps WHERE client_id = $1";
        Ok(on_read!(self, |p| sqlx::query_as(SQL).bind(client_id).fetch_optional(p).await)?)
    }

    pub async fn app(&self, id: i64) -> Result<Option<AppRow>> {
        const SQL: &str = "SELECT id, name, website, redirect_uris, scopes, client_id, \
            client_secret_hash, created_at FROM apps WHERE id = $1";
        Ok(on_read!(self, |p| sqlx::query_as(SQL).bind(id).fetch_optional(p).await)?)
    }

    pub async fn insert_token(&self, t: &NewToken) -> Result<()> {
        const SQL: &str = "INSERT INTO tokens (id, token_hash, app_id, account_id, scopes, \
            created_at) VALUES ($1, $2, $3, $4, $5, $6)";
        on_write!(self, |p| sqlx::query(SQL)
            .bind(t.id)
            .bind(&t.token_hash)
            .bind(t.app_id)
            .bind(t.account_id)
            .bind(&t.scopes)
            .bind(t.created_at)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .map_err(|e| StoreError::conflict_on(e, &["token_hash"]))?;
        Ok(())
    }

    /// The live (not revoked) token with this hash.
    pub async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRow>> {
        const SQL: &str = "SELECT id, app_id, account_id, scopes, created_at, revoked_at \
            FROM tokens WHERE token_hash = $1 AND revoked_at IS NULL";
        self.read_first(SQL, &[Arg::Text(token_hash.to_owned())]).await
    }

    /// A live member's token with its account, in one round trip (the first step of almost
    /// every request). `None` for app tokens and for unknown or revoked ones.
    pub async fn user_token_by_hash(&self, token_hash: &str) -> Result<Option<UserToken>> {
        const SQL: &str = concat!(
            "SELECT t.id AS token_id, t.app_id AS token_app_id, t.scopes AS token_scopes, ",
            account_cols_a!(),
            " FROM tokens t JOIN accounts a ON a.id = t.account_id \
              WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        );
        self.read_first(SQL, &[Arg::Text(token_hash.to_owned())]).await
    }

    /// Revoke the token with this hash if it belongs to the app. Revoking twice is no error.
    pub async fn revoke_token(&self, token_hash: &str, app_id: i64, now: i64) -> Result<bool> {
        const SQL: &str = "UPDATE tokens SET revoked_at = $3 \
            WHERE token_hash = $1 AND app_id = $2 AND revoked_at IS NULL";
        let done = on_write!(self, |p| sqlx::query(SQL)
            .bind(token_hash)
            .bind(app_id)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }
}
