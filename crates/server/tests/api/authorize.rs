//! The authorization-code flow with PKCE, through the login and consent page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::{TestApp, spawn_app};

const CB: &str = "https://client.example/cb";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn app_for_code_flow(app: &TestApp) -> (String, String) {
    let v: Value = app
        .http
        .post(app.url("/api/v1/apps"))
        .form(&[
            ("client_name", "Elk <test>"),
            ("redirect_uris", &format!("{CB}\nurn:ietf:wg:oauth:2.0:oob")),
            ("scopes", "read write follow"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (v["client_id"].as_str().unwrap().to_owned(), v["client_secret"].as_str().unwrap().to_owned())
}

/// The consent page for these parameters: (csrf value, cookie, html).
async fn consent_page(
    http: &reqwest::Client,
    app: &TestApp,
    query: &[(&str, &str)],
) -> (String, String, String) {
    let res = http.get(app.url("/oauth/authorize")).query(query).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let cookie =
        res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let html = res.text().await.unwrap();
    let csrf =
        html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    (csrf, cookie, html)
}

fn query<'a>(client_id: &'a str, redirect: &'a str, challenge: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect),
        ("scope", "read write"),
        ("state", "s t&ate"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]
}

#[tokio::test]
async fn code_flow_with_pkce() {
    let app = spawn_app().await;
    app.member("ann").await;
    let (id, secret) = app_for_code_flow(&app).await;
    let verifier = "a-very-long-random-verifier-string-0123456789-abcdefghij";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let http = no_redirects();
    let q = query(&id, CB, &challenge);
    let (csrf, cookie, html) = consent_page(&http, &app, &q).await;
    assert!(
        html.contains("Elk &#60;test&#62;") && !html.contains("<test>"),
        "the app name, escaped"
    );
    assert!(html.contains("post, like, collect"), "scopes in words");

    let mut form: Vec<(&str, &str)> = q.clone();
    form.extend([
        ("csrf", csrf.as_str()),
        ("login", "ann@example.com"),
        ("password", "wrong password"),
        ("decision", "allow"),
    ]);
    let res = http
        .post(app.url("/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap().contains("username or password is wrong"));
    // Without the cookie the form is refused (CSRF).
    let res = http.post(app.url("/oauth/authorize")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 403);

    form.retain(|(k, _)| *k != "password");
    form.push(("password", "ann has a long password"));
    let res = http
        .post(app.url("/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!("{CB}?code=")), "{location}");
    assert!(location.ends_with("&state=s%20t%26ate"), "{location}");
    let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap().to_owned();

    let exchange = |verifier: &'static str, code: String| {
        let (id, secret) = (id.clone(), secret.clone());
        let http = app.http.clone();
        let url = app.url("/oauth/token");
        async move {
            http.post(url)
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("client_id", id.as_str()),
                    ("client_secret", secret.as_str()),
                    ("code", code.as_str()),
                    ("redirect_uri", CB),
                    ("code_verifier", verifier),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let wrong = exchange("not-the-verifier-not-the-verifier-not-the-verifier", code.clone()).await;
    assert_eq!(wrong.status(), 400, "a wrong verifier is refused, and the code is spent");
    let again = exchange(verifier, code.clone()).await;
    assert_eq!(again.status(), 400);

    // A fresh code, exchanged properly.
    let (csrf, cookie, _) = consent_page(&http, &app, &q).await;
    let mut form: Vec<(&str, &str)> = q.clone();
    form.extend([
        ("csrf", csrf.as_str()),
        ("login", "ann"),
        ("password", "ann has a long password"),
        ("decision", "allow"),
    ]);
    let res = http
        .post(app.url("/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let res = exchange(verifier, code).await;
    assert_eq!(res.status(), 200);
    let token: Value = res.json().await.unwrap();
    assert_eq!(token["scope"], "read write");
    let me: Value = app
        .get(token["access_token"].as_str().unwrap(), "/api/v1/accounts/verify_credentials")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "ann");
}

#[tokio::test]
async fn deny_oob_and_bad_requests() {
    let app = spawn_app().await;
    app.member("ann").await;
    let (id, _) = app_for_code_flow(&app).await;
    let http = no_redirects();
    let challenge = "x".repeat(43);
    let q = query(&id, CB, &challenge);
    let (csrf, cookie, _) = consent_page(&http, &app, &q).await;
    let mut form = q.clone();
    form.extend([("csrf", csrf.as_str()), ("decision", "deny")]);
    let res = http
        .post(app.url("/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert!(res.headers()["location"].to_str().unwrap().contains("error=access_denied"));

    // Out of band: the code is shown, in the member's language.
    let oob = query(&id, "urn:ietf:wg:oauth:2.0:oob", &challenge);
    let res = http
        .get(app.url("/oauth/authorize"))
        .query(&oob)
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap();
    let cookie =
        res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let html = res.text().await.unwrap();
    assert!(html.contains("授权") && html.contains("lang=\"zh-CN\""));
    let csrf =
        html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let mut form = oob.clone();
    form.extend([
        ("csrf", csrf.as_str()),
        ("login", "ann"),
        ("password", "ann has a long password"),
        ("decision", "allow"),
    ]);
    let res = http
        .post(app.url("/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("class=\"code\""));

    // A redirect URI the app did not register never receives anything.
    for bad in
        [query(&id, "https://evil.example/cb", &challenge), query("no-such-client", CB, &challenge)]
    {
        let res = http.get(app.url("/oauth/authorize")).query(&bad).send().await.unwrap();
        assert_eq!(res.status(), 400);
        assert!(res.headers().get("location").is_none());
    }
    let scope_too_wide = [
        ("response_type", "code"),
        ("client_id", id.as_str()),
        ("redirect_uri", CB),
        ("scope", "read push"),
    ];
    assert_eq!(
        http.get(app.url("/oauth/authorize")).query(&scope_too_wide).send().await.unwrap().status(),
        400
    );
}

#[tokio::test]
async fn explore_lists_notes_in_either_language() {
    let app = spawn_app().await;
    let ann = app.member("ann").await;
    app.post_note(&ann.token, "<script>alert(1)</script> hello").await;
    let html = app.http.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<title>Explore · Notebridge</title>"));
    assert!(html.contains("&#60;script&#62;alert(1)") && !html.contains("<script>alert"));
    let html = app.http.get(app.url("/?lang=zh-CN")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<title>发现 · Notebridge 笔记桥</title>"));
}
