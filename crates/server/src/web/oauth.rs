//! `/oauth/authorize`: the login and consent page of the authorization-code flow.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use nb_app::auth::{self, AuthorizeRequest, OOB_REDIRECT};
use nb_app::{AppError, accounts};
use nb_domain::Password;
use serde::Deserialize;

use super::pages::{self, Authorize, Chrome, Message};
use super::visitor::{cookie, random_token};
use crate::extract::Input;
use crate::i18n::Locale;
use crate::state::AppState;

const CSRF_COOKIE: &str = "nb_csrf";

#[derive(Deserialize, Default, Clone)]
pub struct AuthorizeParams {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    lang: Option<String>,
}

#[derive(Deserialize)]
pub struct Consent {
    #[serde(flatten)]
    params: AuthorizeParams,
    csrf: Option<String>,
    login: Option<String>,
    password: Option<String>,
    decision: Option<String>,
}

impl AuthorizeParams {
    fn query(&self, lang: &str) -> String {
        let fields = [
            ("response_type", &self.response_type),
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("scope", &self.scope),
            ("state", &self.state),
            ("code_challenge", &self.code_challenge),
            ("code_challenge_method", &self.code_challenge_method),
        ];
        let mut q: Vec<String> = fields
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", pages::query_escape(v))))
            .collect();
        q.push(format!("lang={lang}"));
        q.join("&")
    }

    fn hidden(&self, csrf: &str) -> Vec<(String, String)> {
        let mut h: Vec<(String, String)> = [
            ("response_type", &self.response_type),
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("scope", &self.scope),
            ("state", &self.state),
            ("code_challenge", &self.code_challenge),
            ("code_challenge_method", &self.code_challenge_method),
            ("lang", &self.lang),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k.to_owned(), v)))
        .collect();
        h.push(("csrf".to_owned(), csrf.to_owned()));
        h
    }

    async fn check(&self, s: &AppState) -> Result<AuthorizeRequest, String> {
        if self.response_type.as_deref() != Some("code") {
            return Err("response_type must be code".to_owned());
        }
        auth::authorize_request(
            &s.ctx,
            self.client_id.as_deref().unwrap_or(""),
            self.redirect_uri.as_deref().unwrap_or(""),
            self.scope.as_deref(),
            self.code_challenge.as_deref(),
            self.code_challenge_method.as_deref(),
        )
        .await
        .map_err(|e| e.to_string())
    }
}

fn scope_lines(t: &Locale, req: &AuthorizeRequest) -> Vec<String> {
    req.scopes
        .iter()
        .map(|s| match s {
            "read" | "write" | "follow" | "push" | "profile" => t.t(&format!("scope-{s}")),
            other => t.t1("scope-other", "scope", other.to_owned()),
        })
        .collect()
}

fn message(
    t: Locale,
    status: StatusCode,
    heading: String,
    text: String,
    code: Option<String>,
) -> Response {
    pages::render(
        status,
        &Message { c: Chrome::bare(t, format!("?lang={}", t.other())), heading, text, code },
    )
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    t: Locale,
    status: StatusCode,
    p: &AuthorizeParams,
    req: &AuthorizeRequest,
    csrf: &str,
    login: String,
    error: Option<String>,
    set_cookie: bool,
) -> Response {
    let page = Authorize {
        c: Chrome::bare(t, format!("/oauth/authorize?{}", p.query(t.other()))),
        app_name: req.app.name.clone(),
        scopes: scope_lines(&t, req),
        hidden: p.hidden(csrf),
        login,
        error,
    };
    let mut res = pages::render(status, &page);
    if set_cookie {
        let cookie = format!("{CSRF_COOKIE}={csrf}; Path=/oauth; HttpOnly; SameSite=Strict");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

pub async fn show(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<AuthorizeParams>,
) -> Response {
    let t = pages::locale(p.lang.as_deref(), &headers);
    match p.check(&s).await {
        Ok(req) => {
            let csrf = random_token();
            form_page(t, StatusCode::OK, &p, &req, &csrf, String::new(), None, true)
        }
        Err(reason) => message(
            t,
            StatusCode::BAD_REQUEST,
            t.t("authorize-title"),
            t.t1("authorize-bad-request", "reason", reason),
            None,
        ),
    }
}

/// Where the browser goes back to the app: the redirect URI with `code` (or `error`) and `state`.
fn back_to_app(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    let query: Vec<String> =
        pairs.iter().map(|(k, v)| format!("{k}={}", pages::query_escape(v))).collect();
    let location = format!("{redirect_uri}{sep}{}", query.join("&"));
    match HeaderValue::from_str(&location) {
        Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)]).into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "invalid redirect URI").into_response(),
    }
}

pub async fn submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    Input(f): Input<Consent>,
) -> Response {
    let p = f.params;
    let t = pages::locale(p.lang.as_deref(), &headers);
    let req = match p.check(&s).await {
        Ok(r) => r,
        Err(reason) => {
            let text = t.t1("authorize-bad-request", "reason", reason);
            return message(t, StatusCode::BAD_REQUEST, t.t("authorize-title"), text, None);
        }
    };
    // Double-submit check: the form's token must match the cookie set with the form.
    let cookie = cookie(&headers, CSRF_COOKIE);
    let Some(csrf) = f.csrf.filter(|c| !c.is_empty() && cookie.as_deref() == Some(c.as_str()))
    else {
        let fresh = random_token();
        let err = Some(t.t("authorize-expired"));
        return form_page(t, StatusCode::FORBIDDEN, &p, &req, &fresh, String::new(), err, true);
    };
    let state = p.state.clone().unwrap_or_default();
    let oob = req.redirect_uri == OOB_REDIRECT;
    if f.decision.as_deref() != Some("allow") {
        if oob {
            return message(t, StatusCode::OK, t.t("denied-title"), t.t("denied-text"), None);
        }
        return back_to_app(&req.redirect_uri, &[("error", "access_denied"), ("state", &state)]);
    }
    let login = f.login.unwrap_or_default();
    let password = Password::offered(&f.password.unwrap_or_default());
    let account = match accounts::check_login(&s.ctx, &login, &password).await {
        Ok(a) => a,
        Err(AppError::InvalidGrant(_)) => {
            let err = Some(t.t("authorize-wrong-login"));
            return form_page(t, StatusCode::UNAUTHORIZED, &p, &req, &csrf, login, err, false);
        }
        Err(e) => {
            let err = Some(e.to_string());
            return form_page(t, StatusCode::FORBIDDEN, &p, &req, &csrf, login, err, false);
        }
    };
    match auth::issue_code(&s.ctx, &req, &account).await {
        Ok(code) if oob => message(
            t,
            StatusCode::OK,
            t.t("authorized-title"),
            t.t("authorized-copy-code"),
            Some(code),
        ),
        Ok(code) => back_to_app(&req.redirect_uri, &[("code", &code), ("state", &state)]),
        Err(e) => {
            tracing::error!(error = %e, "issuing an authorization code");
            message(
                t,
                StatusCode::INTERNAL_SERVER_ERROR,
                t.t("authorize-title"),
                e.to_string(),
                None,
            )
        }
    }
}
