//! Notifications for follows, likes and collects; markers.

use serde_json::{Value, json};

use crate::common::{expect_error, spawn_app};

#[tokio::test]
async fn follow_like_collect_notify_the_author() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let id = app.post_note(&ann.token, "hello").await["id"].as_str().unwrap().to_owned();
    app.post_json(&bob.token, &format!("/api/v1/accounts/{}/follow", ann.id), json!({})).await;
    app.post_json(&bob.token, &format!("/api/v1/statuses/{id}/favourite"), json!({})).await;
    app.post_json(&bob.token, &format!("/api/v1/statuses/{id}/bookmark"), json!({})).await;
    app.post_json(&ann.token, &format!("/api/v1/statuses/{id}/favourite"), json!({})).await;
    let list: Value = app.get(&ann.token, "/api/v1/notifications").await.json().await.unwrap();
    let kinds: Vec<&str> =
        list.as_array().unwrap().iter().map(|n| n["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["collect", "favourite", "follow"], "none for ann's own like");
    assert_eq!(list[1]["account"]["username"], "bob");
    assert_eq!(list[1]["status"]["id"], id.as_str());
    assert_eq!(list[1]["status"]["favourited"], true, "ann liked it too");
    assert!(list[2]["status"].is_null());
    let only: Value =
        app.get(&ann.token, "/api/v1/notifications?types[]=follow").await.json().await.unwrap();
    assert_eq!(only.as_array().unwrap().len(), 1);
    let but: Value = app
        .get(&ann.token, "/api/v1/notifications?exclude_types[]=follow")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(but.as_array().unwrap().len(), 2);
    assert!(
        app.get(&bob.token, "/api/v1/notifications")
            .await
            .json::<Value>()
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .is_empty()
    );

    let nid = list[0]["id"].as_str().unwrap();
    let one: Value =
        app.get(&ann.token, &format!("/api/v1/notifications/{nid}")).await.json().await.unwrap();
    assert_eq!(one["type"], "collect");
    expect_error(app.get(&bob.token, &format!("/api/v1/notifications/{nid}")).await, 404).await;
    expect_error(
        app.post_json(&bob.token, &format!("/api/v1/notifications/{nid}/dismiss"), json!({})).await,
        404,
    )
    .await;
    assert_eq!(
        app.post_json(&ann.token, &format!("/api/v1/notifications/{nid}/dismiss"), json!({}))
            .await
            .status(),
        200
    );
    let list: Value = app.get(&ann.token, "/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        app.post_json(&ann.token, "/api/v1/notifications/clear", json!({})).await.status(),
        200
    );
    let list: Value = app.get(&ann.token, "/api/v1/notifications").await.json().await.unwrap();
    assert!(list.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn deleted_notes_leave_no_dangling_notifications() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let id = app.post_note(&ann.token, "short-lived").await["id"].as_str().unwrap().to_owned();
    app.post_json(&bob.token, &format!("/api/v1/statuses/{id}/favourite"), json!({})).await;
    app.http
        .delete(app.url(&format!("/api/v1/statuses/{id}")))
        .bearer_auth(&ann.token)
        .send()
        .await
        .unwrap();
    let list: Value = app.get(&ann.token, "/api/v1/notifications").await.json().await.unwrap();
    assert!(list.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn markers_round_trip() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let empty: Value =
        app.get(&ann.token, "/api/v1/markers?timeline[]=home").await.json().await.unwrap();
    assert_eq!(empty, json!({}));
    let res = app
        .http
        .post(app.url("/api/v1/markers"))
        .bearer_auth(&ann.token)
        .form(&[("notifications[last_read_id]", "123")])
        .send()
        .await
        .unwrap();
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["notifications"]["last_read_id"], "123");
    let v: Value = app
        .post_json(&ann.token, "/api/v1/markers", json!({"home": {"last_read_id": "77"}}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["home"]["last_read_id"], "77");
    let both: Value = app.get(&ann.token, "/api/v1/markers").await.json().await.unwrap();
    assert_eq!(both["notifications"]["version"], 0);
    let res =
        app.post_json(&ann.token, "/api/v1/markers", json!({"home": {"last_read_id": "x"}})).await;
    expect_error(res, 422).await;
}
