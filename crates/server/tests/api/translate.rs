//! `POST /api/v1/statuses/:id/translate`: the default gloss engine, the cache, refusals, the
//! quota and translation turned off.

use nb_app::media::sample_photo;
use nb_app::translate::{Translation, content_hash};
use nb_bridge::{Bridge, TranslateConfig, parse_engine_list};
use serde_json::{Value, json};

use crate::common::{TestApp, expect_error, spawn_app, spawn_translating};

async fn translate(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.post_json(token, &format!("/api/v1/statuses/{id}/translate"), body).await
}

fn translation_with(engines: &str, quota: u32) -> Translation {
    let config = TranslateConfig {
        engines: Some(nb_bridge::config::EngineList(parse_engine_list(engines).unwrap())),
        ..TranslateConfig::default()
    };
    let bridge = Bridge::from_config(&config, std::path::Path::new(""), reqwest::Client::new());
    Translation::new(bridge.unwrap(), quota)
}

#[tokio::test]
async fn chinese_note_gets_a_labelled_gloss_for_an_english_reader() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let part = reqwest::multipart::Part::bytes(sample_photo(3, 64, 48).unwrap())
        .file_name("p.jpg".to_owned());
    let form = reqwest::multipart::Form::new().part("file", part).text("description", "红色的猫");
    let media: Value = app
        .http
        .post(app.url("/api/v2/media"))
        .bearer_auth(&ann.token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"title": "成都火锅", "status": "今天的火锅太辣了！#美食 @bob",
                   "media_ids": [media["id"]]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let note: Value = res.json().await.unwrap();
    let id = note["id"].as_str().unwrap();

    let res = translate(&app, &bob.token, id, json!({})).await;
    assert_eq!(res.status(), 200);
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["detected_source_language"], "zh");
    assert_eq!(t["language"], "en");
    assert_eq!(t["notebridge_kind"], "gloss");
    assert_eq!(t["notebridge_engine"], "gloss");
    assert!(t["provider"].as_str().unwrap().contains("gloss"), "{t}");
    let content = t["content"].as_str().unwrap();
    assert!(content.contains("hotpot"), "{content}");
    assert!(content.contains("Chengdu"), "the title is translated too: {content}");
    // Tags and mentions pass through and stay links, as in the status itself.
    assert!(content.contains("hashtag") && content.contains("美食"), "{content}");
    assert!(content.contains(&format!("{}/@bob", app.base)), "{content}");
    assert!(!content.contains("今天"), "{content}");
    let alt = &t["media_attachments"][0];
    assert_eq!(alt["id"], media["id"]);
    assert!(alt["description"].as_str().unwrap().contains("cat"), "{alt}");

    // The second time comes from the cache: same answer, and the cache holds the gloss.
    let again: Value = translate(&app, &bob.token, id, json!({})).await.json().await.unwrap();
    assert_eq!(again, t);
    let cached = app
        .ctx
        .store
        .cached_translations(&[content_hash("今天的火锅太辣了！#美食 @bob")], "zh-Hans", "en")
        .await
        .unwrap();
    assert_eq!(cached.len(), 1);
    assert_eq!((cached[0].engine.as_str(), cached[0].kind.as_str()), ("gloss", "gloss"));

    // A comment translates the same way; form bodies and an explicit `lang` work too.
    let c = app
        .post_json(&ann.token, "/api/v1/statuses", json!({"status": "谢谢", "in_reply_to_id": id}))
        .await;
    let cid = c.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let res = app
        .http
        .post(app.url(&format!("/api/v1/statuses/{cid}/translate")))
        .bearer_auth(&bob.token)
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let t: Value = res.json().await.unwrap();
    assert!(t["content"].as_str().unwrap().contains("thank"), "{t}");
    assert_eq!(t["media_attachments"], json!([]));

    let instance: Value = app.get(&bob.token, "/api/v2/instance").await.json().await.unwrap();
    assert_eq!(instance["configuration"]["translation"]["enabled"], true);
    let langs: Value =
        app.get(&bob.token, "/api/v1/instance/translation_languages").await.json().await.unwrap();
    assert!(langs["zh"].as_array().unwrap().contains(&json!("en")), "{langs}");
}

