//! The web app over plain HTTP: sessions, CSRF, redirects, errors that keep what was typed,
//! escaping and page weight. (The browser tests cover what needs script and layout.)

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::multipart::{Form, Part};

use crate::common::{TestApp, spawn_app};

/// A browser without script: keeps cookies, does not follow redirects.
struct Visitor<'a> {
    app: &'a TestApp,
    http: reqwest::Client,
    cookies: Vec<(String, String)>,
}

impl<'a> Visitor<'a> {
    fn new(app: &'a TestApp) -> Self {
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Visitor { app, http, cookies: Vec::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep(&mut self, res: &reqwest::Response) {
        for c in res.headers().get_all(SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (k, v) = c.split(';').next().unwrap().split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !v.is_empty() {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
    }

    async fn get(&mut self, path: &str) -> (StatusCode, String) {
        let res = self
            .http
            .get(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(&res);
        (res.status(), res.text().await.unwrap())
    }

    /// The CSRF token of the forms on `path`.
    async fn csrf(&mut self, path: &str) -> String {
        let (_, html) = self.get(path).await;
        let at = html.find(r#"name="csrf" value=""#).expect("a form with a CSRF token");
        html[at + 19..].split('"').next().unwrap().to_owned()
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let res = self
            .http
            .post(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.keep(&res);
        res
    }

    async fn post_multipart(&mut self, path: &str, form: Form) -> reqwest::Response {
        let res = self
            .http
            .post(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.keep(&res);
        res
    }

    async fn register(&mut self, handle: &str) {
        let csrf = self.csrf("/register").await;
        let email = format!("{handle}@example.com");
        let res = self
            .post(
                "/register",
                &[
                    ("csrf", &csrf),
                    ("handle", handle),
                    ("email", &email),
                    ("password", "correct horse battery"),
                    ("interface", "en"),
                    ("agreement", "true"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    }
}

fn location(res: &reqwest::Response) -> &str {
    res.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn sessions_are_httponly_cookies_and_end_at_sign_out() {
    let app = spawn_app().await;
    let mut v = Visitor::new(&app);
    let csrf = v.csrf("/register").await;
    let res = v
        .post(
            "/register",
            &[
                ("csrf", csrf.as_str()),
                ("handle", "mei"),
                ("email", "mei@example.com"),
                ("password", "correct horse battery"),
                ("interface", "zh-CN"),
                ("agreement", "true"),
            ],
        )
        .await;
    let cookies: Vec<String> =
        res.headers().get_all(SET_COOKIE).iter().map(|c| c.to_str().unwrap().to_owned()).collect();
    let session = cookies.iter().find(|c| c.starts_with("nb_session=")).expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
    // The interface follows the account's language.
    let (_, html) = v.get("/").await;
    assert!(html.contains(r#"<html lang="zh-CN">"#));
    let (status, _) = v.get("/compose").await;
    assert_eq!(status, StatusCode::OK);
    // Signing out ends the session on the server, not only in this browser.
    let old = v.cookies.clone();
    let csrf = v.csrf("/").await;
    let res = v.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    v.cookies = old;
    let (status, _) = v.get("/compose").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the old session cookie no longer signs in");
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let ana = app.member("ana").await;
    let note = app.post_note(&ana.token, "hello").await;
    let id = note["id"].as_str().unwrap().to_owned();
    let mut v = Visitor::new(&app);
    v.register("ben").await;
    for token in ["", "forged-token-forged-token-forge"] {
        let res =
            v.post(&format!("/notes/{id}/like"), &[("csrf", token), ("action", "like")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(res.text().await.unwrap().contains("The form expired"));
    }
    let after = app.get(&ana.token, &format!("/api/v1/statuses/{id}")).await;
    let after: serde_json::Value = after.json().await.unwrap();
    assert_eq!(after["favourites_count"], 0);
    // With the token it works.
    let csrf = v.csrf(&format!("/notes/{id}")).await;
    let res = v.post(&format!("/notes/{id}/like"), &[("csrf", &csrf), ("action", "like")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/notes/{id}"));
}

#[tokio::test]
async fn sign_in_keeps_the_login_on_error_and_never_redirects_off_site() {
    let app = spawn_app().await;
    app.member("ana").await;
    let mut v = Visitor::new(&app);
    let csrf = v.csrf("/login").await;
    let res = v
        .post("/login", &[("csrf", &csrf), ("login", "ana"), ("password", "wrong"), ("next", "/")])
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(html.contains("The username or password is wrong") && html.contains(r#"value="ana""#));
    for next in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let mut v = Visitor::new(&app);
        let csrf = v.csrf("/login").await;
        let res = v
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("login", "ana"),
                    ("password", "ana has a long password"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(location(&res), "/", "next={next}");
    }
}

#[tokio::test]
async fn the_composer_posts_photos_and_keeps_the_text_on_errors() {
    let app = spawn_app().await;
    let mut v = Visitor::new(&app);
    v.register("ana").await;
    let photo = || nb_app::media::sample_photo(7, 640, 480).unwrap();
    let form = |csrf: &str, files: Vec<Vec<u8>>| {
        let mut f = Form::new()
            .text("csrf", csrf.to_owned())
            .text("title", "周末去爬山 <b>")
            .text("text", "风景太美了 #hiking")
            .text("visibility", "public");
        for (i, bytes) in files.into_iter().enumerate() {
            f = f
                .part("photos", Part::bytes(bytes).file_name(format!("p{i}.jpg")))
                .text("alt", format!("山顶 {i}"));
        }
        f
    };
    let csrf = v.csrf("/compose").await;
    // Not a picture: refused with the reason, and the text is still in the form.
    let res = v.post_multipart("/compose", form(&csrf, vec![b"GIF89a not really".to_vec()])).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("not a picture we can read"), "{html}");
    assert!(html.contains("周末去爬山 &#60;b&#62;") && html.contains("风景太美了 #hiking"));
    // Nineteen photos are one too many.
    let res = v.post_multipart("/compose", form(&csrf, vec![photo(); 19])).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("At most 18 photos"));
    // Two photos post the note, in order, with their descriptions.
    let res = v.post_multipart("/compose", form(&csrf, vec![photo(), photo()])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let note = location(&res).to_owned();
    let (status, html) = v.get(&note).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>周末去爬山 &#60;b&#62;</h1>"));
    assert!(html.find(r#"alt="山顶 0""#).unwrap() < html.find(r#"alt="山顶 1""#).unwrap());
}

#[tokio::test]
async fn private_notes_and_unknown_pages_are_not_found() {
    let app = spawn_app().await;
    let ana = app.member("ana").await;
    let private = app
        .post_json(
            &ana.token,
            "/api/v1/statuses",
            serde_json::json!({"status": "秘密", "visibility": "private"}),
        )
        .await;
    let private: serde_json::Value = private.json().await.unwrap();
    let mut v = Visitor::new(&app);
    v.register("ben").await;
    for path in [
        format!("/notes/{}", private["id"].as_str().unwrap()),
        "/notes/123".to_owned(),
        "/notes/not-a-number".to_owned(),
        "/@nobody".to_owned(),
        "/nobody".to_owned(),
        "/no/such/page".to_owned(),
    ] {
        let (status, html) = v.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("This page does not exist"), "{path}");
    }
}

#[tokio::test]
async fn times_follow_the_interface_language() {
    let app = spawn_app().await;
    let ana = app.member("ana").await;
    let note = app.post_note(&ana.token, "数字").await;
    let id = note["id"].as_str().unwrap();
    let mut v = Visitor::new(&app);
    let (_, en) = v.get(&format!("/notes/{id}?lang=en")).await;
    let (_, zh) = v.get(&format!("/notes/{id}?lang=zh-CN")).await;
    assert!(en.contains("just now") && !en.contains("刚刚"));
    assert!(zh.contains("刚刚") && !zh.contains("just now"));
}

#[tokio::test]
async fn an_explore_page_is_light() {
    let (app, _) = crate::looks::seeded().await;
    let mut v = Visitor::new(&app);
    let (status, html) = v.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches(r#"<article class="card">"#).count(), 24, "a full page of cards");
    assert!(html.len() < 60 * 1024, "Explore is {} bytes before images", html.len());
    // The next page continues where this one ended, without repeating a card.
    let more = html.split(r#"data-more"#).next().unwrap().rsplit("href=\"").next().unwrap();
    let more = more.split('"').next().unwrap().replace("&#38;", "&");
    let (_, next) = v.get(&format!("{more}&partial=1")).await;
    assert!(!next.contains("<html"), "a fragment, not a page");
    let first: Vec<&str> =
        html.split(r#"href="/notes/"#).skip(1).map(|s| s.split('"').next().unwrap()).collect();
    for id in next.split(r#"href="/notes/"#).skip(1).map(|s| s.split('"').next().unwrap()) {
        assert!(!first.contains(&id), "note {id} on both pages");
    }
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let app = spawn_app().await;
    let mut here = Visitor::new(&app);
    here.register("ana").await;
    // The same member signed in on a second device.
    let mut there = Visitor::new(&app);
    let csrf = there.csrf("/login").await;
    let res = there
        .post("/login", &[("csrf", &csrf), ("login", "ana"), ("password", "correct horse battery")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let csrf = here.csrf("/settings").await;
    let wrong = [("csrf", csrf.as_str()), ("current", "not it"), ("new", "a brand new secret")];
    let res = here.post("/settings/password", &wrong).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("The current password is wrong"));
    let right = [
        ("csrf", csrf.as_str()),
        ("current", "correct horse battery"),
        ("new", "a brand new secret"),
    ];
    let res = here.post("/settings/password", &right).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // This browser stays signed in with a fresh session; the other device is signed out.
    assert_eq!(here.get("/settings").await.0, StatusCode::OK);
    assert_eq!(there.get("/settings").await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn search_finds_people_and_tags() {
    let app = spawn_app().await;
    let mei = app.member("mei_chen").await;
    app.post_note(&mei.token, "周末 #美食探店 #mei_eats").await;
    let mut v = Visitor::new(&app);
    let (status, html) = v.get("/search?q=mei&lang=en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"href="/@mei_chen""#) && html.contains(r#"href="/tags/mei_eats""#));
    let (_, html) = v.get("/search?q=%23%E7%BE%8E%E9%A3%9F").await;
    assert!(html.contains("#美食探店"), "tags by prefix, in Chinese too");
    let (status, html) = v.get(&format!("/search?q={}", "x".repeat(101))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Search for 1 to 100 characters"));
    let (status, html) = v.get("/search?q=nothing-like-this").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nothing found"));
}

#[tokio::test]
async fn a_reply_must_answer_a_comment_of_the_same_note() {
    let app = spawn_app().await;
    let ana = app.member("ana").await;
    let first = app.post_note(&ana.token, "one").await;
    let second = app.post_note(&ana.token, "two").await;
    let (first, second) = (first["id"].as_str().unwrap(), second["id"].as_str().unwrap());
    let comment = app
        .post_json(
            &ana.token,
            "/api/v1/statuses",
            serde_json::json!({"status": "hi", "in_reply_to_id": first}),
        )
        .await;
    let comment: serde_json::Value = comment.json().await.unwrap();
    let mut v = Visitor::new(&app);
    v.register("ben").await;
    let csrf = v.csrf(&format!("/notes/{second}")).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("text", "misplaced"),
        ("reply_to", comment["id"].as_str().unwrap()),
    ];
    let res = v.post(&format!("/notes/{second}/comments"), &form).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let thread = app.get(&ana.token, &format!("/api/v1/statuses/{first}/context")).await;
    let thread: serde_json::Value = thread.json().await.unwrap();
    assert_eq!(thread["descendants"].as_array().unwrap().len(), 1, "nothing was added");
}

#[tokio::test]
async fn members_delete_their_own_notes_and_comments_only() {
    let app = spawn_app().await;
    let ana = app.member("ana").await;
    let note = app.post_note(&ana.token, "to be deleted").await;
    let id = note["id"].as_str().unwrap().to_owned();
    let mut ben = Visitor::new(&app);
    ben.register("ben").await;
    let csrf = ben.csrf(&format!("/notes/{id}")).await;
    let res =
        ben.post(&format!("/notes/{id}/comments"), &[("csrf", &csrf), ("text", "nice")]).await;
    let comment = location(&res).rsplit("#c").next().unwrap().to_owned();
    // Not his note: refused, and the note stays.
    let res = ben.post(&format!("/notes/{id}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(ben.get(&format!("/notes/{id}")).await.0, StatusCode::OK);
    // His comment: gone.
    let res = ben.post(&format!("/comments/{comment}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = ben.get(&format!("/notes/{id}")).await;
    assert!(!html.contains(">nice<") && !html.contains("<p>nice</p>"));
    // Hers: gone, and she lands on her profile.
    let mut her = Visitor::new(&app);
    let csrf = her.csrf("/login").await;
    her.post(
        "/login",
        &[("csrf", &csrf), ("login", "ana"), ("password", "ana has a long password")],
    )
    .await;
    let csrf = her.csrf(&format!("/notes/{id}")).await;
    assert!(her.get(&format!("/notes/{id}")).await.1.contains("/delete"));
    let res = her.post(&format!("/notes/{id}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(location(&res), "/@ana");
    assert_eq!(her.get(&format!("/notes/{id}")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_unread_badge_counts_until_the_notifications_are_opened() {
    let app = spawn_app().await;
    let mut ana = Visitor::new(&app);
    ana.register("ana").await;
    let (_, html) = ana.get("/").await;
    assert!(!html.contains(r#"class="unread""#));
    let ben = app.member("ben").await;
    let me: serde_json::Value =
        app.get(&ben.token, "/api/v1/accounts/lookup?acct=ana").await.json().await.unwrap();
    app.post_json(
        &ben.token,
        &format!("/api/v1/accounts/{}/follow", me["id"].as_str().unwrap()),
        serde_json::json!({}),
    )
    .await;
    let (_, html) = ana.get("/").await;
    assert!(html.contains(r#"aria-label="1 unread">1</span>"#), "a badge");
    let (_, html) = ana.get("/notifications").await;
    assert!(html.contains("followed you") && !html.contains(r#"class="unread""#));
    let (_, html) = ana.get("/").await;
    assert!(!html.contains(r#"class="unread""#), "read once opened");
}
