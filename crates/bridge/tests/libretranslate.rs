//! The `libretranslate` engine against an in-process `/translate` server.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::serve;
use nb_bridge::config::{LibreTranslateConfig, Secret};
use nb_bridge::engines::gloss::GlossEngine;
use nb_bridge::engines::libretranslate::LibreTranslateEngine;
use nb_bridge::{Bridge, Kind, TranslateError, Translator};
use nb_text::Lang;
use serde_json::{Value, json};
use tokio::sync::Notify;

fn config(base_url: &str) -> LibreTranslateConfig {
    LibreTranslateConfig {
        base_url: base_url.to_owned(),
        api_key: Some(Secret::new("lt-key")),
        zh_hans_code: "zh".into(),
        zh_hant_code: "zt".into(),
        timeout_ms: None,
    }
}

/// Answers like LibreTranslate: an array of "translations" for an array `q`.
fn upper(body: &Value) -> (u16, String) {
    let q = body["q"].as_array().cloned().unwrap_or_default();
    let out: Vec<String> = q.iter().map(|s| format!("T({})", s.as_str().unwrap_or(""))).collect();
    (200, json!({ "translatedText": out }).to_string())
}

#[tokio::test]
async fn a_batch_is_one_request_with_q_as_an_array() {
    let server = serve("/translate", Arc::new(upper), None).await;
    let e = Arc::new(LibreTranslateEngine::new(reqwest::Client::new(), &config(&server.base_url)));
    let bridge = Bridge::builder().engine(e, Duration::from_secs(5)).build();
    let notes = ["今天的hotpot太辣了lol".to_string(), "#成都美食 好吃！😋".to_string()];
    let out = bridge.translate_each(&notes, Lang::ZhHans, Lang::En).await;
    let texts: Vec<&str> = out.iter().map(|o| o.as_ref().map_or("", |t| t.text.as_str())).collect();
    assert_eq!(texts, ["T(今天的) hotpot T(太辣了) lol", "T(#成都美食 好吃！😋)"]);
    assert!(out.iter().all(|o| o.as_ref().is_ok_and(|t| t.kind == Kind::Translation)));

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].body,
        json!({ "q": ["今天的", "太辣了", "⟦0⟧ 好吃！⟦1⟧"], "source": "zh", "target": "en",
                "format": "text", "api_key": "lt-key" })
    );
}

#[tokio::test]
async fn language_codes_follow_the_configuration() {
    let server = serve("/translate", Arc::new(upper), None).await;
    let mut c = config(&server.base_url);
    c.zh_hans_code = "zh-Hans".into();
    c.api_key = None;
    let e = LibreTranslateEngine::new(reqwest::Client::new(), &c);
    let r = e.translate(&["hello".to_string()], Lang::En, Lang::ZhHans).await.expect("ok");
    assert_eq!(r[0].as_ref().map(|t| t.text.as_str()), Ok("T(hello)"));
    let body = &server.requests()[0].body;
    assert_eq!((body["source"].as_str(), body["target"].as_str()), (Some("en"), Some("zh-Hans")));
    assert!(body.get("api_key").is_none());
    assert_eq!(e.code(Lang::ZhHant), Some("zt"));
}

#[tokio::test]
async fn failing_and_malformed_replies_are_call_errors() {
    let cases: Vec<(u16, &'static str, &'static str)> = vec![
        (500, r#"{"error":"Cannot translate text"}"#, "unavailable"),
        (400, r#"{"error":"zh-Hans is not supported"}"#, "unavailable"),
        (200, "<html>proxy error</html>", "malformed"),
        (200, r#"{"detectedLanguage":{}}"#, "malformed"),
        (200, r#"{"translatedText":["only one"]}"#, "malformed"),
        (200, r#"{"translatedText":42}"#, "malformed"),
    ];
    for (status, body, kind) in cases {
        let server =
            serve("/translate", Arc::new(move |_: &Value| (status, body.to_string())), None).await;
        let e = LibreTranslateEngine::new(reqwest::Client::new(), &config(&server.base_url));
        let texts = ["你好".to_string(), "再见".to_string()];
        let err = e.translate(&texts, Lang::ZhHans, Lang::En).await.expect_err(body);
        assert_eq!(err.kind(), kind, "{status} {body}: {err}");
        assert!(!format!("{err} {e:?}").contains("lt-key"));
    }
}

#[tokio::test]
async fn a_slow_server_times_out_and_falls_back_to_the_gloss() {
    let hold = Arc::new(Notify::new());
    let server = serve("/translate", Arc::new(upper), Some(Arc::clone(&hold))).await;
    let e = Arc::new(LibreTranslateEngine::new(reqwest::Client::new(), &config(&server.base_url)));
    let bridge = Bridge::builder()
        .engine(e, Duration::from_millis(300))
        .engine(Arc::new(GlossEngine), Duration::from_secs(5))
        .build();
    let out = bridge.translate_each(&["火锅很好吃".to_string()], Lang::ZhHans, Lang::En).await;
    let t = out[0].as_ref().expect("gloss");
    assert_eq!(
        (t.engine.as_str(), t.kind, t.text.as_str()),
        ("gloss", Kind::Gloss, "hotpot very tasty")
    );
    hold.notify_waiters();

    let only = LibreTranslateEngine::new(reqwest::Client::new(), &config(&server.base_url));
    let bridge = Bridge::builder().engine(Arc::new(only), Duration::from_millis(200)).build();
    let out = bridge.translate_each(&["你好".to_string()], Lang::ZhHans, Lang::En).await;
    assert!(matches!(&out[0], Err(TranslateError::Timeout { .. })), "{out:?}");
    hold.notify_waiters();
}