#[tokio::test]
async fn english_note_gets_a_chinese_gloss_for_a_chinese_reader() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let mei = app.member("mei").await;
    let note = app.post_note(&ann.token, "I love hotpot! #food https://example.com/a").await;
    let id = note["id"].as_str().unwrap();
    // Mei reads Chinese: her interface language is taken when no `lang` is given.
    let res = app
        .http
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&mei.token)
        .json(&json!({"languages": ["zh-CN", "en"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let t: Value = translate(&app, &mei.token, id, json!({})).await.json().await.unwrap();
    assert_eq!(t["detected_source_language"], "en");
    assert_eq!(t["language"], "zh");
    assert_eq!(t["notebridge_kind"], "gloss");
    let content = t["content"].as_str().unwrap();
    assert!(content.contains("我爱火锅"), "{content}");
    assert!(content.contains("food"), "the tag passes through: {content}");
    assert!(content.contains("https://example.com/a"), "the link passes through: {content}");
    // Traditional Chinese readers get Traditional characters.
    let t: Value =
        translate(&app, &mei.token, id, json!({"lang": "zh-TW"})).await.json().await.unwrap();
    assert!(t["content"].as_str().unwrap().contains("我愛火鍋"), "{t}");
}

#[tokio::test]
async fn refusals_have_reasons() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let zh = app.post_note(&ann.token, "周末去成都吃火锅").await;
    let id = zh["id"].as_str().unwrap();

    let v = expect_error(translate(&app, &bob.token, id, json!({"lang": "zh"})).await, 422).await;
    assert!(v["error"].as_str().unwrap().contains("already in"), "{v}");
    let v = expect_error(translate(&app, &bob.token, id, json!({"lang": "xx"})).await, 422).await;
    assert!(v["error"].as_str().unwrap().contains("unknown language"), "{v}");
    expect_error(translate(&app, &bob.token, "999999", json!({})).await, 404).await;
    expect_error(translate(&app, &bob.token, "not-an-id", json!({})).await, 404).await;
    expect_error(translate(&app, "wrong-token", id, json!({})).await, 401).await;
    let res = app.http.post(app.url(&format!("/api/v1/statuses/{id}/translate"))).send().await;
    expect_error(res.unwrap(), 401).await;
    let writer = app.member_with_scopes("cai", "write").await;
    expect_error(translate(&app, &writer.token, id, json!({})).await, 403).await;
    let res = app
        .http
        .post(app.url(&format!("/api/v1/statuses/{id}/translate")))
        .bearer_auth(&bob.token)
        .header("content-type", "application/json")
        .body("{\"lang\": ")
        .send()
        .await
        .unwrap();
    expect_error(res, 400).await;

    // Someone else's private note is not there for a stranger.
    let private = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"status": "只给关注者", "visibility": "private"}),
        )
        .await;
    let pid = private.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    expect_error(translate(&app, &bob.token, &pid, json!({})).await, 404).await;
    // A note with nothing to read (only digits and emoji) has no language to translate from.
    let bare = app.post_note(&ann.token, "2026 🎉🎉").await;
    let v = expect_error(
        translate(&app, &bob.token, bare["id"].as_str().unwrap(), json!({})).await,
        422,
    )
    .await;
    assert!(v["error"].as_str().unwrap().contains("no text"), "{v}");
}

#[tokio::test]
async fn quota_counts_engine_calls_not_cache_hits() {
    let app = spawn_translating(translation_with("gloss", 2)).await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let mut ids = Vec::new();
    for text in ["火锅", "熊猫", "咖啡"] {
        ids.push(app.post_note(&ann.token, text).await["id"].as_str().unwrap().to_owned());
    }
    for id in &ids[..2] {
        assert_eq!(translate(&app, &bob.token, id, json!({})).await.status(), 200);
    }
    let res = translate(&app, &bob.token, &ids[2], json!({})).await;
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    let v = expect_error(res, 429).await;
    assert!(v["error"].as_str().unwrap().contains("quota"), "{v}");
    // Cached texts are free; another member has a quota of their own.
    assert_eq!(translate(&app, &bob.token, &ids[0], json!({})).await.status(), 200);
    let cai = app.member("cai").await;
    assert_eq!(translate(&app, &cai.token, &ids[2], json!({})).await.status(), 200);
}

#[tokio::test]
async fn translation_turned_off_says_so() {
    let app = spawn_translating(translation_with("none", 0)).await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let note = app.post_note(&ann.token, "今天的火锅太辣了").await;
    let v = expect_error(
        translate(&app, &bob.token, note["id"].as_str().unwrap(), json!({})).await,
        503,
    )
    .await;
    assert!(v["error"].as_str().unwrap().contains("turned off"), "{v}");
    let instance: Value = app.get(&bob.token, "/api/v1/instance").await.json().await.unwrap();
    assert_eq!(instance["configuration"]["translation"]["enabled"], false);
    let langs: Value =
        app.get(&bob.token, "/api/v1/instance/translation_languages").await.json().await.unwrap();
    assert_eq!(langs, json!({}));
    // Everything else still works.
    let got =
        app.get(&bob.token, &format!("/api/v1/statuses/{}", note["id"].as_str().unwrap())).await;
    assert_eq!(got.status(), 200);
}
