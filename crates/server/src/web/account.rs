//! Sign in, sign up, sign out and the interface-language switch.

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use nb_app::accounts::{self, Registrar, Registration};
use nb_app::{AppError, sessions};
use serde::Deserialize;

use super::pages::{self, Chrome, Login, Register};
use super::respond::{check_csrf, error_message, local_path, redirect};
use super::visitor::{LANG_COOKIE, SESSION_COOKIE, Visitor};
use crate::extract::Input;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct NextParam {
    next: Option<String>,
}

pub async fn login_page(v: Visitor, Query(q): Query<NextParam>) -> Response {
    let next = local_path(q.next.as_deref().unwrap_or("/"));
    if v.account.is_some() {
        return redirect(&next);
    }
    let page = Login { c: Chrome::new(&v, "", "/login"), next, login: String::new(), error: None };
    v.finish(pages::render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: Option<String>,
    login: Option<String>,
    password: Option<String>,
    next: Option<String>,
}

pub async fn login(State(s): State<AppState>, v: Visitor, Input(f): Input<LoginForm>) -> Response {
    if let Err(r) = check_csrf(&v, f.csrf.as_deref()) {
        return r;
    }
    let next = local_path(f.next.as_deref().unwrap_or("/"));
    let login = f.login.unwrap_or_default();
    match sessions::sign_in(&s.ctx, &login, &f.password.unwrap_or_default()).await {
        Ok((account, session)) => signed_in(&v, &account, &session, &next),
        Err(e) => {
            let (status, text) = error_message(&v.t, &e);
            let page = Login { c: Chrome::new(&v, "", "/login"), next, login, error: Some(text) };
            v.finish(pages::render(status, &page))
        }
    }
}

/// Go on to `next` with the session cookie and the member's interface language.
fn signed_in(
    v: &Visitor,
    account: &nb_app::AccountRow,
    session: &sessions::Session,
    next: &str,
) -> Response {
    let mut res = redirect(next);
    let h = res.headers_mut();
    if let Some(c) = v.cookie_header(SESSION_COOKIE, &session.secret, session.max_age_secs) {
        h.append(header::SET_COOKIE, c);
    }
    let lang = account.languages.split(',').next().unwrap_or("en");
    if let Some(c) = v.cookie_header(LANG_COOKIE, crate::i18n::Locale::get(lang).lang, 365 * 86_400)
    {
        h.append(header::SET_COOKIE, c);
    }
    res
}

pub async fn register_page(v: Visitor) -> Response {
    if v.account.is_some() {
        return redirect("/");
    }
    let page = Register {
        c: Chrome::new(&v, "", "/register"),
        handle: String::new(),
        email: String::new(),
        display_name: String::new(),
        interface: v.t.lang.to_owned(),
        errors: Vec::new(),
    };
    v.finish(pages::render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct RegisterForm {
    csrf: Option<String>,
    handle: Option<String>,
    email: Option<String>,
    password: Option<String>,
    display_name: Option<String>,
    interface: Option<String>,
    agreement: Option<String>,
}

pub async fn register(
    State(s): State<AppState>,
    v: Visitor,
    Input(f): Input<RegisterForm>,
) -> Response {
    if let Err(r) = check_csrf(&v, f.csrf.as_deref()) {
        return r;
    }
    let interface = match f.interface.as_deref() {
        Some("zh-CN") => "zh-CN",
        Some("en") => "en",
        _ => v.t.lang,
    };
    // The other language of the bridge comes second: members read both, one translated.
    let languages = if interface == "en" {
        vec!["en".into(), "zh-CN".into()]
    } else {
        vec!["zh-CN".into(), "en".into()]
    };
    let handle = f.handle.unwrap_or_default();
    let email = f.email.unwrap_or_default();
    let display_name = f.display_name.unwrap_or_default();
    let registration = Registration {
        handle: handle.clone(),
        email: email.clone(),
        password: f.password.unwrap_or_default(),
        display_name: Some(display_name.clone()).filter(|d| !d.trim().is_empty()),
        languages,
        home_region: None,
        agreement: f.agreement.as_deref() == Some("true"),
        confirmation: None,
    };
    let registered = accounts::register(&s.ctx, registration, Registrar::SelfService).await;
    let started = match registered {
        Ok(account) => sessions::start(&s.ctx, &account).await.map(|session| (account, session)),
        Err(e) => Err(e),
    };
    match started {
        Ok((account, session)) => signed_in(&v, &account, &session, "/"),
        Err(AppError::AccountUnusable(_)) => {
            let text = v.t.t("register-pending");
            super::respond::message(&v, StatusCode::OK, v.t.t("register-title"), text)
        }
        Err(e) => {
            let (status, text) = error_message(&v.t, &e);
            let page = Register {
                c: Chrome::new(&v, "", "/register"),
                handle,
                email,
                display_name,
                interface: interface.to_owned(),
                errors: vec![text],
            };
            v.finish(pages::render(status, &page))
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: Option<String>,
}

pub async fn logout(State(s): State<AppState>, v: Visitor, Input(f): Input<CsrfOnly>) -> Response {
    if let Err(r) = check_csrf(&v, f.csrf.as_deref()) {
        return r;
    }
    if let Some(secret) = &v.session
        && let Err(e) = sessions::end(&s.ctx, secret).await
    {
        return super::respond::error_page(&v, &e);
    }
    let mut res = redirect("/");
    if let Some(c) = v.cookie_header(SESSION_COOKIE, "", 0) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

#[derive(Deserialize)]
pub struct SwitchParams {
    to: Option<String>,
    back: Option<String>,
}

/// Switch the interface language: a preference cookie only, so a plain link can do it.
pub async fn language(v: Visitor, Query(q): Query<SwitchParams>) -> Response {
    let lang = crate::i18n::Locale::get(q.to.as_deref().unwrap_or("en")).lang;
    let mut res = redirect(q.back.as_deref().unwrap_or("/"));
    if let Some(c) = v.cookie_header(LANG_COOKIE, lang, 365 * 86_400) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}
