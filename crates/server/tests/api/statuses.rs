//! Posting, reading and deleting notes.

use serde_json::{Value, json};

use crate::common::{expect_error, spawn_app};

#[tokio::test]
async fn post_read_delete() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let res = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"title": "成都火锅", "status": "太辣了 #美食 #Food", "language": "zh-CN"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let n: Value = res.json().await.unwrap();
    assert_eq!(n["title"], "成都火锅");
    assert_eq!(n["language"], "zh");
    assert_eq!(n["visibility"], "public");
    assert!(n["content"].as_str().unwrap().starts_with("<p>成都火锅</p>"));
    let tags: Vec<&str> =
        n["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(tags, ["美食", "food"]);
    assert_eq!(n["application"]["name"], "test");
    assert_eq!(n["account"]["statuses_count"], 1);

    let id = n["id"].as_str().unwrap();
    let got: Value = app
        .http
        .get(app.url(&format!("/api/v1/statuses/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["id"], id);

    let res = app
        .http
        .delete(app.url(&format!("/api/v1/statuses/{id}")))
        .bearer_auth(&ann.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let deleted: Value = res.json().await.unwrap();
    assert_eq!(deleted["text"], "太辣了 #美食 #Food");
    expect_error(
        app.http.get(app.url(&format!("/api/v1/statuses/{id}"))).send().await.unwrap(),
        404,
    )
    .await;
    let me: Value =
        app.get(&ann.token, "/api/v1/accounts/verify_credentials").await.json().await.unwrap();
    assert_eq!(me["statuses_count"], 0);
}

#[tokio::test]
async fn language_is_detected_when_not_given() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    assert_eq!(app.post_note(&ann.token, "今天天气很好").await["language"], "zh");
    assert_eq!(app.post_note(&ann.token, "Lovely weather today").await["language"], "en");
}

#[tokio::test]
async fn invalid_notes_are_refused() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    for body in [
        json!({"status": "   "}),
        json!({}),
        json!({"status": "x".repeat(5001)}),
        json!({"status": "hi", "visibility": "direct"}),
        json!({"status": "hi", "visibility": "secret"}),
        json!({"status": "hi", "title": "two\nlines"}),
        json!({"status": "hi", "language": "not a language"}),
        json!({"status": "nul \u{0} inside"}),
    ] {
        let res = app.post_json(&ann.token, "/api/v1/statuses", body.clone()).await;
        expect_error(res, 422).await;
    }
    let me: Value =
        app.get(&ann.token, "/api/v1/accounts/verify_credentials").await.json().await.unwrap();
    assert_eq!(me["statuses_count"], 0);
}

#[tokio::test]
async fn hostile_text_is_escaped() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let n = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"title": "<script>alert(1)</script>", "status": "<img src=x onerror=alert(1)>"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let html = n["content"].as_str().unwrap();
    assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn others_cannot_delete_or_see_private() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let eve = app.member("eve").await;
    let public = app.post_note(&ann.token, "public note").await;
    let res = app
        .http
        .delete(app.url(&format!("/api/v1/statuses/{}", public["id"].as_str().unwrap())))
        .bearer_auth(&bob.token)
        .send()
        .await
        .unwrap();
    expect_error(res, 403).await;

    let private = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"status": "followers only", "visibility": "private"}),
        )
        .await;
    let pid = private.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    // Bob follows ann: he sees it. Eve and anonymous readers do not, not even that it exists.
    app.post_json(&bob.token, &format!("/api/v1/accounts/{}/follow", ann.id), json!({})).await;
    assert_eq!(app.get(&bob.token, &format!("/api/v1/statuses/{pid}")).await.status(), 200);
    expect_error(app.get(&eve.token, &format!("/api/v1/statuses/{pid}")).await, 404).await;
    expect_error(
        app.http.get(app.url(&format!("/api/v1/statuses/{pid}"))).send().await.unwrap(),
        404,
    )
    .await;
    let res = app
        .http
        .delete(app.url(&format!("/api/v1/statuses/{pid}")))
        .bearer_auth(&eve.token)
        .send()
        .await
        .unwrap();
    expect_error(res, 404).await;
    // Still there for its author.
    assert_eq!(app.get(&ann.token, &format!("/api/v1/statuses/{pid}")).await.status(), 200);
    let eves_view: Value = app
        .get(&eve.token, &format!("/api/v1/accounts/{}/statuses", ann.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(eves_view.as_array().unwrap().len(), 1);
    let bobs_view: Value = app
        .get(&bob.token, &format!("/api/v1/accounts/{}/statuses", ann.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bobs_view.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn malformed_and_unknown_ids_are_404() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    for path in
        ["/api/v1/statuses/abc", "/api/v1/statuses/99999999999999999999", "/api/v1/statuses/12345"]
    {
        expect_error(app.get(&ann.token, path).await, 404).await;
    }
}

#[tokio::test]
async fn idempotency_key_makes_retries_safe() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let post = |key: &'static str, text: &'static str| {
        app.http
            .post(app.url("/api/v1/statuses"))
            .bearer_auth(&ann.token)
            .header("idempotency-key", key)
            .json(&json!({ "status": text }))
            .send()
    };
    let first: Value = post("k-1", "once").await.unwrap().json().await.unwrap();
    let again: Value = post("k-1", "once").await.unwrap().json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    let other: Value = post("k-2", "twice").await.unwrap().json().await.unwrap();
    assert_ne!(first["id"], other["id"]);
    // Keys are per member: bob's k-1 is his own.
    let bob = app.member("bob").await;
    let res = app
        .http
        .post(app.url("/api/v1/statuses"))
        .bearer_auth(&bob.token)
        .header("idempotency-key", "k-1")
        .json(&json!({ "status": "bob's" }))
        .send()
        .await
        .unwrap();
    assert_ne!(res.json::<Value>().await.unwrap()["id"], first["id"]);
    let me: Value =
        app.get(&ann.token, "/api/v1/accounts/verify_credentials").await.json().await.unwrap();
    assert_eq!(me["statuses_count"], 2);
}

#[tokio::test]
async fn idempotency_key_makes_reply_retries_safe() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let note = app.post_note(&ann.token, "lunch").await;
    let reply = |key: &'static str, text: &'static str| {
        app.http
            .post(app.url("/api/v1/statuses"))
            .bearer_auth(&bob.token)
            .header("idempotency-key", key)
            .json(&json!({ "status": text, "in_reply_to_id": note["id"] }))
            .send()
    };
    let first: Value = reply("r-1", "looks good").await.unwrap().json().await.unwrap();
    let again: Value = reply("r-1", "looks good").await.unwrap().json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    assert_eq!(first["in_reply_to_id"], note["id"]);
    let other: Value = reply("r-2", "and tasty").await.unwrap().json().await.unwrap();
    assert_ne!(first["id"], other["id"]);
    // One comment per key: the note counts two, and ann was notified twice, not three times.
    let now: Value = app
        .get(&ann.token, &format!("/api/v1/statuses/{}", note["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["replies_count"], 2);
    let notes: Value = app.get(&ann.token, "/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(notes.as_array().unwrap().len(), 2);
    // A key too long for the header is refused with a reason.
    let long = "k".repeat(300);
    let res = app
        .http
        .post(app.url("/api/v1/statuses"))
        .bearer_auth(&bob.token)
        .header("idempotency-key", long)
        .json(&json!({ "status": "x", "in_reply_to_id": note["id"] }))
        .send()
        .await
        .unwrap();
    expect_error(res, 422).await;
}

#[tokio::test]
async fn a_write_only_token_reads_as_signed_out() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.post_json(&bob.token, &format!("/api/v1/accounts/{}/follow", ann.id), json!({})).await;
    let res = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"status": "friends", "visibility": "private"}),
        )
        .await;
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    // Carl follows ann too, but his app may only post and follow.
    let poster = app.member_with_scopes("carl", "write:statuses write:follows").await;
    app.post_json(&poster.token, &format!("/api/v1/accounts/{}/follow", ann.id), json!({})).await;
    expect_error(app.get(&poster.token, &format!("/api/v1/statuses/{id}")).await, 404).await;
    let notes: Value = app
        .get(&poster.token, &format!("/api/v1/accounts/{}/statuses", ann.id))
        .await
        .json()
        .await
        .unwrap();
    assert!(notes.as_array().unwrap().is_empty());
    assert_eq!(app.get(&bob.token, &format!("/api/v1/statuses/{id}")).await.status(), 200);
}

#[tokio::test]
async fn unsupported_options_are_refused_not_dropped() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    for body in [
        json!({"status": "later", "scheduled_at": "2030-01-01T00:00:00Z"}),
        json!({"status": "vote", "poll": {"options": ["a", "b"], "expires_in": 3600}}),
        json!({"status": "cw", "spoiler_text": "spoilers"}),
        json!({"status": "nsfw", "sensitive": true}),
    ] {
        let v = expect_error(app.post_json(&ann.token, "/api/v1/statuses", body).await, 422).await;
        assert!(v["error"].as_str().unwrap().contains("not supported"));
    }
    // What clients send by default is fine.
    let res = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"status": "ok", "sensitive": false, "spoiler_text": ""}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let pinned: Value = app
        .get(&ann.token, &format!("/api/v1/accounts/{}/statuses?pinned=true", ann.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pinned, json!([]));
}
