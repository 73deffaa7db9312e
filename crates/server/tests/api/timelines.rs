//! Home, public and tag timelines with cursor pagination.

use serde_json::{Value, json};

use crate::common::spawn_app;

fn ids(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn home_follows_the_graph_and_pages_with_links() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cai = app.member("cai").await;
    app.post_note(&bob.token, "bob 0").await;
    app.post_json(&ann.token, &format!("/api/v1/accounts/{}/follow", bob.id), json!({})).await;
    let mut posted = Vec::new();
    for i in 1..=5 {
        posted.push(
            app.post_note(&bob.token, &format!("bob {i}")).await["id"].as_str().unwrap().to_owned(),
        );
    }
    app.post_note(&cai.token, "cai is not followed").await;
    let res = app.get(&ann.token, "/api/v1/timelines/home?limit=2").await;
    let link = res.headers()["link"].to_str().unwrap().to_owned();
    let first: Value = res.json().await.unwrap();
    assert_eq!(ids(&first), [posted[4].clone(), posted[3].clone()]);
    assert!(link.contains(&format!("max_id={}>; rel=\"next\"", posted[3])), "{link}");
    assert!(link.contains(&format!("min_id={}>; rel=\"prev\"", posted[4])), "{link}");
    let next_url = link.split('<').nth(1).unwrap().split('>').next().unwrap();
    assert!(next_url.contains("limit=2"));
    let second: Value =
        app.http.get(next_url).bearer_auth(&ann.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(ids(&second), [posted[2].clone(), posted[1].clone()]);
    let all: Value =
        app.get(&ann.token, "/api/v1/timelines/home?limit=40").await.json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 6, "bob's six notes, none of cai's");
    let newer: Value = app
        .get(&ann.token, &format!("/api/v1/timelines/home?min_id={}&limit=2", posted[1]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&newer), [posted[3].clone(), posted[2].clone()]);
    let empty =
        app.get(&ann.token, &format!("/api/v1/timelines/home?since_id={}", posted[4])).await;
    assert!(empty.headers().get("link").is_none());
    assert_eq!(empty.json::<Value>().await.unwrap(), json!([]));
}

