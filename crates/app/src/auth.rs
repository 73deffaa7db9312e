//! OAuth 2 for the Mastodon API: client apps, grants and bearer tokens.
//!
//! Secrets (client secrets, access tokens) are 256-bit random strings; only their SHA-256 is
//! stored, so a leaked database does not leak working tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use nb_domain::{AccountState, Password, Scopes, ValidationError};
use nb_store::{AccountRow, AppRow, NewApp, NewToken};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{AppError, Ctx, Result, password};

/// The redirect URI that means "show the code to the user" (out of band).
pub const OOB_REDIRECT: &str = "urn:ietf:wg:oauth:2.0:oob";

pub(crate) fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn digest(secret: &str) -> String {
    let mut out = String::with_capacity(64);
    for b in Sha256::digest(secret.as_bytes()) {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Compare two equal-length digests without an early exit.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Debug, Clone, Default)]
pub struct NewAppInput {
    pub name: String,
    /// One or more URIs separated by whitespace.
    pub redirect_uris: String,
    pub scopes: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RegisteredApp {
    pub app: AppRow,
    /// Shown once, at registration.
    pub client_secret: String,
}

pub async fn register_app(ctx: &Ctx, input: NewAppInput) -> Result<RegisteredApp> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.contains('\0') {
        return Err(ValidationError::new("client_name", "must be 1 to 100 characters").into());
    }
    let uris: Vec<&str> = input.redirect_uris.split_whitespace().collect();
    if uris.is_empty() || uris.len() > 10 {
        return Err(ValidationError::new("redirect_uris", "must list 1 to 10 URIs").into());
    }
    for uri in &uris {
        let scheme_ok = uri.split_once(':').is_some_and(|(scheme, rest)| {
            !scheme.is_empty()
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !rest.is_empty()
        });
        if *uri != OOB_REDIRECT && (!scheme_ok || uri.len() > 2000 || uri.contains('#')) {
            return Err(ValidationError::new(
                "redirect_uris",
                format!("{uri:?} must be an absolute URI without a fragment"),
            )
            .into());
        }
    }
    let scopes = Scopes::parse(input.scopes.as_deref().unwrap_or(""))?;
    let website = input.website.map(|w| w.trim().to_owned()).filter(|w| !w.is_empty());
    if website.as_ref().is_some_and(|w| {
        let lower = w.to_ascii_lowercase();
        w.len() > 2000
            || w.chars().any(char::is_control)
            || !(lower.starts_with("https://") || lower.starts_with("http://"))
    }) {
        return Err(ValidationError::new("website", "must be an http(s) URL").into());
    }
    let client_secret = random_secret();
    let app = NewApp {
        id: ctx.next_id(),
        name: name.to_owned(),
        website,
        redirect_uris: uris.join("\n"),
        scopes: scopes.to_string(),
        client_id: random_secret(),
        client_secret_hash: digest(&client_secret),
        created_at: ctx.now(),
    };
    ctx.store.insert_app(&app).await?;
    Ok(RegisteredApp { app, client_secret })
}

/// The app these client credentials belong to.
pub async fn authenticate_client(
    ctx: &Ctx,
    client_id: &str,
    client_secret: &str,
) -> Result<AppRow> {
    let app = ctx.store.app_by_client_id(client_id).await?.ok_or(AppError::InvalidClient)?;
    if !same_digest(&app.client_secret_hash, &digest(client_secret)) {
        return Err(AppError::InvalidClient);
    }
    Ok(app)
}

/// The scopes a token request may have: what it asks for (default: all the app registered),
/// never more than the app registered.
fn granted_scopes(app: &AppRow, requested: Option<&str>) -> Result<Scopes> {
    let registered = Scopes::parse(&app.scopes).map_err(|_| AppError::InvalidScope)?;
    let Some(req) = requested.filter(|r| !r.trim().is_empty()) else { return Ok(registered) };
    let req = Scopes::parse(req).map_err(|_| AppError::InvalidScope)?;
    if !registered.covers(&req) {
        return Err(AppError::InvalidScope);
    }
    Ok(req)
}

#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// Shown once; only its digest is stored.
    pub access_token: String,
    pub scopes: Scopes,
    pub created_at: i64,
}

