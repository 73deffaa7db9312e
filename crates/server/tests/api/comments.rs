//! Comments as statuses: two levels, context, likes, deletion and notifications.

use serde_json::{Value, json};

use crate::common::{TestApp, expect_error, spawn_app};

async fn reply(app: &TestApp, token: &str, to: &str, text: &str) -> Value {
    let res = app
        .post_json(token, "/api/v1/statuses", json!({"status": text, "in_reply_to_id": to}))
        .await;
    assert_eq!(res.status(), 200, "reply to {to}");
    res.json().await.unwrap()
}

fn ids(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn two_levels_and_context() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cai = app.member("cai").await;
    let note = app.post_note(&ann.token, "火锅 hotpot").await;
    let nid = note["id"].as_str().unwrap();
    let c1 = reply(&app, &bob.token, nid, "看起来很好吃").await;
    let c1id = c1["id"].as_str().unwrap();
    assert_eq!(c1["in_reply_to_id"], nid);
    assert_eq!(c1["in_reply_to_account_id"], ann.id.as_str());
    assert_eq!(c1["language"], "zh");
    let r1 = reply(&app, &ann.token, c1id, "谢谢！").await;
    // A reply to a reply attaches to the top-level comment, naming whom it answers.
    let r2 = reply(&app, &cai.token, r1["id"].as_str().unwrap(), "me too @bob").await;
    assert_eq!(r2["in_reply_to_id"], c1id);
    assert_eq!(r2["in_reply_to_account_id"], ann.id.as_str());
    let c2 = reply(&app, &cai.token, nid, "second comment").await;

    let ctx: Value =
        app.get(&bob.token, &format!("/api/v1/statuses/{nid}/context")).await.json().await.unwrap();
    assert!(ctx["ancestors"].as_array().unwrap().is_empty());
    assert_eq!(
        ids(&ctx["descendants"]),
        [c1id, r1["id"].as_str().unwrap(), r2["id"].as_str().unwrap(), c2["id"].as_str().unwrap()]
    );
    let ctx: Value = app
        .get(&bob.token, &format!("/api/v1/statuses/{c1id}/context"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&ctx["ancestors"]), [nid]);
    assert_eq!(ctx["descendants"].as_array().unwrap().len(), 2);

    let n: Value =
        app.get(&ann.token, &format!("/api/v1/statuses/{nid}")).await.json().await.unwrap();
    assert_eq!(n["replies_count"], 4);
    let c: Value =
        app.get(&ann.token, &format!("/api/v1/statuses/{c1id}")).await.json().await.unwrap();
    assert_eq!(c["replies_count"], 2);
    // Comments never appear in timelines.
    let public: Value = app
        .http
        .get(app.url("/api/v1/timelines/public"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&public), [nid]);
}

#[tokio::test]
async fn comment_notifications_reach_standard_clients_as_mentions() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cai = app.member("cai").await;
    let nid = app.post_note(&ann.token, "hello").await["id"].as_str().unwrap().to_owned();
    let c = reply(&app, &bob.token, &nid, "hi ann, cc @cai").await;
    // The comment names the account it mentions, as Mastodon's `mentions`, and links it.
    assert_eq!(c["mentions"][0]["id"], cai.id.as_str());
    assert_eq!(c["mentions"][0]["acct"], "cai");
    assert!(c["content"].as_str().unwrap().contains(&format!("href=\"{}/@cai\"", app.base)));
    reply(&app, &ann.token, c["id"].as_str().unwrap(), "hi bob").await;
    let for_ann: Value = app.get(&ann.token, "/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(for_ann[0]["type"], "mention");
    assert_eq!(for_ann[0]["notebridge_type"], "comment");
    assert_eq!(for_ann[0]["status"]["id"], c["id"]);
    let for_bob: Value =
        app.get(&bob.token, "/api/v1/notifications?types[]=mention").await.json().await.unwrap();
    assert_eq!(for_bob[0]["notebridge_type"], "reply");
    let for_cai: Value = app.get(&cai.token, "/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(for_cai[0]["notebridge_type"], "mention");
    // A note's @mention notifies too.
    let note = app.post_note(&bob.token, "thanks @Ann and @nobody").await;
    let for_ann: Value = app.get(&ann.token, "/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(for_ann[0]["notebridge_type"], "mention");
    // Only existing accounts are mentions; an unknown handle stays plain text.
    for status in [&note, &for_ann[0]["status"]] {
        let mentions = status["mentions"].as_array().unwrap();
        assert_eq!(mentions.len(), 1, "{status}");
        assert_eq!(mentions[0]["id"], ann.id.as_str());
        assert_eq!(mentions[0]["url"], format!("{}/@ann", app.base));
        let html = status["content"].as_str().unwrap();
        assert!(html.contains("class=\"u-url mention\"") && html.contains("@nobody"), "{html}");
        assert_eq!(html.matches("u-url mention").count(), 1, "{html}");
    }
}

#[tokio::test]
async fn like_and_delete_comments() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let eve = app.member("eve").await;
    let nid = app.post_note(&ann.token, "note").await["id"].as_str().unwrap().to_owned();
    let c = reply(&app, &bob.token, &nid, "comment").await;
    let cid = c["id"].as_str().unwrap();
    let liked: Value = app
        .post_json(&ann.token, &format!("/api/v1/statuses/{cid}/favourite"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (liked["favourited"].as_bool(), liked["favourites_count"].as_i64()),
        (Some(true), Some(1))
    );
    let for_bob: Value =
        app.get(&bob.token, "/api/v1/notifications?types[]=favourite").await.json().await.unwrap();
    assert_eq!(for_bob[0]["status"]["id"], cid);
    // Eve may delete neither; the note's author may.
    let res = app
        .http
        .delete(app.url(&format!("/api/v1/statuses/{cid}")))
        .bearer_auth(&eve.token)
        .send()
        .await
        .unwrap();
    expect_error(res, 403).await;
    let res = app
        .http
        .delete(app.url(&format!("/api/v1/statuses/{cid}")))
        .bearer_auth(&ann.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["text"], "comment");
    expect_error(app.get(&bob.token, &format!("/api/v1/statuses/{cid}")).await, 404).await;
    let n: Value =
        app.get(&ann.token, &format!("/api/v1/statuses/{nid}")).await.json().await.unwrap();
    assert_eq!(n["replies_count"], 0);
}

#[tokio::test]
async fn comments_follow_their_note_visibility() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let eve = app.member("eve").await;
    app.post_json(&bob.token, &format!("/api/v1/accounts/{}/follow", ann.id), json!({})).await;
    let res = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"status": "friends only", "visibility": "private"}),
        )
        .await;
    let nid = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let c = reply(&app, &bob.token, &nid, "seen").await;
    let cid = c["id"].as_str().unwrap();
    expect_error(app.get(&eve.token, &format!("/api/v1/statuses/{cid}")).await, 404).await;
    let res = app
        .post_json(
            &eve.token,
            "/api/v1/statuses",
            json!({"status": "sneaky", "in_reply_to_id": nid}),
        )
        .await;
    expect_error(res, 404).await;
    let res = app
        .post_json(&bob.token, "/api/v1/statuses", json!({"status": "  ", "in_reply_to_id": nid}))
        .await;
    expect_error(res, 422).await;
    let res = app
        .post_json(&bob.token, "/api/v1/statuses", json!({"status": "x", "in_reply_to_id": "123"}))
        .await;
    expect_error(res, 404).await;
}
