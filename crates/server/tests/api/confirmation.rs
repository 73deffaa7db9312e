//! Email confirmation, when an operator turns it on: the mail goes out through the outbox to a
//! real SMTP conversation, the link confirms, and until then the account cannot be used.

use std::time::Duration;

use nb_app::Settings;
use nb_app::jobs::{self, JobSettings};
use nb_app::mail::MailSettings;
use nb_server::ServerConfig;
use serde_json::{Value, json};

use crate::common::smtp::{self, Received, SmtpServer};
use crate::common::{TestApp, expect_error, spawn_with};

async fn app_with_mail(confirm: bool) -> (TestApp, SmtpServer) {
    let smtp = smtp::start().await;
    let settings = Settings {
        mail: Some(MailSettings {
            url: smtp.url.clone(),
            from: "Notebridge <noreply@notebridge.test>".to_owned(),
            confirm_email: confirm,
            confirmation_ttl: Duration::from_secs(48 * 3600),
            timeout: Duration::from_secs(10),
        }),
        jobs: JobSettings { max_attempts: 2, ..JobSettings::default() },
        ..Settings::default()
    };
    (spawn_with(settings, ServerConfig::default()).await, smtp)
}

async fn register(app: &TestApp, handle: &str, locale: &str) -> String {
    let c = app.register_app("read write follow").await;
    let t = app.app_token(&c, "read write follow").await;
    let body = json!({
        "username": handle,
        "email": format!("{handle}@example.com"),
        "password": format!("{handle} has a long password"),
        "agreement": true,
        "locale": locale,
    });
    let res = app.post_json(&t, "/api/v1/accounts", body).await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
}

/// Run the due jobs once, as a worker would.
async fn run_jobs(app: &TestApp) -> jobs::Pass {
    jobs::run_due(&app.ctx, 10, None).await.unwrap()
}

async fn next_mail(smtp: &mut SmtpServer) -> Received {
    tokio::time::timeout(Duration::from_secs(10), smtp.inbox.recv())
        .await
        .expect("a mail arrives")
        .expect("smtp server running")
}

fn link_in(mail: &Received) -> String {
    let text = mail.text();
    let start = text.find("http://").expect("a link in the mail");
    text[start..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn unconfirmed_account_is_locked_until_the_link_is_opened() {
    let (app, mut smtp) = app_with_mail(true).await;
    let token = register(&app, "mei", "en").await;

    let v = expect_error(app.get(&token, "/api/v1/accounts/verify_credentials").await, 403).await;
    assert!(v["error"].as_str().unwrap().contains("confirmed e-mail"), "{v}");
    let c = app.register_app("read").await;
    let login = app
        .http
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", c.client_id.as_str()),
            ("client_secret", c.client_secret.as_str()),
            ("username", "mei@example.com"),
            ("password", "mei has a long password"),
        ])
        .send()
        .await
        .unwrap();
    assert!(login.status().is_client_error(), "no login before confirming");

    // The mail was enqueued with the account and goes out when the outbox runs.
    assert_eq!(run_jobs(&app).await.done, 1);
    let mail = next_mail(&mut smtp).await;
    assert_eq!(mail.rcpt_to, ["mei@example.com"]);
    assert_eq!(mail.mail_from, "noreply@notebridge.test");
    assert!(mail.header("Subject").unwrap().contains("Confirm your email"));
    let text = mail.text();
    assert!(text.contains("@mei"), "{text}");
    let link = link_in(&mail);
    assert!(link.starts_with(&format!("{}/auth/confirm?token=", app.base)), "{link}");

    // A wrong token confirms nothing.
    let wrong = app.http.get(app.url("/auth/confirm?token=not-the-token")).send().await.unwrap();
    assert_eq!(wrong.status(), 404);
    assert!(wrong.text().await.unwrap().contains("cannot be used"));
    expect_error(app.get(&token, "/api/v1/accounts/verify_credentials").await, 403).await;

    let page = app.http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Email address confirmed") && html.contains("@mei"), "{html}");
    let me = app.get(&token, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(me.status(), 200);
    // Opening the link again is harmless.
    assert_eq!(app.http.get(&link).send().await.unwrap().status(), 200);

    // Nothing left to confirm: asking for another mail is refused.
    let again = app.post_json(&token, "/api/v1/emails/confirmations", json!({})).await;
    let v = expect_error(again, 403).await;
    assert!(v["error"].as_str().unwrap().contains("awaiting confirmation"), "{v}");
}

#[tokio::test]
async fn a_new_mail_replaces_the_old_link_and_speaks_the_members_language() {
    let (app, mut smtp) = app_with_mail(true).await;
    let token = register(&app, "xiaoyu", "zh-CN").await;
    run_jobs(&app).await;
    let first = next_mail(&mut smtp).await;
    // The subject is RFC 2047-encoded Chinese; the body says the member's handle in Chinese.
    assert!(first.header("Subject").unwrap().to_lowercase().starts_with("=?utf-8?"));
    assert!(first.text().contains("欢迎来到 Notebridge"), "{}", first.text());

    let res = app.post_json(&token, "/api/v1/emails/confirmations", json!({})).await;
    assert_eq!(res.status(), 200);
    run_jobs(&app).await;
    let second = next_mail(&mut smtp).await;
    assert_ne!(link_in(&first), link_in(&second));

    let old = app.http.get(link_in(&first)).send().await.unwrap();
    assert_eq!(old.status(), 404);
    let new = app.http.get(link_in(&second)).send().await.unwrap();
    assert_eq!(new.status(), 200);
    assert!(new.text().await.unwrap().contains("邮箱地址已确认"));
    assert_eq!(app.get(&token, "/api/v1/accounts/verify_credentials").await.status(), 200);
}

#[tokio::test]
async fn refused_mail_retries_then_becomes_a_dead_letter() {
    let (app, mut smtp) = app_with_mail(true).await;
    // A temporary refusal: the job is retried later, nothing is lost.
    *smtp.rcpt_reply.lock().unwrap() = Some("451 4.3.0 try again later".to_owned());
    register(&app, "ana", "en").await;
    let pass = run_jobs(&app).await;
    assert_eq!((pass.done, pass.retried), (0, 1));
    let queued = app.ctx.store.jobs_in_state("queued", 10).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert!(queued[0].last_error.contains("451"), "{}", queued[0].last_error);

    // A permanent refusal (no such mailbox) is not retried.
    *smtp.rcpt_reply.lock().unwrap() = Some("550 5.1.1 no such user".to_owned());
    register(&app, "bolin", "en").await;
    // Only the new job is due; the first waits for its backoff.
    let pass = run_jobs(&app).await;
    assert_eq!((pass.done, pass.buried), (0, 1));
    let dead = app.ctx.store.jobs_in_state("dead", 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].last_error.contains("550"), "{}", dead[0].last_error);
    assert!(smtp.inbox.try_recv().is_err(), "nothing was delivered");
}

#[tokio::test]
async fn without_confirmation_accounts_work_at_once_and_no_mail_is_sent() {
    let (app, mut smtp) = app_with_mail(false).await;
    let token = register(&app, "lin", "en").await;
    assert_eq!(app.get(&token, "/api/v1/accounts/verify_credentials").await.status(), 200);
    assert_eq!(run_jobs(&app).await.ran(), 0);
    assert!(smtp.inbox.try_recv().is_err());
    let res = app.post_json(&token, "/api/v1/emails/confirmations", json!({})).await;
    expect_error(res, 403).await;
}