async fn issue(
    ctx: &Ctx,
    app_id: i64,
    account_id: Option<i64>,
    scopes: Scopes,
) -> Result<IssuedToken> {
    let access_token = random_secret();
    let created_at = ctx.now();
    ctx.store
        .insert_token(&NewToken {
            id: ctx.next_id(),
            token_hash: digest(&access_token),
            app_id,
            account_id,
            scopes: scopes.to_string(),
            created_at,
        })
        .await?;
    Ok(IssuedToken { access_token, scopes, created_at })
}

/// A token for a user of `app`, e.g. right after registration.
pub async fn issue_user_token(
    ctx: &Ctx,
    app_id: i64,
    account_id: i64,
    scopes: Scopes,
) -> Result<IssuedToken> {
    issue(ctx, app_id, Some(account_id), scopes).await
}

/// Whether the account may sign in and act: active, with its email address confirmed.
pub fn ensure_usable(account: &AccountRow) -> Result<()> {
    ensure_active(account)?;
    if account.email_confirmed_at.is_none() {
        return Err(AppError::AccountUnusable("missing a confirmed e-mail address"));
    }
    Ok(())
}

fn ensure_active(account: &AccountRow) -> Result<()> {
    match AccountState::parse(&account.state) {
        Some(AccountState::Active) => Ok(()),
        Some(AccountState::Pending) => Err(AppError::AccountUnusable("awaiting approval")),
        Some(AccountState::Suspended) => Err(AppError::AccountUnusable("suspended")),
        None => Err(AppError::AccountUnusable("in an unknown state")),
    }
}

/// `grant_type=password`: `username` is the email, as in Mastodon, or the handle.
pub async fn password_grant(
    ctx: &Ctx,
    client_id: &str,
    client_secret: &str,
    username: &str,
    password: &str,
    scope: Option<&str>,
) -> Result<IssuedToken> {
    let app = authenticate_client(ctx, client_id, client_secret).await?;
    let scopes = granted_scopes(&app, scope)?;
    let account = crate::accounts::check_login(ctx, username, &Password::offered(password)).await?;
    issue(ctx, app.id, Some(account.id), scopes).await
}

/// `grant_type=client_credentials`: an app token with no user, for registering accounts.
pub async fn client_credentials_grant(
    ctx: &Ctx,
    client_id: &str,
    client_secret: &str,
    scope: Option<&str>,
) -> Result<IssuedToken> {
    let app = authenticate_client(ctx, client_id, client_secret).await?;
    let scopes = granted_scopes(&app, scope)?;
    issue(ctx, app.id, None, scopes).await
}

/// Whoever presents a bearer token: the app, and the user when the token has one.
#[derive(Debug, Clone)]
pub struct Principal {
    pub token_id: i64,
    pub app_id: i64,
    pub account: Option<AccountRow>,
    pub scopes: Scopes,
}

/// Resolve a bearer token. Unknown and revoked tokens are `None`; a token whose account cannot
/// be used (suspended, pending) is an error that says so.
pub async fn authenticate(ctx: &Ctx, bearer: &str) -> Result<Option<Principal>> {
    resolve(ctx, bearer, ensure_usable).await
}

/// As [`authenticate`], but a member whose address awaits confirmation is let through: only
/// for asking for another confirmation mail.
pub async fn authenticate_unconfirmed(ctx: &Ctx, bearer: &str) -> Result<Option<Principal>> {
    resolve(ctx, bearer, ensure_active).await
}

async fn resolve(
    ctx: &Ctx,
    bearer: &str,
    usable: fn(&AccountRow) -> Result<()>,
) -> Result<Option<Principal>> {
    let hash = digest(bearer);
    if let Some(t) = ctx.store.user_token_by_hash(&hash).await? {
        usable(&t.account)?;
        let scopes = Scopes::parse(&t.token_scopes).map_err(|_| AppError::InvalidScope)?;
        return Ok(Some(Principal {
            token_id: t.token_id,
            app_id: t.token_app_id,
            account: Some(t.account),
            scopes,
        }));
    }
    // An app's own token, without a member (or an unknown one).
    let Some(token) = ctx.store.token_by_hash(&hash).await? else { return Ok(None) };
    if token.account_id.is_some() {
        return Ok(None);
    }
    let scopes = Scopes::parse(&token.scopes).map_err(|_| AppError::InvalidScope)?;
    Ok(Some(Principal { token_id: token.id, app_id: token.app_id, account: None, scopes }))
}

/// Revoke a token the app issued. Unknown tokens are not an error (RFC 7009).
pub async fn revoke(ctx: &Ctx, client_id: &str, client_secret: &str, token: &str) -> Result<()> {
    let app = authenticate_client(ctx, client_id, client_secret).await?;
    ctx.store.revoke_token(&digest(token), app.id, ctx.now()).await?;
    Ok(())
}

