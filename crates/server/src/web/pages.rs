//! The page templates (askama, compile-time checked; all output escaped) and the frame every
//! page shares: header, navigation, language switch.

use askama::Template;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use fluent_bundle::FluentValue;

use super::views::{Card, Person, Photo};
use super::visitor::Visitor;
use crate::i18n::Locale;

/// The locale for a page outside the web app's session (OAuth, confirmation): `?lang=` first,
/// then `Accept-Language`.
pub fn locale(lang: Option<&str>, headers: &HeaderMap) -> Locale {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Locale::negotiate(lang, accept)
}

/// What the frame of every page needs.
pub struct Chrome {
    pub locale: Locale,
    pub csrf: String,
    pub me: Option<Person>,
    /// Where the language switch goes.
    pub switch_url: String,
    /// Which navigation entry is the current page.
    pub nav: &'static str,
    /// The page's own address, for "sign in and come back".
    pub here: String,
    /// The unread-notifications badge (`99+` past the cap), when there are any.
    pub unread: Option<String>,
}

impl Chrome {
    pub fn new(v: &Visitor, nav: &'static str, here: &str) -> Chrome {
        Chrome {
            locale: v.t,
            csrf: v.csrf.clone(),
            me: v.account.as_ref().map(|a| Person::of(&a.profile())),
            switch_url: format!("/language?to={}&back={}", v.t.other(), query_escape(here)),
            nav,
            here: here.to_owned(),
            unread: match v.unread {
                0 => None,
                n if n >= super::visitor::UNREAD_CAP => Some("99+".to_owned()),
                n => Some(n.to_string()),
            },
        }
    }

    /// A frame without a member or navigation (OAuth and confirmation pages).
    pub fn bare(t: Locale, switch_url: String) -> Chrome {
        Chrome {
            locale: t,
            csrf: String::new(),
            me: None,
            switch_url,
            nav: "",
            here: String::new(),
            unread: None,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }

    pub fn t1(&self, key: &str, name: &str, value: impl Into<FluentValue<'static>>) -> String {
        self.locale.t1(key, name, value)
    }

    pub fn lang(&self) -> &'static str {
        self.locale.lang
    }

    pub fn other_lang(&self) -> &'static str {
        self.locale.other()
    }

    pub fn login_url(&self) -> String {
        format!("/login?next={}", query_escape(&self.here))
    }

    pub fn asset(&self, name: &str) -> String {
        super::assets::url(name)
    }
}

#[derive(Template)]
#[template(path = "explore.html")]
pub struct Explore {
    pub c: Chrome,
    pub heading: String,
    /// `explore`, `following` or `tag`.
    pub tab: &'static str,
    pub cards: Vec<Card>,
    pub more: Option<String>,
    pub empty: String,
    /// Trending tags, shown as tabs after Explore and Following.
    pub topics: Vec<Topic>,
}

pub struct Topic {
    pub name: String,
    pub href: String,
    pub selected: bool,
}

impl Topic {
    pub fn is_selected(&self) -> bool {
        self.selected
    }
}

#[derive(Template)]
#[template(path = "cards_page.html")]
pub struct CardsFragment {
    pub c: Chrome,
    pub cards: Vec<Card>,
    pub more: Option<String>,
}

#[derive(Template)]
#[template(path = "authorize.html")]
pub struct Authorize {
    pub c: Chrome,
    pub app_name: String,
    pub scopes: Vec<String>,
    pub hidden: Vec<(String, String)>,
    pub login: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct Message {
    pub c: Chrome,
    pub heading: String,
    pub text: String,
    pub code: Option<String>,
}

/// The sign-in and sign-up pages.
#[derive(Template)]
#[template(path = "login.html")]
pub struct Login {
    pub c: Chrome,
    pub next: String,
    pub login: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "register.html")]
pub struct Register {
    pub c: Chrome,
    pub handle: String,
    pub email: String,
    pub display_name: String,
    pub interface: String,
    pub errors: Vec<String>,
}

/// One comment in a thread.
pub struct CommentItem {
    pub id: i64,
    pub author: Person,
    pub html: String,
    pub when: String,
    pub likes: String,
    pub liked: bool,
    pub is_reply: bool,
    /// The comment a reply to this one goes under (its top-level comment).
    pub thread_id: i64,
    /// The reader wrote it, or wrote the note it is on.
    pub deletable: bool,
    /// In another language than the reader's.
    pub foreign: bool,
    /// Set when the text shown is machine-made: what made it.
    pub label: Option<String>,
}

pub struct BoardChoice {
    pub id: i64,
    pub name: String,
    pub holds: bool,
}

#[derive(Template)]
#[template(path = "note.html")]
pub struct NotePage {
    pub c: Chrome,
    pub id: i64,
    pub title: String,
    pub html: String,
    /// In another language than the reader's, and translation is on.
    pub foreign: bool,
    /// Set when the title and text shown are machine-made: what made them.
    pub label: Option<String>,
    pub translate_error: Option<String>,
    pub photos: Vec<Photo>,
    /// The photo frame's aspect ratio (`w / h`), from the first photo within 3:4 and 4:3.
    pub ratio: String,
    pub author: Person,
    pub own: bool,
    pub following: bool,
    pub when: String,
    pub lang: String,
    /// The Fluent key of the note's language name, empty when unknown.
    pub lang_key: &'static str,
    pub likes: String,
    pub liked: bool,
    pub collects: String,
    pub collected: bool,
    pub comments_count: String,
    pub comments: Vec<CommentItem>,
    pub boards: Vec<BoardChoice>,
    pub order: &'static str,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "compose.html")]
pub struct ComposePage {
    pub c: Chrome,
    pub title: String,
    pub text: String,
    pub visibility: String,
    pub alts: Vec<String>,
    pub errors: Vec<String>,
    pub max_photos: usize,
    pub max_photo_mb: usize,
}

#[derive(Template)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    pub c: Chrome,
    pub person: Person,
    pub bio: String,
    pub region: String,
    pub languages: String,
    pub following: String,
    pub followers: String,
    pub likes_and_collects: String,
    pub own: bool,
    pub follows: bool,
    pub tab: &'static str,
    pub cards: Vec<Card>,
    pub more: Option<String>,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub c: Chrome,
    pub display_name: String,
    pub bio: String,
    pub region: String,
    pub avatar: String,
    pub interface: &'static str,
    /// The languages a member can read, and whether they do.
    pub reads: Vec<(&'static str, bool)>,
    pub auto_translate: bool,
    pub errors: Vec<String>,
    pub saved: bool,
}

pub struct FoundPerson {
    pub person: Person,
    pub followers: String,
    pub bio: String,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub c: Chrome,
    pub q: String,
    pub people: Vec<FoundPerson>,
    pub tags: Vec<String>,
    pub error: Option<String>,
    pub searched: bool,
}

pub struct NoticeItem {
    pub actor: Person,
    pub text: String,
    pub when: String,
    pub url: Option<String>,
    pub excerpt: String,
}

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub c: Chrome,
    pub items: Vec<NoticeItem>,
    pub more: Option<String>,
}

/// Percent-encode `s` for a query string.
pub fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Render a page with a status; a template failure is logged and answered with a plain 500.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
