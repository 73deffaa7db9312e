//! Signed-in browser sessions of the web app. The browser keeps a random secret in an HttpOnly
//! cookie; the store keeps only its SHA-256. Forms carry a CSRF token derived from the secret,
//! so a page of another site cannot post in the member's name.

use nb_domain::Password;
use nb_store::AccountRow;

use crate::auth::{digest, ensure_usable, random_secret};
use crate::{Ctx, Result, accounts};

/// How long a session lasts without signing in again.
pub const SESSION_DAYS: i64 = 30;

/// A new session's secret, for the cookie.
#[derive(Debug, Clone)]
pub struct Session {
    pub secret: String,
    pub max_age_secs: i64,
}

/// Check the credentials and start a session. `login` is an email or a handle.
pub async fn sign_in(ctx: &Ctx, login: &str, password: &str) -> Result<(AccountRow, Session)> {
    let account = accounts::check_login(ctx, login, &Password::offered(password)).await?;
    let session = start(ctx, &account).await?;
    Ok((account, session))
}

/// Start a session for a member who just proved who they are (signed in or registered).
pub async fn start(ctx: &Ctx, account: &AccountRow) -> Result<Session> {
    ensure_usable(account)?;
    let secret = random_secret();
    let max_age_secs = SESSION_DAYS * 24 * 3600;
    let now = ctx.now();
    ctx.store.create_session(&digest(&secret), account.id, now, now + max_age_secs * 1000).await?;
    Ok(Session { secret, max_age_secs })
}

/// The member behind a session secret; `None` for unknown, ended or expired sessions and for
/// accounts that may no longer act (suspended, say).
pub async fn resolve(ctx: &Ctx, secret: &str) -> Result<Option<AccountRow>> {
    let Some(account) = ctx.store.session_account(&digest(secret), ctx.now()).await? else {
        return Ok(None);
    };
    Ok(ensure_usable(&account).is_ok().then_some(account))
}

/// Sign out: the secret stops working at once.
pub async fn end(ctx: &Ctx, secret: &str) -> Result<()> {
    ctx.store.delete_session(&digest(secret), ctx.now()).await?;
    Ok(())
}

/// The CSRF token of a session: derived from its secret, which no other site can read.
pub fn csrf_token(secret: &str) -> String {
    digest(&format!("csrf:{secret}"))[..32].to_owned()
}