/// Spend the time a real check takes when there is no such account, so a wrong handle and a
/// wrong password cannot be told apart by timing.
pub(crate) async fn dummy_verify(ctx: &Ctx, pw: &Password) {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let hashed = DUMMY
        .get_or_try_init(|| async {
            let p = Password::offered("notebridge dummy password");
            password::hash(&p, ctx.settings.password_hash).await
        })
        .await;
    if let Ok(h) = hashed {
        let _ = password::verify(pw, h).await;
    }
}

/// Codes live ten minutes.
const CODE_TTL_MS: i64 = 600_000;

/// What an app asks for on `/oauth/authorize`, checked before the consent page is shown.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub app: AppRow,
    pub redirect_uri: String,
    pub scopes: Scopes,
    pub code_challenge: Option<String>,
}

/// Check an authorization request: a known app, one of its registered redirect URIs, scopes it
/// registered, and (when given) a PKCE challenge by S256.
pub async fn authorize_request(
    ctx: &Ctx,
    client_id: &str,
    redirect_uri: &str,
    scope: Option<&str>,
    code_challenge: Option<&str>,
    challenge_method: Option<&str>,
) -> Result<AuthorizeRequest> {
    let app = ctx.store.app_by_client_id(client_id).await?.ok_or(AppError::InvalidClient)?;
    if !app.redirect_uris.lines().any(|u| u == redirect_uri) {
        return Err(
            ValidationError::new("redirect_uri", "is not one the application registered").into()
        );
    }
    let scopes = granted_scopes(&app, scope)?;
    let code_challenge = match (code_challenge.filter(|c| !c.is_empty()), challenge_method) {
        (None, _) => None,
        (Some(c), None | Some("S256")) if (43..=128).contains(&c.len()) => Some(c.to_owned()),
        (Some(_), Some(m)) if m != "S256" => {
            return Err(ValidationError::new("code_challenge_method", "must be S256").into());
        }
        (Some(_), _) => {
            return Err(
                ValidationError::new("code_challenge", "must be 43 to 128 characters").into()
            );
        }
    };
    Ok(AuthorizeRequest { app, redirect_uri: redirect_uri.to_owned(), scopes, code_challenge })
}

/// The member consented: a one-time code for the app.
pub async fn issue_code(ctx: &Ctx, req: &AuthorizeRequest, account: &AccountRow) -> Result<String> {
    let code = random_secret();
    let now = ctx.now();
    ctx.store
        .insert_code(&nb_store::CodeRow {
            code_hash: digest(&code),
            app_id: req.app.id,
            account_id: account.id,
            redirect_uri: req.redirect_uri.clone(),
            scopes: req.scopes.to_string(),
            code_challenge: req.code_challenge.clone(),
            challenge_method: req.code_challenge.as_ref().map(|_| "S256".to_owned()),
            created_at: now,
            expires_at: now + CODE_TTL_MS,
        })
        .await?;
    Ok(code)
}

/// `grant_type=authorization_code`: exchange a code (once) for a token, checking the client,
/// the redirect URI and the PKCE verifier.
pub async fn code_grant(
    ctx: &Ctx,
    client_id: &str,
    client_secret: &str,
    code: &str,
    redirect_uri: &str,
    code_verifier: Option<&str>,
) -> Result<IssuedToken> {
    let app = authenticate_client(ctx, client_id, client_secret).await?;
    const BAD: AppError =
        AppError::InvalidGrant("the authorization code is invalid, expired or used");
    let row = ctx.store.take_code(&digest(code), ctx.now()).await?.ok_or(BAD)?;
    if row.app_id != app.id || row.redirect_uri != redirect_uri {
        return Err(BAD);
    }
    if let Some(challenge) = &row.code_challenge {
        let verifier = code_verifier.ok_or(AppError::InvalidGrant("code_verifier is required"))?;
        let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if !same_digest(&expected, challenge) {
            return Err(AppError::InvalidGrant("the code_verifier does not match the challenge"));
        }
    }
    let account = crate::accounts::get(ctx, row.account_id).await?;
    ensure_usable(&account)?;
    let scopes = Scopes::parse(&row.scopes).map_err(|_| AppError::InvalidScope)?;
    issue(ctx, app.id, Some(account.id), scopes).await
}
