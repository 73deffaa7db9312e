//! Likes, collects and boards, and what they change on statuses and in notifications.

use serde_json::{Value, json};

use crate::common::{TestApp, expect_error, spawn_app};

async fn post(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.post_json(token, path, json!({})).await
}

#[tokio::test]
async fn favourite_and_unfavourite() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let n = app.post_note(&ann.token, "like me").await;
    let id = n["id"].as_str().unwrap();
    let v: Value = post(&app, &bob.token, &format!("/api/v1/statuses/{id}/favourite"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((v["favourited"].as_bool(), v["favourites_count"].as_i64()), (Some(true), Some(1)));
    // Twice is once.
    let v: Value = post(&app, &bob.token, &format!("/api/v1/statuses/{id}/favourite"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["favourites_count"], 1);
    // Ann sees the count but not a like of her own.
    let seen: Value =
        app.get(&ann.token, &format!("/api/v1/statuses/{id}")).await.json().await.unwrap();
    assert_eq!(
        (seen["favourited"].as_bool(), seen["favourites_count"].as_i64()),
        (Some(false), Some(1))
    );
    let by: Value = app
        .get(&ann.token, &format!("/api/v1/statuses/{id}/favourited_by"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by[0]["username"], "bob");
    let favs: Value = app.get(&bob.token, "/api/v1/favourites").await.json().await.unwrap();
    assert_eq!(favs[0]["id"], id);
    assert_eq!(favs[0]["favourited"], true);
    let v: Value = post(&app, &bob.token, &format!("/api/v1/statuses/{id}/unfavourite"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((v["favourited"].as_bool(), v["favourites_count"].as_i64()), (Some(false), Some(0)));
    expect_error(post(&app, &bob.token, "/api/v1/statuses/42/favourite").await, 404).await;
}

#[tokio::test]
async fn cannot_like_what_one_cannot_see() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let eve = app.member("eve").await;
    let res = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"status": "private", "visibility": "private"}),
        )
        .await;
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    expect_error(post(&app, &eve.token, &format!("/api/v1/statuses/{id}/favourite")).await, 404)
        .await;
    expect_error(post(&app, &eve.token, &format!("/api/v1/statuses/{id}/bookmark")).await, 404)
        .await;
    let seen: Value =
        app.get(&ann.token, &format!("/api/v1/statuses/{id}")).await.json().await.unwrap();
    assert_eq!(
        (seen["favourites_count"].as_i64(), seen["collects_count"].as_i64()),
        (Some(0), Some(0))
    );
}

#[tokio::test]
async fn bookmarks_collect_into_boards() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let a = app.post_note(&ann.token, "first").await["id"].as_str().unwrap().to_owned();
    let b = app.post_note(&ann.token, "second").await["id"].as_str().unwrap().to_owned();
    let v: Value = post(&app, &bob.token, &format!("/api/v1/statuses/{a}/bookmark"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((v["bookmarked"].as_bool(), v["collects_count"].as_i64()), (Some(true), Some(1)));
    let board: Value = app
        .post_json(
            &bob.token,
            "/api/v1/boards",
            json!({"name": "吃的 food", "visibility": "public"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let board_id = board["id"].as_str().unwrap();
    let v: Value = app
        .post_json(
            &bob.token,
            &format!("/api/v1/statuses/{b}/bookmark"),
            json!({"board_id": board_id}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["bookmarked"], true);
    let boards: Value = app.get(&bob.token, "/api/v1/boards").await.json().await.unwrap();
    let counts: Vec<(bool, i64)> = boards
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["default"].as_bool().unwrap(), b["notes_count"].as_i64().unwrap()))
        .collect();
    assert_eq!(counts, [(true, 1), (false, 1)]);
    // Others see only public boards.
    let seen: Value = app
        .get(&ann.token, &format!("/api/v1/accounts/{}/boards", bob.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen.as_array().unwrap().len(), 1);
    assert_eq!(seen[0]["name"], "吃的 food");
    // Someone else's board cannot be used.
    let res = app
        .post_json(
            &ann.token,
            &format!("/api/v1/statuses/{a}/bookmark"),
            json!({"board_id": board_id}),
        )
        .await;
    expect_error(res, 404).await;
    let bookmarks: Value = app.get(&bob.token, "/api/v1/bookmarks").await.json().await.unwrap();
    assert_eq!(bookmarks.as_array().unwrap().len(), 2);
    let v: Value = post(&app, &bob.token, &format!("/api/v1/statuses/{a}/unbookmark"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((v["bookmarked"].as_bool(), v["collects_count"].as_i64()), (Some(false), Some(0)));
    expect_error(app.post_json(&bob.token, "/api/v1/boards", json!({"name": ""})).await, 422).await;
}

#[tokio::test]
async fn favourites_page_by_like_order() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            app.post_note(&ann.token, &format!("n{i}")).await["id"].as_str().unwrap().to_owned(),
        );
    }
    // Liked in a different order than posted.
    for id in [&ids[1], &ids[0], &ids[2]] {
        post(&app, &bob.token, &format!("/api/v1/statuses/{id}/favourite")).await;
    }
    let res = app.get(&bob.token, "/api/v1/favourites?limit=2").await;
    let link = res.headers()["link"].to_str().unwrap().to_owned();
    let first: Value = res.json().await.unwrap();
    assert_eq!(
        [first[0]["id"].as_str().unwrap(), first[1]["id"].as_str().unwrap()],
        [ids[2].as_str(), ids[0].as_str()]
    );
    let next = link.split('<').nth(1).unwrap().split('>').next().unwrap();
    let second: Value =
        app.http.get(next).bearer_auth(&bob.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(second[0]["id"], ids[1].as_str());
}
