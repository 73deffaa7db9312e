//! Rate limits, proven through a forwarded address (the test client is on loopback, which is
//! exempt, and a trusted proxy).

use nb_app::Settings;
use nb_server::ServerConfig;
use nb_server::limits::{Limit, RateLimits};
use serde_json::{Value, json};

use crate::common::spawn_with;

#[tokio::test]
async fn registration_limit_answers_429_with_retry_after() {
    let config = ServerConfig {
        rate_limits: RateLimits {
            registration: Limit { count: 2, per_secs: 3600 },
            ..RateLimits::default()
        },
        ..ServerConfig::default()
    };
    let app = spawn_with(Settings::default(), config).await;
    let c = app.register_app("read write").await;
    let token = app.app_token(&c, "read write").await;
    let register = |n: u32, from: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            let mut req =
                app.http.post(app.url("/api/v1/accounts")).bearer_auth(token).json(&json!({
                    "username": format!("user{n}"),
                    "email": format!("user{n}@example.com"),
                    "password": "a long enough password",
                    "agreement": true,
                }));
            if !from.is_empty() {
                req = req.header("x-forwarded-for", from);
            }
            req.send().await.unwrap()
        }
    };
    assert_eq!(register(1, "203.0.113.5").await.status(), 200);
    assert_eq!(register(2, "203.0.113.5").await.status(), 200);
    let res = register(3, "203.0.113.5").await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3500..=3600).contains(&retry), "{retry}");
    let body: Value = res.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("Too many requests"));
    // The refused registration wrote nothing.
    let lookup = app.http.get(app.url("/api/v1/accounts/lookup?acct=user3")).send().await.unwrap();
    assert_eq!(lookup.status(), 404);
    // Another address, and the machine itself, are not affected.
    assert_eq!(register(4, "198.51.100.9").await.status(), 200);
    assert_eq!(register(5, "").await.status(), 200);
}

#[tokio::test]
async fn posting_and_login_are_limited_too() {
    let config = ServerConfig {
        rate_limits: RateLimits {
            posting: Limit { count: 1, per_secs: 60 },
            login: Limit { count: 1, per_secs: 60 },
            ..RateLimits::default()
        },
        ..ServerConfig::default()
    };
    let app = spawn_with(Settings::default(), config).await;
    let ann = app.member("ann").await;
    let post = || {
        app.http
            .post(app.url("/api/v1/statuses"))
            .bearer_auth(&ann.token)
            .header("x-forwarded-for", "203.0.113.7")
            .json(&json!({"status": "hi"}))
            .send()
    };
    assert_eq!(post().await.unwrap().status(), 200);
    assert_eq!(post().await.unwrap().status(), 429);
    let login = || {
        app.http
            .post(app.url("/oauth/token"))
            .header("x-forwarded-for", "203.0.113.8")
            .form(&[("grant_type", "password"), ("client_id", "x"), ("client_secret", "y")])
            .send()
    };
    assert_eq!(login().await.unwrap().status(), 400);
    assert_eq!(login().await.unwrap().status(), 429);
}

#[tokio::test]
async fn a_forwarded_loopback_address_is_not_exempt() {
    let config = ServerConfig {
        rate_limits: RateLimits {
            login: Limit { count: 1, per_secs: 60 },
            ..RateLimits::default()
        },
        ..ServerConfig::default()
    };
    let app = spawn_with(Settings::default(), config).await;
    let login = || {
        app.http
            .post(app.url("/oauth/token"))
            .header("x-forwarded-for", "127.0.0.1")
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "x"),
                ("client_secret", "y"),
            ])
            .send()
    };
    assert_eq!(login().await.unwrap().status(), 401);
    assert_eq!(login().await.unwrap().status(), 429);
}
