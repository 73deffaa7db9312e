//! In-process HTTP servers that speak the engines' protocols, for tests. Each binds
//! 127.0.0.1:0, records every request (headers of interest and JSON body) and answers with
//! what the test's `reply` function says. A `hold` Notify makes the server wait before
//! answering, for timeout tests, without sleeping.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use tokio::sync::Notify;

pub type ReplyFn = Arc<dyn Fn(&Value) -> (u16, String) + Send + Sync>;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub authorization: Option<String>,
    pub body: Value,
}

#[derive(Clone)]
struct Mock {
    reply: ReplyFn,
    seen: Arc<Mutex<Vec<Recorded>>>,
    hold: Option<Arc<Notify>>,
}

pub struct Server {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    pub fn requests(&self) -> Vec<Recorded> {
        self.seen.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

async fn handle(State(m): State<Mock>, headers: HeaderMap, body: String) -> (StatusCode, String) {
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let authorization =
        headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Ok(mut seen) = m.seen.lock() {
        seen.push(Recorded { authorization, body: body.clone() });
    }
    if let Some(hold) = &m.hold {
        hold.notified().await;
    }
    let (status, text) = (m.reply)(&body);
    (StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), text)
}

/// Serve `path` with `reply`; with `hold`, every request waits for a notification first.
pub async fn serve(path: &str, reply: ReplyFn, hold: Option<Arc<Notify>>) -> Server {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mock = Mock { reply, seen: Arc::clone(&seen), hold };
    let app = Router::new().route(path, post(handle)).with_state(mock);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Server { base_url: format!("http://{addr}"), seen }
}

/// A chat-completions reply carrying `content`.
pub fn chat_reply(content: &str) -> String {
    serde_json::json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1,
        "model": "test-model",
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content },
            "finish_reason": "stop"
        }],
        "usage": { "prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2 }
    })
    .to_string()
}

/// The system and user messages of a recorded chat-completions request.
pub fn messages(body: &Value) -> (String, String) {
    let m = &body["messages"];
    let get = |i: usize| m[i]["content"].as_str().unwrap_or_default().to_owned();
    assert_eq!(m[0]["role"], "system");
    assert_eq!(m[1]["role"], "user");
    (get(0), get(1))
}

/// The note text inside the markers of a user message.
pub fn inner(user: &str) -> String {
    let mut lines: Vec<&str> = user.lines().collect();
    if lines.len() >= 2 {
        lines.remove(0);
        lines.pop();
    }
    lines.join("\n")
}
