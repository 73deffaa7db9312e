//! Registration, profiles, lookups and follows.

use nb_app::Settings;
use nb_app::media::sample_photo;
use nb_domain::RegistrationMode;
use nb_server::ServerConfig;
use serde_json::{Value, json};

use crate::common::{expect_error, spawn_app, spawn_with};

async fn register(app: &crate::common::TestApp, body: Value) -> reqwest::Response {
    let c = app.register_app("read write follow").await;
    let t = app.app_token(&c, "write:accounts").await;
    app.post_json(&t, "/api/v1/accounts", body).await
}

fn reg(handle: &str, email: &str, password: &str) -> Value {
    json!({ "username": handle, "email": email, "password": password, "agreement": "1", "locale": "zh-CN" })
}

#[tokio::test]
async fn registration_refuses_bad_and_taken_values() {
    let app = spawn_app().await;
    let ok = register(&app, reg("Li_Wei", "li@example.com", "a perfectly long one")).await;
    assert_eq!(ok.status(), 200);
    let cases = [
        (reg("li_wei", "other@example.com", "a perfectly long one"), "username"),
        (reg("someone", "LI@example.com", "a perfectly long one"), "email"),
        (reg("x", "x@example.com", "a perfectly long one"), "username"),
        (reg("bad-handle", "b@example.com", "a perfectly long one"), "username"),
        (reg("weak", "w@example.com", "password123"), "password"),
        (reg("short", "s@example.com", "abc"), "password"),
        (reg("noemail", "not-an-email", "a perfectly long one"), "email"),
        (
            json!({"username": "noagree", "email": "n@example.com", "password": "a perfectly long one"}),
            "agreement",
        ),
    ];
    for (body, field) in cases {
        let v = expect_error(register(&app, body.clone()).await, 422).await;
        assert!(v["details"][field].is_array(), "{body} → {v}");
    }
    // Nothing of the refused registrations was stored.
    let res = app.http.get(app.url("/api/v1/accounts/lookup?acct=someone")).send().await.unwrap();
    expect_error(res, 404).await;
}

#[tokio::test]
async fn registration_needs_write_accounts_scope() {
    let app = spawn_app().await;
    let c = app.register_app("read").await;
    let t = app.app_token(&c, "read").await;
    let res = app
        .post_json(&t, "/api/v1/accounts", reg("ann", "a@example.com", "a perfectly long one"))
        .await;
    expect_error(res, 403).await;
    let res = app
        .http
        .post(app.url("/api/v1/accounts"))
        .json(&reg("ann", "a@example.com", "a perfectly long one"))
        .send()
        .await
        .unwrap();
    expect_error(res, 401).await;
}

#[tokio::test]
async fn closed_and_approval_modes() {
    let closed = spawn_with(
        Settings { registration: RegistrationMode::Closed, ..Settings::default() },
        ServerConfig::default(),
    )
    .await;
    let v = expect_error(
        register(&closed, reg("ann", "a@example.com", "a perfectly long one")).await,
        403,
    )
    .await;
    assert!(v["error"].as_str().unwrap().contains("closed"));
    let inst: Value =
        closed.http.get(closed.url("/api/v1/instance")).send().await.unwrap().json().await.unwrap();
    assert_eq!(inst["registrations"], false);

    let approval = spawn_with(
        Settings { registration: RegistrationMode::Approval, ..Settings::default() },
        ServerConfig::default(),
    )
    .await;
    let res = register(&approval, reg("ann", "a@example.com", "a perfectly long one")).await;
    assert_eq!(res.status(), 200);
    let token = res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned();
    let v =
        expect_error(approval.get(&token, "/api/v1/accounts/verify_credentials").await, 403).await;
    assert!(v["error"].as_str().unwrap().contains("awaiting approval"));
}

