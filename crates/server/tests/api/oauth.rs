//! Apps, grants, tokens and scopes.

use serde_json::{Value, json};

use crate::common::{expect_error, spawn_app};

#[tokio::test]
async fn app_registration_validates() {
    let app = spawn_app().await;
    let res = app
        .http
        .post(app.url("/api/v1/apps"))
        .form(&[("redirect_uris", "urn:ietf:wg:oauth:2.0:oob")])
        .send()
        .await
        .unwrap();
    let v = expect_error(res, 422).await;
    assert!(v["details"]["client_name"].is_array());
    let res = app
        .http
        .post(app.url("/api/v1/apps"))
        .form(&[("client_name", "x"), ("redirect_uris", "not a uri"), ("scopes", "read")])
        .send()
        .await
        .unwrap();
    expect_error(res, 422).await;
    let res = app
        .http
        .post(app.url("/api/v1/apps"))
        .json(&json!({"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "website": "javascript:alert(1)"}))
        .send()
        .await
        .unwrap();
    expect_error(res, 422).await;
    let res = app
        .http
        .post(app.url("/api/v1/apps"))
        .json(&json!({"client_name": "x", "redirect_uris": ["https://a.example/cb", "urn:ietf:wg:oauth:2.0:oob"], "scopes": "read delete:all"}))
        .send()
        .await
        .unwrap();
    expect_error(res, 422).await;
    let res = app
        .http
        .post(app.url("/api/v1/apps"))
        .json(&json!({"client_name": "x", "redirect_uris": ["https://a.example/cb", "urn:ietf:wg:oauth:2.0:oob"], "scopes": "read write"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["redirect_uris"], json!(["https://a.example/cb", "urn:ietf:wg:oauth:2.0:oob"]));
    assert_eq!(v["scopes"], json!(["read", "write"]));
}

#[tokio::test]
async fn password_grant_by_email_or_handle() {
    let app = spawn_app().await;
    app.member("ann").await;
    let c = app.register_app("read write").await;
    for username in ["ann@example.com", "ANN@example.com", "ann", "Ann"] {
        let res = app
            .http
            .post(app.url("/oauth/token"))
            .form(&[
                ("grant_type", "password"),
                ("client_id", &c.client_id),
                ("client_secret", &c.client_secret),
                ("username", username),
                ("password", "ann has a long password"),
                ("scope", "read"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{username}");
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["scope"], "read");
        assert_eq!(v["token_type"], "Bearer");
    }
}

#[tokio::test]
async fn grant_failures_say_why() {
    let app = spawn_app().await;
    app.member("ann").await;
    let c = app.register_app("read").await;
    let form = |secret: &str, password: &str, scope: &str, grant: &str| {
        vec![
            ("grant_type".to_owned(), grant.to_owned()),
            ("client_id".to_owned(), c.client_id.clone()),
            ("client_secret".to_owned(), secret.to_owned()),
            ("username".to_owned(), "ann@example.com".to_owned()),
            ("password".to_owned(), password.to_owned()),
            ("scope".to_owned(), scope.to_owned()),
        ]
    };
    let good = "ann has a long password";
    let cases = [
        (form(&c.client_secret, "wrong password!", "read", "password"), 400, "invalid_grant"),
        (form("wrong secret", good, "read", "password"), 401, "invalid_client"),
        (form(&c.client_secret, good, "read write", "password"), 400, "invalid_scope"),
        (form(&c.client_secret, good, "read", "implicit"), 400, "unsupported_grant_type"),
    ];
    for (body, status, code) in cases {
        let res = app.http.post(app.url("/oauth/token")).form(&body).send().await.unwrap();
        let v = expect_error(res, status).await;
        assert_eq!(v["error"], code);
        assert!(v["error_description"].as_str().is_some_and(|d| !d.is_empty()));
    }
    // Unknown user: same answer as a wrong password.
    let mut body = form(&c.client_secret, good, "read", "password");
    body[3].1 = "nobody@example.com".to_owned();
    let res = app.http.post(app.url("/oauth/token")).form(&body).send().await.unwrap();
    assert_eq!(expect_error(res, 400).await["error"], "invalid_grant");
}

#[tokio::test]
async fn missing_revoked_and_bogus_tokens_are_401() {
    let app = spawn_app().await;
    let m = app.member("ann").await;
    let res = app.http.get(app.url("/api/v1/accounts/verify_credentials")).send().await.unwrap();
    expect_error(res, 401).await;
    let res = app.get("not-a-token", "/api/v1/accounts/verify_credentials").await;
    expect_error(res, 401).await;
    // A bogus token is refused even where no token is needed.
    let res = app.get("not-a-token", "/api/v1/timelines/public").await;
    expect_error(res, 401).await;

    let c = app.register_app("read write").await;
    let token: Value = app
        .http
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", c.client_id.as_str()),
            ("client_secret", c.client_secret.as_str()),
            ("username", "ann"),
            ("password", "ann has a long password"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let t = token["access_token"].as_str().unwrap();
    assert_eq!(app.get(t, "/api/v1/accounts/verify_credentials").await.status(), 200);
    // Another app cannot revoke it; its own app can.
    let other = app.register_app("read").await;
    let res = app
        .http
        .post(app.url("/oauth/revoke"))
        .form(&[
            ("client_id", other.client_id.as_str()),
            ("client_secret", other.client_secret.as_str()),
            ("token", t),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.get(t, "/api/v1/accounts/verify_credentials").await.status(), 200);
    let res = app
        .http
        .post(app.url("/oauth/revoke"))
        .form(&[
            ("client_id", c.client_id.as_str()),
            ("client_secret", c.client_secret.as_str()),
            ("token", t),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    expect_error(app.get(t, "/api/v1/accounts/verify_credentials").await, 401).await;
    // The member's other tokens still work.
    assert_eq!(app.get(&m.token, "/api/v1/accounts/verify_credentials").await.status(), 200);
}

#[tokio::test]
async fn scopes_are_enforced() {
    let app = spawn_app().await;
    let reader = app.member_with_scopes("reader", "read").await;
    let res = app.post_json(&reader.token, "/api/v1/statuses", json!({"status": "hi"})).await;
    let v = expect_error(res, 403).await;
    assert!(v["error"].as_str().unwrap().contains("write:statuses"));
    assert_eq!(app.get(&reader.token, "/api/v1/timelines/home").await.status(), 200);

    let writer = app.member_with_scopes("writer", "write:statuses").await;
    assert_eq!(
        app.post_json(&writer.token, "/api/v1/statuses", json!({"status": "hi"})).await.status(),
        200
    );
    expect_error(app.get(&writer.token, "/api/v1/timelines/home").await, 403).await;
    let res = app
        .post_json(&writer.token, &format!("/api/v1/accounts/{}/follow", reader.id), json!({}))
        .await;
    expect_error(res, 403).await;
}

#[tokio::test]
async fn app_tokens_cannot_act_as_a_user() {
    let app = spawn_app().await;
    let c = app.register_app("read write").await;
    let t = app.app_token(&c, "read write").await;
    let res = app.post_json(&t, "/api/v1/statuses", json!({"status": "hi"})).await;
    expect_error(res, 422).await;
    let v: Value = app.get(&t, "/api/v1/apps/verify_credentials").await.json().await.unwrap();
    assert_eq!(v["name"], "test");
    assert!(v.get("client_secret").is_none());
}

#[tokio::test]
async fn server_metadata_lists_the_password_grant() {
    let app = spawn_app().await;
    let v: Value = app
        .http
        .get(app.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["grant_types_supported"].as_array().unwrap().contains(&json!("password")));
    assert_eq!(v["token_endpoint"], format!("{}/oauth/token", app.base));
}
