//! Who is looking at a page: the signed-in member (from the session cookie), the interface
//! language, and the CSRF token every form of the page carries.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use nb_app::{AccountRow, sessions};
use rand::RngCore;

use crate::i18n::Locale;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "nb_session";
const CSRF_COOKIE: &str = "nb_form";
pub const LANG_COOKIE: &str = "nb_lang";
/// The badge counts up to this many, then shows "99+".
pub const UNREAD_CAP: i64 = 100;

pub struct Visitor {
    pub account: Option<AccountRow>,
    pub t: Locale,
    /// The token forms of this page carry; checked by [`Visitor::check_csrf`].
    pub csrf: String,
    /// The session secret, for signing out.
    pub session: Option<String>,
    /// Notifications the member has not seen (at most [`UNREAD_CAP`]).
    pub unread: i64,
    /// A visitor without a session gets a CSRF cookie with their first page.
    set_csrf_cookie: bool,
    secure: bool,
}

/// The value of cookie `name`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A fresh random token (192 bits, URL-safe).
pub fn random_token() -> String {
    let mut b = [0u8; 24];
    rand::rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// The `lang` of a query string, if any.
fn query_lang(parts: &Parts) -> Option<String> {
    parts.uri.query()?.split('&').find_map(|kv| kv.strip_prefix("lang=")).map(str::to_owned)
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let session = cookie(&parts.headers, SESSION_COOKIE).filter(|v| !v.is_empty());
        let account = match &session {
            Some(secret) => sessions::resolve(&s.ctx, secret).await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "resolving a web session");
                None
            }),
            None => None,
        };
        // An explicit `?lang=`, else the language last switched to (signing in sets it to the
        // member's), else the member's first language, else the browser's.
        let explicit =
            query_lang(parts).or_else(|| cookie(&parts.headers, LANG_COOKIE)).or_else(|| {
                account.as_ref().and_then(|a| a.languages.split(',').next().map(str::to_owned))
            });
        let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        let t = Locale::negotiate(explicit.as_deref(), accept);
        let secure = s.config.public_url.as_deref().is_some_and(|u| u.starts_with("https:"));
        let (csrf, set_csrf_cookie, session) = match (&account, session) {
            (Some(_), Some(secret)) => (sessions::csrf_token(&secret), false, Some(secret)),
            _ => match cookie(&parts.headers, CSRF_COOKIE).filter(|c| c.len() >= 16) {
                Some(c) => (c, false, None),
                None => (random_token(), true, None),
            },
        };
        let unread = match &account {
            Some(a) => {
                nb_app::notifications::unread(&s.ctx, a, UNREAD_CAP).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "counting unread notifications");
                    0
                })
            }
            None => 0,
        };
        Ok(Visitor { account, t, csrf, session, unread, set_csrf_cookie, secure })
    }
}

impl Visitor {
    pub fn id(&self) -> Option<i64> {
        self.account.as_ref().map(|a| a.id)
    }

    /// Whether a submitted form's token is this visitor's.
    pub fn check_csrf(&self, submitted: &str) -> bool {
        !submitted.is_empty() && submitted.len() == self.csrf.len() && {
            let diff =
                submitted.bytes().zip(self.csrf.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
            diff == 0
        }
    }

    /// A `Set-Cookie` value with the flags every cookie of ours has.
    pub fn cookie_header(&self, name: &str, value: &str, max_age_secs: i64) -> Option<HeaderValue> {
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}"
        ))
        .ok()
    }

    /// Add what this visitor's response needs: the CSRF cookie on a first visit, and no caching
    /// of pages that show a member's own state.
    pub fn finish(&self, mut res: Response) -> Response {
        if self.set_csrf_cookie
            && let Some(v) = self.cookie_header(CSRF_COOKIE, &self.csrf, 7 * 24 * 3600)
        {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        if self.account.is_some() || self.set_csrf_cookie {
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        }
        res
    }
}
