//! On a seeded community: every page under the marker pseudo-locale (no interface text outside
//! the Fluent files), and screenshots of Explore, a note and the composer on a phone and a
//! desktop (`target/screenshots/`).

use nb_app::password;
use nb_domain::Password;
use nb_sim::Params;

use crate::browser::{self, Browser};
use crate::common::{TestApp, spawn_app};
use crate::journey::INTERFACE_TEXT;

/// A small simulated community, and the handle of one of its members.
pub async fn seeded() -> (TestApp, String) {
    let app = spawn_app().await;
    let params = Params { photo_pool_size: 24, ..Params::sized(40, 2) };
    let hash = password::hash(
        &Password::new_for(nb_sim::SIM_PASSWORD, "", "").unwrap(),
        app.ctx.settings.password_hash,
    )
    .await
    .unwrap();
    let start = nb_sim::start_for(&params, app.ctx.now());
    let report = nb_sim::seed(&app.ctx, &params, start, &hash, |_| {}).await.unwrap();
    (app, report.sample_handle)
}

async fn sign_in(b: &Browser, handle: &str) {
    b.go("/login").await;
    b.fill("#login", handle).await;
    b.fill("#password", nb_sim::SIM_PASSWORD).await;
    b.click_and_wait("form[action='/login'] button[type=submit]").await;
}

/// The first note on Explore that has photos.
async fn a_note(b: &Browser) -> String {
    b.go("/").await;
    let href = b.js("return document.querySelector('.card img[data-user]').closest('a').getAttribute('href')").await;
    href.as_str().expect("a note with photos on Explore").to_owned()
}

#[tokio::test]
async fn every_interface_string_comes_from_fluent() {
    if !browser::available() {
        return;
    }
    let (app, handle) = seeded().await;
    let b = Browser::open(&app.base, 1280, 800).await;
    let pseudo =
        |path: &str| format!("{path}{}lang=x-pseudo", if path.contains('?') { '&' } else { '?' });
    let mut pages = vec!["/login".to_owned(), "/register".to_owned(), "/notes/1".to_owned()];
    let note = a_note(&b).await;
    pages.push(note.clone());
    for p in &pages {
        check(&b, &pseudo(p)).await;
    }
    sign_in(&b, &handle).await;
    for p in [
        "/",
        "/following",
        note.as_str(),
        "/compose",
        "/notifications",
        "/settings",
        "/search?q=a",
        &format!("/@{handle}"),
        &format!("/@{handle}?tab=likes"),
        "/tags/food",
    ] {
        check(&b, &pseudo(p)).await;
    }
}

async fn check(b: &Browser, path: &str) {
    b.go(path).await;
    let strings = b.js(INTERFACE_TEXT).await;
    let bare: Vec<&str> = strings
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .filter(|s| !s.contains('⟦'))
        .collect();
    assert!(bare.is_empty(), "{path}: interface text outside Fluent: {bare:?}");
}

#[tokio::test]
async fn screenshots_on_a_phone_and_a_desktop() {
    if !browser::available() {
        return;
    }
    let (app, handle) = seeded().await;
    for (w, h) in [(390, 844), (1280, 800)] {
        let b = Browser::open(&app.base, w, h).await;
        sign_in(&b, &handle).await;
        let note = a_note(&b).await;
        b.go("/").await;
        // Wait for the pictures in view, so the screenshot shows them.
        b.js("return Promise.all([...document.images].filter(i => i.loading !== 'lazy' || i.getBoundingClientRect().top < innerHeight).map(i => i.decode().catch(() => null))).then(() => true)").await;
        let size = b.js("return [window.innerWidth, window.innerHeight]").await;
        assert_eq!(size, serde_json::json!([w, h]), "the viewport is {w}×{h}");
        b.screenshot(&format!("explore-{w}x{h}")).await;
        b.go(&note).await;
        b.js("return document.querySelector('.slide img').decode().then(() => true)").await;
        b.screenshot(&format!("note-{w}x{h}")).await;
        b.go("/compose").await;
        b.screenshot(&format!("compose-{w}x{h}")).await;
    }
}
