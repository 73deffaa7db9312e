//! `spawn_app()`: the real application on a free port with a fresh SQLite database, spoken to
//! over HTTP like any client would.
#![allow(dead_code)]

pub mod smtp;

use std::net::SocketAddr;

use nb_app::translate::Translation;
use nb_app::{BlobStore, Ctx, Settings, Store, StoreOptions};
use nb_server::{AppState, ServerConfig};
use serde_json::{Value, json};

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub http: reqwest::Client,
    pub ctx: Ctx,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(Settings::default(), ServerConfig::default()).await
}

pub async fn spawn_with(settings: Settings, config: ServerConfig) -> TestApp {
    spawn_ctx(settings, config, |ctx| ctx).await
}

/// The app with these translation engines and quotas.
pub async fn spawn_translating(translation: Translation) -> TestApp {
    spawn_ctx(Settings::default(), ServerConfig::default(), |ctx| ctx.with_translation(translation))
        .await
}

async fn spawn_ctx(
    settings: Settings,
    config: ServerConfig,
    f: impl FnOnce(Ctx) -> Ctx,
) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_sqlite(&dir.path().join("test.db"), &StoreOptions::default())
        .await
        .expect("open store");
    store.migrate().await.expect("migrate");
    let blobs = BlobStore::local(dir.path()).expect("blob store");
    let ctx = f(Ctx::new(store, blobs, settings));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = AppState::new(ctx.clone(), config);
    tokio::spawn(nb_server::serve(listener, state, std::future::pending()));
    TestApp { addr, base: format!("http://{addr}"), http: reqwest::Client::new(), ctx, _dir: dir }
}

/// A registered app with its credentials.
pub struct Client {
    pub client_id: String,
    pub client_secret: String,
}

/// A member with a token.
pub struct Member {
    pub id: String,
    pub handle: String,
    pub token: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn register_app(&self, scopes: &str) -> Client {
        let v: Value = self
            .http
            .post(self.url("/api/v1/apps"))
            .form(&[
                ("client_name", "test"),
                ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
                ("scopes", scopes),
            ])
            .send()
            .await
            .expect("apps")
            .json()
            .await
            .expect("apps json");
        Client {
            client_id: v["client_id"].as_str().expect("client_id").to_owned(),
            client_secret: v["client_secret"].as_str().expect("client_secret").to_owned(),
        }
    }

    pub async fn app_token(&self, c: &Client, scope: &str) -> String {
        let v: Value = self
            .http
            .post(self.url("/oauth/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", &c.client_id),
                ("client_secret", &c.client_secret),
                ("scope", scope),
            ])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token json");
        v["access_token"].as_str().expect("access_token").to_owned()
    }

    /// A member whose token grants only `scopes`: registered, then logged in with a password
    /// grant that asks for `scopes`.
    pub async fn member_with_scopes(&self, handle: &str, scopes: &str) -> Member {
        let mut m = self.member(handle).await;
        let c = self.register_app(scopes).await;
        let v: Value = self
            .http
            .post(self.url("/oauth/token"))
            .form(&[
                ("grant_type", "password"),
                ("client_id", c.client_id.as_str()),
                ("client_secret", c.client_secret.as_str()),
                ("username", handle),
                ("password", &format!("{handle} has a long password")),
                ("scope", scopes),
            ])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token json");
        m.token = v["access_token"].as_str().expect("access_token").to_owned();
        m
    }

    /// Register a member through the API (app token, then `POST /api/v1/accounts`).
    pub async fn member(&self, handle: &str) -> Member {
        let scopes = "read write follow push";
        let c = self.register_app(scopes).await;
        let app_token = self.app_token(&c, scopes).await;
        let res = self
            .http
            .post(self.url("/api/v1/accounts"))
            .bearer_auth(&app_token)
            .json(&json!({
                "username": handle,
                "email": format!("{handle}@example.com"),
                "password": format!("{handle} has a long password"),
                "agreement": true,
                "locale": "en",
            }))
            .send()
            .await
            .expect("register");
        assert_eq!(res.status(), 200, "register {handle}");
        let v: Value = res.json().await.expect("register json");
        let token = v["access_token"].as_str().expect("access_token").to_owned();
        let me: Value =
            self.get(&token, "/api/v1/accounts/verify_credentials").await.json().await.expect("me");
        Member { id: me["id"].as_str().expect("id").to_owned(), handle: handle.to_owned(), token }
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).bearer_auth(token).send().await.expect("GET")
    }

    pub async fn post_json(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.http.post(self.url(path)).bearer_auth(token).json(&body).send().await.expect("POST")
    }

    pub async fn post_note(&self, token: &str, text: &str) -> Value {
        let res = self.post_json(token, "/api/v1/statuses", json!({ "status": text })).await;
        assert_eq!(res.status(), 200, "post note");
        res.json().await.expect("status json")
    }
}

/// Assert a 4xx with a JSON `error` reason, and return the body.
pub async fn expect_error(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "status; body: {body}");
    let v: Value =
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("error body is JSON: {body}"));
    assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "error body has a reason: {body}");
    v
}