#[tokio::test]
async fn public_and_tag_timelines() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    app.post_note(&ann.token, "吃了 #火锅").await;
    app.post_json(
        &ann.token,
        "/api/v1/statuses",
        json!({"status": "hidden #火锅", "visibility": "unlisted"}),
    )
    .await;
    app.post_json(
        &ann.token,
        "/api/v1/statuses",
        json!({"status": "private #火锅", "visibility": "private"}),
    )
    .await;
    let public: Value = app
        .http
        .get(app.url("/api/v1/timelines/public"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public.as_array().unwrap().len(), 1);
    let tag: Value = app
        .http
        .get(app.url("/api/v1/timelines/tag/%E7%81%AB%E9%94%85"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tag.as_array().unwrap().len(), 1);
    assert!(tag[0]["content"].as_str().unwrap().contains("吃了"));
}

#[tokio::test]
async fn home_needs_a_user() {
    let app = spawn_app().await;
    let res = app.http.get(app.url("/api/v1/timelines/home")).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn explore_ranks_engaged_notes_and_pages_by_cursor() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let mut posted = Vec::new();
    for i in 0..5 {
        posted.push(
            app.post_note(&ann.token, &format!("note {i}")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    app.post_json(
        &ann.token,
        "/api/v1/statuses",
        json!({"status": "private", "visibility": "private"}),
    )
    .await;
    // The oldest note gets engagement and rises to the top.
    app.post_json(&bob.token, &format!("/api/v1/statuses/{}/favourite", posted[0]), json!({}))
        .await;
    app.post_json(&bob.token, &format!("/api/v1/statuses/{}/bookmark", posted[0]), json!({})).await;
    let res = app.http.get(app.url("/api/v1/timelines/explore?limit=3")).send().await.unwrap();
    let link = res.headers()["link"].to_str().unwrap().to_owned();
    let first: Value = res.json().await.unwrap();
    assert_eq!(ids(&first), [posted[0].clone(), posted[4].clone(), posted[3].clone()]);
    let next = link.split('<').nth(1).unwrap().split('>').next().unwrap();
    let second: Value = app.http.get(next).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        ids(&second),
        [posted[2].clone(), posted[1].clone()],
        "public notes only, none twice"
    );
    let res =
        app.http.get(app.url("/api/v1/timelines/explore?cursor=garbage")).send().await.unwrap();
    assert_eq!(res.status(), 400);
}

/// The `next` URL of a response's `Link` header.
fn next_link(res: &reqwest::Response) -> Option<String> {
    let link = res.headers().get("link")?.to_str().ok()?;
    Some(link.split('<').nth(1)?.split('>').next()?.to_owned())
}

/// Explore is ranked for each member, pages from the snapshot its first page made, and leaves
/// out whom the member blocked and what was deleted.
#[tokio::test]
async fn explore_is_personal_and_pages_from_a_snapshot() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let cy = app.member("cai").await;
    let dee = app.member("dee").await;
    let posted = |v: Value| v["id"].as_str().unwrap().to_owned();
    let anyone = async |path: &str| -> Value {
        app.http.get(app.url(path)).send().await.unwrap().json().await.unwrap()
    };
    let mut cys = Vec::new();
    for i in 0..3 {
        cys.push(posted(app.post_note(&cy.token, &format!("cai {i}")).await));
    }
    let mut anns = Vec::new();
    for i in 0..3 {
        anns.push(posted(app.post_note(&ann.token, &format!("ann {i}")).await));
    }
    // Newest first, but no author more than twice in a row of ten while others are left.
    let everyone = anyone("/api/v1/timelines/explore").await;
    let (a, c) = (&anns, &cys);
    assert_eq!(
        ids(&everyone),
        [a[2].as_str(), a[1].as_str(), c[2].as_str(), c[1].as_str(), a[0].as_str(), c[0].as_str()]
    );
    let why = |v: &Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|s| s["explore_reason"].as_str().unwrap().into()).collect()
    };
    assert_eq!(why(&everyone), ["fresh"; 6], "each status says why it is shown");
    // Dee follows cy, right after a look at Explore: cy's notes come first for dee at once,
    // newest first, and never dee's own.
    let before: Value =
        app.get(&dee.token, "/api/v1/timelines/explore").await.json().await.unwrap();
    assert_eq!(ids(&before), ids(&everyone));
    app.post_json(&dee.token, &format!("/api/v1/accounts/{}/follow", cy.id), json!({})).await;
    app.post_note(&dee.token, "dee's own").await;
    let res = app.get(&dee.token, "/api/v1/timelines/explore?limit=4").await;
    let next = next_link(&res).expect("a next page");
    let body: Value = res.json().await.unwrap();
    assert_eq!(ids(&body), [c[2].as_str(), c[1].as_str(), a[2].as_str(), a[1].as_str()]);
    assert_eq!(why(&body), ["following", "following", "fresh", "fresh"]);
    // A like would lift ann's oldest note, but the next page comes from the snapshot.
    app.post_json(&ann.token, &format!("/api/v1/statuses/{}/favourite", anns[0]), json!({})).await;
    let res = app.get(&dee.token, next.trim_start_matches(&app.url(""))).await;
    assert!(next_link(&res).is_none(), "the end of dee's Explore");
    assert_eq!(ids(&res.json().await.unwrap()), [c[0].as_str(), a[0].as_str()]);
    // Someone else's cursor does not show them dee's ranking.
    let theirs: Value =
        app.get(&ann.token, next.trim_start_matches(&app.url(""))).await.json().await.unwrap();
    assert!(ids(&theirs).iter().all(|id| !anns.contains(id)), "not ann's own notes");
    // A fresh page sees the like at once, the block and the deletion too.
    let fresh = anyone("/api/v1/timelines/explore").await;
    assert_eq!(ids(&fresh)[0], anns[0], "the liked note leads");
    app.post_json(&dee.token, &format!("/api/v1/accounts/{}/block", ann.id), json!({})).await;
    let res = app
        .http
        .delete(app.url(&format!("/api/v1/statuses/{}", cys[2])))
        .bearer_auth(&cy.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let after: Value = app.get(&dee.token, "/api/v1/timelines/explore").await.json().await.unwrap();
    assert_eq!(ids(&after), [c[1].as_str(), c[0].as_str()]);
}

/// Feeds reuse each note's serialised status while nothing in it changed: a like, a collect, a
/// renamed author or a mention must still show at once, and each viewer sees only their own marks.
#[tokio::test]
async fn feed_statuses_follow_every_change() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cid = app.member("cid").await;
    let id = app.post_note(&ann.token, "dumplings at noon #food").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = |token: String| {
        let app = &app;
        async move {
            let page: Value =
                app.get(&token, "/api/v1/timelines/public").await.json().await.unwrap();
            page[0].clone()
        }
    };
    let marks = |v: &Value| {
        (v["favourites_count"].as_i64(), v["favourited"].as_bool(), v["bookmarked"].as_bool())
    };
    assert_eq!(marks(&first(bob.token.clone()).await), (Some(0), Some(false), Some(false)));

    app.post_json(&bob.token, &format!("/api/v1/statuses/{id}/favourite"), json!({})).await;
    app.post_json(&cid.token, &format!("/api/v1/statuses/{id}/bookmark"), json!({})).await;
    assert_eq!(marks(&first(bob.token.clone()).await), (Some(1), Some(true), Some(false)));
    assert_eq!(marks(&first(cid.token.clone()).await), (Some(1), Some(false), Some(true)));
    let shown = first(ann.token.clone()).await;
    assert_eq!(marks(&shown), (Some(1), Some(false), Some(false)));
    assert_eq!(shown["collects_count"], 1);
    // The single-status endpoint shares the memo.
    let one: Value =
        app.get(&cid.token, &format!("/api/v1/statuses/{id}")).await.json().await.unwrap();
    assert_eq!(marks(&one), (Some(1), Some(false), Some(true)));

    let renamed = app
        .http
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&ann.token)
        .json(&json!({"display_name": "Ann of the dumplings"}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    let shown = first(bob.token.clone()).await;
    assert_eq!(shown["account"]["display_name"], "Ann of the dumplings");
    assert_eq!(marks(&shown), (Some(1), Some(true), Some(false)));

    // A mention links only once the named account exists, so such notes are never reused stale.
    let mention = app.post_note(&ann.token, "see you there @dan").await;
    assert!(!mention["content"].as_str().unwrap().contains("href"), "{mention}");
    app.member("dan").await;
    let shown = first(bob.token.clone()).await;
    assert!(shown["content"].as_str().unwrap().contains("/@dan"), "{shown}");
}
