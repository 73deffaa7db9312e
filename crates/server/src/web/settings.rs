//! Settings: profile (name, bio, avatar, region), interface and reading languages, automatic
//! translation, and the password.

use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use nb_app::accounts::{self, ProfileChanges};
use nb_app::media::{self, Picture};
use nb_app::{AccountRow, AppError, sessions};
use serde::Deserialize;

use super::pages::{self, Chrome, SettingsPage};
use super::respond::{check_csrf, error_message, member, redirect};
use super::visitor::{LANG_COOKIE, SESSION_COOKIE, Visitor};
use crate::extract::Input;
use crate::state::AppState;

/// The languages a member can say they read, besides the interface ones.
pub const READABLE: [&str; 4] = ["zh-CN", "en", "ja", "ko"];
/// The whole profile form, avatar included.
pub const MAX_BODY: usize = 17 * 1024 * 1024;

#[derive(Deserialize, Default)]
pub struct SettingsParams {
    saved: Option<String>,
}

async fn form(
    s: &AppState,
    v: &Visitor,
    me: &AccountRow,
    errors: Vec<String>,
    saved: bool,
) -> Result<SettingsPage, AppError> {
    let langs: Vec<&str> = me.languages.split(',').collect();
    Ok(SettingsPage {
        c: Chrome::new(v, "me", "/settings"),
        display_name: me.display_name.clone(),
        bio: me.bio.clone(),
        region: me.home_region.clone().unwrap_or_default(),
        avatar: super::views::avatar_url(me.avatar_key.as_deref()),
        interface: if langs.first().is_some_and(|l| l.starts_with("zh")) { "zh-CN" } else { "en" },
        reads: READABLE
            .iter()
            .map(|r| (*r, langs.iter().any(|l| l.split('-').next() == r.split('-').next())))
            .collect(),
        auto_translate: accounts::auto_translate(&s.ctx, me).await?,
        errors,
        saved,
    })
}

fn show(v: &Visitor, status: StatusCode, page: Result<SettingsPage, AppError>) -> Response {
    match page {
        Ok(p) => v.finish(pages::render(status, &p)),
        Err(e) => super::respond::error_page(v, &e),
    }
}

pub async fn page(
    State(s): State<AppState>,
    v: Visitor,
    Query(q): Query<SettingsParams>,
) -> Response {
    let me = match member(&v, "/settings") {
        Ok(m) => m,
        Err(r) => return r,
    };
    show(&v, StatusCode::OK, form(&s, &v, me, Vec::new(), q.saved.is_some()).await)
}

#[derive(Default)]
struct Submitted {
    csrf: String,
    display_name: String,
    bio: String,
    region: String,
    interface: String,
    reads: Vec<String>,
    auto_translate: bool,
    avatar: Option<Vec<u8>>,
}

async fn read(req: Request, s: &AppState) -> Result<Submitted, AppError> {
    let bad = |_| AppError::Unprocessable("the form could not be read".into());
    let mut mp = Multipart::from_request(req, s)
        .await
        .map_err(|_| AppError::Unprocessable("not a form".into()))?;
    let mut f = Submitted::default();
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "avatar" {
            let bytes = field.bytes().await.map_err(bad)?;
            f.avatar = (!bytes.is_empty()).then(|| bytes.to_vec());
            continue;
        }
        let text = field.text().await.map_err(bad)?;
        match name.as_str() {
            "csrf" => f.csrf = text,
            "display_name" => f.display_name = text,
            "bio" => f.bio = text,
            "region" => f.region = text,
            "interface" => f.interface = text,
            "reads" => f.reads.push(text),
            "auto_translate" => f.auto_translate = text == "true",
            _ => {}
        }
    }
    Ok(f)
}

pub async fn save(State(s): State<AppState>, v: Visitor, req: Request) -> Response {
    let me = match member(&v, "/settings") {
        Ok(m) => m.clone(),
        Err(r) => return r,
    };
    let f = match read(req, &s).await {
        Ok(f) => f,
        Err(e) => return super::respond::error_page(&v, &e),
    };
    if let Err(r) = check_csrf(&v, Some(&f.csrf)) {
        return r;
    }
    let interface = if f.interface == "zh-CN" { "zh-CN" } else { "en" };
    let mut languages = vec![interface.to_owned()];
    languages.extend(
        f.reads
            .iter()
            .filter(|r| READABLE.contains(&r.as_str()) && r.as_str() != interface)
            .cloned(),
    );
    let changes = ProfileChanges {
        display_name: Some(f.display_name.clone()),
        bio: Some(f.bio.clone()),
        home_region: Some(f.region.clone()),
        languages: Some(languages),
    };
    let saved = async {
        if let Some(bytes) = f.avatar.clone() {
            let picture = media::prepare_picture(&s.ctx, Picture::Avatar, bytes).await?;
            media::set_profile_picture(&s.ctx, &me, picture).await?;
        }
        accounts::set_auto_translate(&s.ctx, &me, f.auto_translate).await?;
        accounts::update_profile(&s.ctx, &me, changes).await
    }
    .await;
    match saved {
        Ok(_) => {
            let mut res = redirect("/settings?saved=1");
            if let Some(c) = v.cookie_header(LANG_COOKIE, interface, 365 * 86_400) {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        Err(e) => {
            let (status, text) = error_message(&v.t, &e);
            let page = form(&s, &v, &me, vec![text], false).await.map(|mut p| {
                // Show what was typed, not what is stored.
                p.display_name = f.display_name;
                p.bio = f.bio;
                p.region = f.region;
                p
            });
            show(&v, status, page)
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: Option<String>,
    current: Option<String>,
    new: Option<String>,
}

pub async fn password(
    State(s): State<AppState>,
    v: Visitor,
    Input(f): Input<PasswordForm>,
) -> Response {
    let me = match member(&v, "/settings") {
        Ok(m) => m.clone(),
        Err(r) => return r,
    };
    if let Err(r) = check_csrf(&v, f.csrf.as_deref()) {
        return r;
    }
    let current = f.current.unwrap_or_default();
    let changed =
        accounts::change_password(&s.ctx, &me, &current, &f.new.unwrap_or_default()).await;
    let fresh = match changed {
        Ok(()) => accounts::get(&s.ctx, me.id).await,
        Err(e) => Err(e),
    };
    let session = match fresh {
        Ok(account) => sessions::start(&s.ctx, &account).await,
        Err(e) => Err(e),
    };
    match session {
        // Every session ended with the old password; this browser gets a new one.
        Ok(session) => {
            let mut res = redirect("/settings?saved=1");
            if let Some(c) = v.cookie_header(SESSION_COOKIE, &session.secret, session.max_age_secs)
            {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        Err(e) => {
            let text = match &e {
                AppError::InvalidGrant(_) => v.t.t("settings-wrong-password"),
                _ => error_message(&v.t, &e).1,
            };
            let status = error_message(&v.t, &e).0;
            show(&v, status, form(&s, &v, &me, vec![text], false).await)
        }
    }
}
