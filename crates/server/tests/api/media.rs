//! Uploads through the real intake: real images accepted, hostile ones refused with a reason.

use nb_app::media::sample_photo;
use serde_json::{Value, json};

use crate::common::{TestApp, expect_error, spawn_app};

async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form =
        reqwest::multipart::Form::new().part("file", part).text("description", "两张照片 alt");
    app.http.post(app.url("/api/v2/media")).bearer_auth(token).multipart(form).send().await.unwrap()
}

/// A PNG whose header claims 50000×50000 pixels: a decompression bomb in a few bytes.
fn png_bomb() -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in data {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(50_000u32.to_be_bytes());
    ihdr.extend(50_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    // IHDR, then a tiny IDAT (an empty zlib stream) and IEND, so the header reads as complete.
    for chunk in [ihdr, b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01".to_vec(), b"IEND".to_vec()] {
        png.extend(u32::try_from(chunk.len() - 4).unwrap().to_be_bytes());
        png.extend(&chunk);
        png.extend(crc32(&chunk).to_be_bytes());
    }
    png
}

#[tokio::test]
async fn upload_attach_and_serve() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let mut ids = Vec::new();
    for seed in [1, 2] {
        let res =
            upload(&app, &ann.token, "photo.jpg", sample_photo(seed, 1600, 1200).unwrap()).await;
        assert_eq!(res.status(), 200);
        let m: Value = res.json().await.unwrap();
        assert_eq!(m["type"], "image");
        assert_eq!(m["meta"]["original"]["width"], 1600);
        assert_eq!(m["meta"]["small"]["width"], 480);
        assert_eq!(m["description"], "两张照片 alt");
        assert!(m["blurhash"].as_str().unwrap().len() > 6);
        ids.push(m["id"].as_str().unwrap().to_owned());
    }
    let res = app
        .http
        .post(app.url("/api/v1/statuses"))
        .bearer_auth(&ann.token)
        .form(&[("status", "two photos"), ("media_ids[]", &ids[1]), ("media_ids[]", &ids[0])])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let note: Value = res.json().await.unwrap();
    let attached: Vec<&str> = note["media_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(attached, [ids[1].as_str(), ids[0].as_str()], "in the order given");
    let home: Value = app.get(&ann.token, "/api/v1/timelines/home").await.json().await.unwrap();
    assert_eq!(home[0]["media_attachments"].as_array().unwrap().len(), 2);

    let url = note["media_attachments"][0]["url"].as_str().unwrap();
    let res = app.http.get(url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"\xFF\xD8", "a JPEG");
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no metadata");
    // Delete and redraft: the deleted note answers with its photos, which can be attached again.
    let nid = note["id"].as_str().unwrap();
    let res = app
        .http
        .delete(app.url(&format!("/api/v1/statuses/{nid}")))
        .bearer_auth(&ann.token)
        .send()
        .await
        .unwrap();
    let deleted: Value = res.json().await.unwrap();
    assert_eq!(deleted["media_attachments"].as_array().unwrap().len(), 2);
    let res = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"status": "redraft", "media_ids": [ids[1], ids[0]]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let redraft: Value = res.json().await.unwrap();
    let redraft_url = format!("/api/v1/statuses/{}", redraft["id"].as_str().unwrap());
    // The alt text of a photo as a status shows it, in the note and in a feed page.
    let alt_shown = |status: &Value| {
        let media = status["media_attachments"].as_array().unwrap();
        let photo = media.iter().find(|m| m["id"] == ids[0].as_str()).unwrap();
        photo["description"].as_str().unwrap().to_owned()
    };
    let first_page = |page: Value| page.as_array().unwrap()[0].clone();
    for _ in 0..2 {
        // Twice: the second is served from the status memo.
        let note: Value = app.get(&ann.token, &redraft_url).await.json().await.unwrap();
        assert_eq!(alt_shown(&note), "两张照片 alt");
        let page = app.get(&ann.token, "/api/v1/timelines/home").await.json().await.unwrap();
        assert_eq!(alt_shown(&first_page(page)), "两张照片 alt");
    }
    // Attached media cannot be attached again.
    let res = app
        .post_json(
            &ann.token,
            "/api/v1/statuses",
            json!({"status": "again", "media_ids": [ids[0]]}),
        )
        .await;
    expect_error(res, 422).await;
    // Alt text can be changed; another member's media is not theirs to touch.
    let m: Value = app
        .http
        .put(app.url(&format!("/api/v1/media/{}", ids[0])))
        .bearer_auth(&ann.token)
        .json(&json!({"description": "new alt"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(m["description"], "new alt");
    let note: Value = app.get(&ann.token, &redraft_url).await.json().await.unwrap();
    assert_eq!(alt_shown(&note), "new alt", "a changed alt text is not served stale");
    let page = app.get(&ann.token, "/api/v1/timelines/home").await.json().await.unwrap();
    assert_eq!(alt_shown(&first_page(page)), "new alt");
    let bob = app.member("bob").await;
    expect_error(app.get(&bob.token, &format!("/api/v1/media/{}", ids[0])).await, 404).await;
    let missing = app.http.get(app.url("/media/aa/bb/nothing.jpg")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn hostile_uploads_are_refused_with_reasons() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let v = expect_error(
        upload(&app, &ann.token, "cat.jpg", b"this is not an image at all".to_vec()).await,
        422,
    )
    .await;
    assert!(v["details"]["file"].is_array());
    let v = expect_error(upload(&app, &ann.token, "bomb.png", png_bomb()).await, 422).await;
    assert!(v["error"].as_str().unwrap().contains("50000"), "{v}");
    let huge = vec![0u8; 17 * 1024 * 1024];
    let res = upload(&app, &ann.token, "huge.jpg", huge).await;
    assert_eq!(res.status(), 413);
    let res = app
        .http
        .post(app.url("/api/v2/media"))
        .bearer_auth(&ann.token)
        .multipart(reqwest::multipart::Form::new().text("description", "no file"))
        .send()
        .await
        .unwrap();
    expect_error(res, 422).await;
    let res = app.post_json(&ann.token, "/api/v2/media", json!({"file": "not multipart"})).await;
    expect_error(res, 415).await;
    let reader = app.member_with_scopes("reader", "read").await;
    expect_error(upload(&app, &reader.token, "p.jpg", sample_photo(3, 64, 64).unwrap()).await, 403)
        .await;
    // Nothing was stored for the refused uploads: a note cannot reference them.
    let me: Value =
        app.get(&ann.token, "/api/v1/accounts/verify_credentials").await.json().await.unwrap();
    assert_eq!(me["statuses_count"], 0);
}

#[tokio::test]
async fn too_many_photos() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let ids: Vec<String> = (0..19).map(|i| (1000 + i).to_string()).collect();
    let res = app
        .post_json(&ann.token, "/api/v1/statuses", json!({"status": "19", "media_ids": ids}))
        .await;
    let v = expect_error(res, 422).await;
    assert!(v["error"].as_str().unwrap().contains("18"));
}

#[tokio::test]
async fn a_retried_photo_post_answers_with_the_first() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let res = upload(&app, &ann.token, "p.jpg", sample_photo(5, 320, 240).unwrap()).await;
    let media_id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let post = || {
        app.http
            .post(app.url("/api/v1/statuses"))
            .bearer_auth(&ann.token)
            .header("idempotency-key", "photo-1")
            .json(&json!({"status": "one photo", "media_ids": [media_id]}))
            .send()
    };
    let first: Value = post().await.unwrap().json().await.unwrap();
    let again = post().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
}

async fn delete(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.http.delete(app.url(path)).bearer_auth(token).send().await.unwrap()
}

async fn run_jobs(app: &TestApp) {
    nb_app::jobs::run_due(&app.ctx, 100, None).await.unwrap();
}

#[tokio::test]
async fn deleting_an_upload_frees_its_photo_once_unused() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let photo = sample_photo(21, 800, 600).unwrap();
    let mut uploads = Vec::new();
    for _ in 0..2 {
        let m: Value = upload(&app, &ann.token, "p.jpg", photo.clone()).await.json().await.unwrap();
        uploads.push((m["id"].as_str().unwrap().to_owned(), m["url"].as_str().unwrap().to_owned()));
    }
    let [(carried, url), (spare, _)] = &uploads[..] else { unreachable!() };
    let note: Value = app
        .post_json(&ann.token, "/api/v1/statuses", json!({"status": "one", "media_ids": [carried]}))
        .await
        .json()
        .await
        .unwrap();
    let v = expect_error(delete(&app, &ann.token, &format!("/api/v1/media/{carried}")).await, 422)
        .await;
    assert!(v["error"].as_str().unwrap().contains("attached"), "{v}");
    expect_error(delete(&app, &bob.token, &format!("/api/v1/media/{spare}")).await, 404).await;
    assert_eq!(delete(&app, &ann.token, &format!("/api/v1/media/{spare}")).await.status(), 200);
    expect_error(app.get(&ann.token, &format!("/api/v1/media/{spare}")).await, 404).await;
    run_jobs(&app).await;
    assert_eq!(app.http.get(url).send().await.unwrap().status(), 200, "the note still uses it");

    let nid = note["id"].as_str().unwrap();
    assert_eq!(delete(&app, &ann.token, &format!("/api/v1/statuses/{nid}")).await.status(), 200);
    assert_eq!(delete(&app, &ann.token, &format!("/api/v1/media/{carried}")).await.status(), 200);
    run_jobs(&app).await;
    assert_eq!(app.http.get(url).send().await.unwrap().status(), 404, "nothing uses it now");
}
