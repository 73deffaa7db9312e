//! Blocks hide both ways everywhere; mutes hide one way.

use serde_json::{Value, json};

use crate::common::{expect_error, spawn_app};

fn ids(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn blocks_hide_both_ways() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.post_json(&bob.token, &format!("/api/v1/accounts/{}/follow", ann.id), json!({})).await;
    let note = app.post_note(&ann.token, "ann's note").await;
    let nid = note["id"].as_str().unwrap();
    let bobs = app.post_note(&bob.token, "bob's note").await;
    let c = app
        .post_json(
            &bob.token,
            "/api/v1/statuses",
            json!({"status": "bob comments", "in_reply_to_id": nid}),
        )
        .await;
    let cid = c.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();

    let rel: Value = app
        .post_json(&ann.token, &format!("/api/v1/accounts/{}/block", bob.id), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (rel["blocking"].as_bool(), rel["followed_by"].as_bool()),
        (Some(true), Some(false))
    );
    let seen: Value = app
        .get(&bob.token, &format!("/api/v1/accounts/relationships?id[]={}", ann.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen[0]["blocked_by"], true);
    let a: Value =
        app.get(&ann.token, "/api/v1/accounts/verify_credentials").await.json().await.unwrap();
    assert_eq!(a["followers_count"], 0, "bob's follow ended");

    // Neither sees the other's notes or comments, in any feed or by id.
    expect_error(app.get(&bob.token, &format!("/api/v1/statuses/{nid}")).await, 404).await;
    expect_error(
        app.get(&ann.token, &format!("/api/v1/statuses/{}", bobs["id"].as_str().unwrap())).await,
        404,
    )
    .await;
    expect_error(app.get(&ann.token, &format!("/api/v1/statuses/{cid}")).await, 404).await;
    let public: Value = app.get(&bob.token, "/api/v1/timelines/public").await.json().await.unwrap();
    assert_eq!(ids(&public), [bobs["id"].as_str().unwrap()]);
    let home: Value = app.get(&bob.token, "/api/v1/timelines/home").await.json().await.unwrap();
    assert!(!ids(&home).contains(&nid.to_owned()));
    let profile: Value = app
        .get(&bob.token, &format!("/api/v1/accounts/{}/statuses", ann.id))
        .await
        .json()
        .await
        .unwrap();
    assert!(profile.as_array().unwrap().is_empty());
    let ctx: Value =
        app.get(&ann.token, &format!("/api/v1/statuses/{nid}/context")).await.json().await.unwrap();
    assert!(ctx["descendants"].as_array().unwrap().is_empty());
    // Nor can act on it.
    expect_error(
        app.post_json(&bob.token, &format!("/api/v1/statuses/{nid}/favourite"), json!({})).await,
        404,
    )
    .await;
    expect_error(
        app.post_json(&bob.token, &format!("/api/v1/accounts/{}/follow", ann.id), json!({})).await,
        403,
    )
    .await;
    let res = app
        .post_json(
            &bob.token,
            "/api/v1/statuses",
            json!({"status": "again", "in_reply_to_id": nid}),
        )
        .await;
    expect_error(res, 404).await;
    // Earlier notifications from bob are gone from ann's list.
    let notes: Value = app.get(&ann.token, "/api/v1/notifications").await.json().await.unwrap();
    assert!(notes.as_array().unwrap().iter().all(|n| n["account"]["id"] != bob.id.as_str()));
    let blocks: Value = app.get(&ann.token, "/api/v1/blocks").await.json().await.unwrap();
    assert_eq!(blocks[0]["username"], "bob");

    app.post_json(&ann.token, &format!("/api/v1/accounts/{}/unblock", bob.id), json!({})).await;
    assert_eq!(app.get(&bob.token, &format!("/api/v1/statuses/{nid}")).await.status(), 200);
    expect_error(
        app.post_json(&ann.token, &format!("/api/v1/accounts/{}/block", ann.id), json!({})).await,
        403,
    )
    .await;
}

#[tokio::test]
async fn mutes_hide_one_way() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.post_json(&ann.token, &format!("/api/v1/accounts/{}/follow", bob.id), json!({})).await;
    let bobs = app.post_note(&bob.token, "loud").await;
    let rel: Value = app
        .post_json(
            &ann.token,
            &format!("/api/v1/accounts/{}/mute", bob.id),
            json!({"notifications": false}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            rel["muting"].as_bool(),
            rel["muting_notifications"].as_bool(),
            rel["following"].as_bool()
        ),
        (Some(true), Some(false), Some(true))
    );
    let home: Value = app.get(&ann.token, "/api/v1/timelines/home").await.json().await.unwrap();
    assert!(home.as_array().unwrap().is_empty());
    // A muted note is still reachable by id, and bob still sees ann's.
    assert_eq!(
        app.get(&ann.token, &format!("/api/v1/statuses/{}", bobs["id"].as_str().unwrap()))
            .await
            .status(),
        200
    );
    let annes = app.post_note(&ann.token, "hi").await;
    assert_eq!(
        app.get(&bob.token, &format!("/api/v1/statuses/{}", annes["id"].as_str().unwrap()))
            .await
            .status(),
        200
    );
    // Notifications still arrive (notifications=false) until the mute covers them.
    app.post_json(
        &bob.token,
        &format!("/api/v1/statuses/{}/favourite", annes["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    let n: Value = app.get(&ann.token, "/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(n.as_array().unwrap().len(), 1);
    app.post_json(&ann.token, &format!("/api/v1/accounts/{}/mute", bob.id), json!({})).await;
    let n: Value = app.get(&ann.token, "/api/v1/notifications").await.json().await.unwrap();
    assert!(n.as_array().unwrap().is_empty());
    let mutes: Value = app.get(&ann.token, "/api/v1/mutes").await.json().await.unwrap();
    assert_eq!(mutes[0]["username"], "bob");
    expect_error(
        app.post_json(
            &ann.token,
            &format!("/api/v1/accounts/{}/mute", bob.id),
            json!({"duration": 3600}),
        )
        .await,
        422,
    )
    .await;
    app.post_json(&ann.token, &format!("/api/v1/accounts/{}/unmute", bob.id), json!({})).await;
    let home: Value = app.get(&ann.token, "/api/v1/timelines/home").await.json().await.unwrap();
    assert_eq!(home.as_array().unwrap().len(), 2);
}
