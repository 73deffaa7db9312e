//! Bad input of every kind: each a clear 4xx, nothing stored.

use serde_json::{Value, json};

use crate::common::{expect_error, spawn_app};

async fn note_count(app: &crate::common::TestApp, token: &str) -> usize {
    let v: Value = app.get(token, "/api/v1/timelines/home").await.json().await.unwrap();
    v.as_array().unwrap().len()
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let m = app.member("ann").await;
    let res = app
        .http
        .post(app.url("/api/v1/statuses"))
        .bearer_auth(&m.token)
        .header("content-type", "application/json")
        .body("{\"status\": \"unterminated")
        .send()
        .await
        .unwrap();
    let v = expect_error(res, 400).await;
    assert!(v["error"].as_str().unwrap().contains("JSON"));
    assert_eq!(note_count(&app, &m.token).await, 0);
}

#[tokio::test]
async fn wrong_types_are_422() {
    let app = spawn_app().await;
    let m = app.member("ann").await;
    let res =
        app.post_json(&m.token, "/api/v1/statuses", json!({ "status": ["not", "text"] })).await;
    expect_error(res, 422).await;
    let res = app.get(&m.token, "/api/v1/timelines/home?limit=many").await;
    expect_error(res, 422).await;
    assert_eq!(note_count(&app, &m.token).await, 0);
}

#[tokio::test]
async fn oversized_body_is_413() {
    let app = spawn_app().await;
    let m = app.member("ann").await;
    let huge = "好".repeat(100_000);
    let res = app.post_json(&m.token, "/api/v1/statuses", json!({ "status": huge })).await;
    expect_error(res, 413).await;
    assert_eq!(note_count(&app, &m.token).await, 0);
}

#[tokio::test]
async fn invalid_utf8_is_400() {
    let app = spawn_app().await;
    let m = app.member("ann").await;
    for (ct, body) in [
        ("application/json", b"{\"status\": \"\xff\xfe\"}".to_vec()),
        ("application/x-www-form-urlencoded", b"status=%FF%FE".to_vec()),
        ("application/x-www-form-urlencoded", b"status=\xff".to_vec()),
    ] {
        let res = app
            .http
            .post(app.url("/api/v1/statuses"))
            .bearer_auth(&m.token)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        expect_error(res, 400).await;
    }
    assert_eq!(note_count(&app, &m.token).await, 0);
}

#[tokio::test]
async fn unsupported_content_type_is_415() {
    let app = spawn_app().await;
    let m = app.member("ann").await;
    let res = app
        .http
        .post(app.url("/api/v1/statuses"))
        .bearer_auth(&m.token)
        .header("content-type", "text/xml")
        .body("<status>hi</status>")
        .send()
        .await
        .unwrap();
    expect_error(res, 415).await;
}

#[tokio::test]
async fn forms_and_json_are_both_accepted() {
    let app = spawn_app().await;
    let m = app.member("ann").await;
    let res = app
        .http
        .post(app.url("/api/v1/statuses"))
        .bearer_auth(&m.token)
        .form(&[("status", "from a form 你好"), ("visibility", "unlisted")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["visibility"], "unlisted");
    assert!(v["content"].as_str().unwrap().contains("你好"));
}

#[tokio::test]
async fn unknown_endpoints_and_methods_answer_in_json() {
    let app = spawn_app().await;
    let res = app.http.get(app.url("/api/v1/no_such_thing")).send().await.unwrap();
    expect_error(res, 404).await;
    let res = app.http.delete(app.url("/api/v1/instance")).send().await.unwrap();
    expect_error(res, 405).await;
}

#[tokio::test]
async fn trailing_slashes_route_the_same() {
    let app = spawn_app().await;
    let res = app.http.get(app.url("/api/v1/instance/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert!(v["version"].as_str().unwrap().starts_with("4.3.0 (compatible; Notebridge "));
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = spawn_app().await;
    assert_eq!(app.http.get(app.url("/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
    assert_eq!(app.http.get(app.url("/readyz")).send().await.unwrap().status(), 200);
    app.http.get(app.url("/api/v1/instance")).send().await.unwrap();
    let metrics = app.http.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        metrics.lines().any(|l| l.starts_with("http_requests_total")
            && l.contains("route=\"/api/v1/instance\"")
            && l.contains("status=\"200\"")),
        "{metrics}"
    );
    assert!(metrics.contains("http_request_duration_seconds"));
}