#[tokio::test]
async fn profiles_and_lookup() {
    let app = spawn_app().await;
    let ann = app.member("Ann_Li").await;
    let me: Value =
        app.get(&ann.token, "/api/v1/accounts/verify_credentials").await.json().await.unwrap();
    assert_eq!(me["username"], "Ann_Li");
    assert_eq!(me["source"]["language"], "en");
    assert_eq!(me["statuses_count"], 0);
    let by_id: Value = app
        .http
        .get(app.url(&format!("/api/v1/accounts/{}", ann.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_id["acct"], "Ann_Li");
    assert!(by_id.get("source").is_none(), "source is private");
    let found: Value = app
        .http
        .get(app.url("/api/v1/accounts/lookup?acct=@ann_li"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["id"], ann.id);
    expect_error(app.http.get(app.url("/api/v1/accounts/123")).send().await.unwrap(), 404).await;
    expect_error(app.http.get(app.url("/api/v1/accounts/abc")).send().await.unwrap(), 404).await;
    expect_error(app.http.get(app.url("/api/v1/accounts/lookup")).send().await.unwrap(), 400).await;
}

#[tokio::test]
async fn follow_unfollow_and_relationships() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let res =
        app.post_json(&ann.token, &format!("/api/v1/accounts/{}/follow", bob.id), json!({})).await;
    let rel: Value = res.json().await.unwrap();
    assert_eq!(
        (rel["following"].as_bool(), rel["followed_by"].as_bool()),
        (Some(true), Some(false))
    );
    // Following twice changes nothing.
    app.post_json(&ann.token, &format!("/api/v1/accounts/{}/follow", bob.id), json!({})).await;
    let b: Value =
        app.get(&ann.token, &format!("/api/v1/accounts/{}", bob.id)).await.json().await.unwrap();
    assert_eq!(b["followers_count"], 1);
    let rels: Value = app
        .get(&bob.token, &format!("/api/v1/accounts/relationships?id[]={}&id[]={}", ann.id, bob.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rels[0]["followed_by"], true);
    assert_eq!(rels[1]["following"], false);
    let rel: Value = app
        .post_json(&ann.token, &format!("/api/v1/accounts/{}/unfollow", bob.id), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["following"], false);
    let b: Value =
        app.get(&ann.token, &format!("/api/v1/accounts/{}", bob.id)).await.json().await.unwrap();
    assert_eq!(b["followers_count"], 0);
    let res =
        app.post_json(&ann.token, &format!("/api/v1/accounts/{}/follow", ann.id), json!({})).await;
    expect_error(res, 403).await;
    let res = app.post_json(&ann.token, "/api/v1/accounts/999/follow", json!({})).await;
    expect_error(res, 404).await;
}

#[tokio::test]
async fn followers_and_following_page_by_follow() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let mut fans = Vec::new();
    for h in ["fan_a", "fan_b", "fan_c"] {
        let m = app.member(h).await;
        app.post_json(&m.token, &format!("/api/v1/accounts/{}/follow", ann.id), json!({})).await;
        fans.push(m);
    }
    let res = app
        .http
        .get(app.url(&format!("/api/v1/accounts/{}/followers?limit=2", ann.id)))
        .send()
        .await
        .unwrap();
    let link = res.headers()["link"].to_str().unwrap().to_owned();
    let page: Value = res.json().await.unwrap();
    let names: Vec<&str> =
        page.as_array().unwrap().iter().map(|a| a["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["fan_c", "fan_b"], "most recent follow first");
    let next = link.split('<').nth(1).unwrap().split('>').next().unwrap();
    let rest: Value = app.http.get(next).send().await.unwrap().json().await.unwrap();
    assert_eq!(rest[0]["username"], "fan_a");
    let following: Value = app
        .http
        .get(app.url(&format!("/api/v1/accounts/{}/following", fans[0].id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(following[0]["username"], "ann");
    expect_error(
        app.http.get(app.url("/api/v1/accounts/999/followers")).send().await.unwrap(),
        404,
    )
    .await;
}

#[tokio::test]
async fn update_credentials_in_every_encoding() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let patch = |body: reqwest::RequestBuilder| body.bearer_auth(&ann.token);
    let url = app.url("/api/v1/accounts/update_credentials");
    let v: Value = patch(
        app.http.patch(&url).json(&json!({"display_name": "安 Ann", "note": "<b>hi</b> #food"})),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(v["display_name"], "安 Ann");
    assert_eq!(v["source"]["note"], "<b>hi</b> #food");
    assert!(!v["note"].as_str().unwrap().contains("<b>"), "the bio is escaped when rendered");
    // Forms: the interface language moves to the front.
    let v: Value =
        patch(app.http.patch(&url).form(&[("source[language]", "zh-CN"), ("home_region", "cn")]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(v["languages"], json!(["zh-CN", "en"]));
    assert_eq!(v["home_region"], "CN");
    // Multipart, as Tusky sends it.
    let form = reqwest::multipart::Form::new().text("display_name", "Ann from Tusky");
    let v: Value =
        patch(app.http.patch(&url).multipart(form)).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["display_name"], "Ann from Tusky");
    assert_eq!(v["source"]["note"], "<b>hi</b> #food", "untouched parts stay");
    // Refusals keep the profile as it was.
    for body in [
        json!({"display_name": "x".repeat(31)}),
        json!({"note": "y".repeat(501)}),
        json!({"home_region": "China"}),
        json!({"languages": []}),
    ] {
        expect_error(patch(app.http.patch(&url).json(&body)).send().await.unwrap(), 422).await;
    }
    let avatar = reqwest::multipart::Form::new()
        .text("display_name", "Not Applied")
        .part("avatar", reqwest::multipart::Part::bytes(vec![1, 2, 3]).file_name("a.png"));
    let v = expect_error(patch(app.http.patch(&url).multipart(avatar)).send().await.unwrap(), 422)
        .await;
    assert!(v["error"].as_str().unwrap().contains("image"), "{v}");
    let me: Value =
        app.get(&ann.token, "/api/v1/accounts/verify_credentials").await.json().await.unwrap();
    assert_eq!(me["display_name"], "Ann from Tusky");
    let reader = app.member_with_scopes("reader", "read").await;
    let res = app
        .http
        .patch(&url)
        .bearer_auth(&reader.token)
        .json(&json!({"note": "x"}))
        .send()
        .await
        .unwrap();
    expect_error(res, 403).await;
}

#[tokio::test]
async fn search_finds_accounts_and_tags() {
    let app = spawn_app().await;
    let ann = app.member("ann_cooks").await;
    app.member("annie").await;
    app.post_note(&ann.token, "#火锅 #hotpot tonight").await;
    let v: Value = app.get(&ann.token, "/api/v2/search?q=ann").await.json().await.unwrap();
    let names: Vec<&str> =
        v["accounts"].as_array().unwrap().iter().map(|a| a["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["ann_cooks", "annie"]);
    let v: Value = app
        .get(&ann.token, "/api/v2/search?q=%23%E7%81%AB&type=hashtags")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["hashtags"][0]["name"], "火锅");
    assert!(v["accounts"].as_array().unwrap().is_empty());
    assert_eq!(v["statuses"], json!([]));
    expect_error(app.get(&ann.token, "/api/v2/search").await, 400).await;
    expect_error(app.get(&ann.token, "/api/v2/search?q=x&type=people").await, 400).await;
    expect_error(app.get(&ann.token, "/api/v2/search?q=%20").await, 422).await;
}

#[tokio::test]
async fn profile_pictures_upload_replace_and_clear() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let url = app.url("/api/v1/accounts/update_credentials");
    let picture = |field: &'static str, seed: u64, w: u32, h: u32| {
        reqwest::multipart::Part::bytes(sample_photo(seed, w, h).unwrap())
            .file_name(format!("{field}.jpg"))
            .mime_str("image/jpeg")
            .unwrap()
    };
    let form = reqwest::multipart::Form::new()
        .text("display_name", "Ann with a face")
        .part("avatar", picture("avatar", 31, 900, 900))
        .part("header", picture("header", 32, 1500, 500));
    let res = app.http.patch(&url).bearer_auth(&ann.token).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["display_name"], "Ann with a face");
    let avatar = v["avatar"].as_str().unwrap().to_owned();
    assert!(avatar.starts_with(&app.url("/media/")), "{avatar}");
    assert!(v["header"].as_str().unwrap().starts_with(&app.url("/media/")));
    let res = app.http.get(&avatar).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let bytes = res.bytes().await.unwrap();
    let small = nb_media::process(&bytes, &nb_media::Limits::default()).unwrap();
    assert_eq!((small.width, small.height), (480, 480), "the avatar is kept at thumbnail size");
    // Others see it on the profile and on notes.
    let note = app.post_note(&ann.token, "with avatar").await;
    assert_eq!(note["account"]["avatar"], avatar);

    // A hostile header is refused and changes nothing, display name included.
    let form = reqwest::multipart::Form::new().text("display_name", "Should not stick").part(
        "header",
        reqwest::multipart::Part::bytes(b"GIF89a nope".to_vec()).file_name("h.gif"),
    );
    let res = app.http.patch(&url).bearer_auth(&ann.token).multipart(form).send().await.unwrap();
    expect_error(res, 422).await;
    let me: Value =
        app.get(&ann.token, "/api/v1/accounts/verify_credentials").await.json().await.unwrap();
    assert_eq!(
        (me["display_name"].as_str(), me["avatar"].as_str()),
        (Some("Ann with a face"), Some(avatar.as_str()))
    );

    // A new avatar replaces the old, whose bytes go once the outbox has run.
    let form = reqwest::multipart::Form::new().part("avatar", picture("avatar", 33, 300, 300));
    let v: Value = app
        .http
        .patch(&url)
        .bearer_auth(&ann.token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(v["avatar"], avatar);
    nb_app::jobs::run_due(&app.ctx, 100, None).await.unwrap();
    assert_eq!(app.http.get(&avatar).send().await.unwrap().status(), 404);

    let res = app
        .http
        .delete(app.url("/api/v1/profile/avatar"))
        .bearer_auth(&ann.token)
        .send()
        .await
        .unwrap();
    let v: Value = res.json().await.unwrap();
    assert!(v["avatar"].as_str().unwrap().ends_with("/assets/avatar-missing.png"));
    assert!(v["header"].as_str().unwrap().contains("/media/"), "the header stays");
    let res = app
        .http
        .delete(app.url("/api/v1/profile/nose"))
        .bearer_auth(&ann.token)
        .send()
        .await
        .unwrap();
    expect_error(res, 404).await;
}
