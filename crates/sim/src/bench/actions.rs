//! What a virtual user does, over real HTTP with a bearer token, as a Mastodon client would.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use super::{Action, BenchError};

/// Everything the virtual users share: the server, their tokens, and notes and tags to visit.
pub struct Fixture {
    http: Client,
    base: String,
    /// One bearer token per simulated member logged in.
    pub users: Vec<String>,
    notes: Vec<String>,
    tags: Vec<String>,
    photo: Vec<u8>,
}

impl Fixture {
    /// Register an app, log in up to `logins` members found in the public timeline (they share
    /// `password`), and gather note ids and tags to visit.
    pub async fn prepare(base: &str, password: &str, logins: usize) -> Result<Fixture, BenchError> {
        let http = Client::builder().pool_max_idle_per_host(1024).build()?;
        let base = base.trim_end_matches('/').to_owned();
        let app: Value = http
            .post(format!("{base}/api/v1/apps"))
            .form(&[
                ("client_name", "notebridge bench"),
                ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
                ("scopes", "read write follow"),
            ])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let (Some(id), Some(secret)) = (app["client_id"].as_str(), app["client_secret"].as_str())
        else {
            return Err(BenchError::Setup("POST /api/v1/apps gave no credentials".to_owned()));
        };
        let mut handles = Vec::new();
        let mut notes = Vec::new();
        let mut tags = Vec::new();
        let mut max_id: Option<String> = None;
        for _ in 0..10 {
            let mut url = format!("{base}/api/v1/timelines/public?limit=40");
            if let Some(m) = &max_id {
                url.push_str(&format!("&max_id={m}"));
            }
            let page: Vec<Value> = http.get(&url).send().await?.error_for_status()?.json().await?;
            let Some(last) = page.last() else { break };
            max_id = last["id"].as_str().map(str::to_owned);
            for n in &page {
                if let Some(id) = n["id"].as_str() {
                    notes.push(id.to_owned());
                }
                if let Some(h) = n["account"]["username"].as_str()
                    && !handles.iter().any(|x: &String| x == h)
                {
                    handles.push(h.to_owned());
                }
                for t in n["tags"].as_array().into_iter().flatten() {
                    if let Some(name) = t["name"].as_str()
                        && !tags.iter().any(|x: &String| x == name)
                    {
                        tags.push(name.to_owned());
                    }
                }
            }
        }
        if notes.is_empty() {
            return Err(BenchError::Setup(
                "the server has no public notes: seed it first (notebridge sim seed)".to_owned(),
            ));
        }
        let mut users = Vec::new();
        for h in handles.iter().take(logins.max(1)) {
            let res = http
                .post(format!("{base}/oauth/token"))
                .form(&[
                    ("grant_type", "password"),
                    ("client_id", id),
                    ("client_secret", secret),
                    ("username", h.as_str()),
                    ("password", password),
                    ("scope", "read write follow"),
                ])
                .send()
                .await?;
            if res.status() != StatusCode::OK {
                continue;
            }
            let token: Value = res.json().await?;
            if let Some(t) = token["access_token"].as_str() {
                users.push(t.to_owned());
            }
        }
        if users.is_empty() {
            return Err(BenchError::Setup(format!(
                "could not log in as any of {} members with the given password",
                handles.len()
            )));
        }
        let photo = nb_app::media::sample_photo(7, 600, 800)
            .map_err(|e| BenchError::Setup(format!("sample photo: {e}")))?;
        Ok(Fixture { http, base, users, notes, tags, photo })
    }

    fn pick<'a>(list: &'a [String], rng: &mut ChaCha8Rng) -> &'a str {
        if list.is_empty() {
            return "";
        }
        &list[rng.random_range(0..list.len())]
    }

    async fn get(&self, token: &str, path: &str) -> bool {
        match self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await {
            Ok(r) => {
                let ok = r.status().is_success();
                // Read the body: a client pays for it, and the connection is reused after.
                r.bytes().await.is_ok() && ok
            }
            Err(_) => false,
        }
    }

    async fn post(&self, token: &str, path: &str, form: &[(&str, &str)]) -> Option<Value> {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .form(form)
            .send()
            .await
            .ok()?;
        if !r.status().is_success() {
            return None;
        }
        r.json().await.ok()
    }

    /// Do `action` as virtual user `user`; true when the server answered with success.
    pub async fn perform(&self, action: Action, user: usize, rng: &mut ChaCha8Rng) -> bool {
        let token = self.users[user % self.users.len()].as_str();
        match action {
            Action::Healthz => self.get(token, "/healthz").await,
            Action::Home => self.get(token, "/api/v1/timelines/home?limit=20").await,
            Action::Explore => self.get(token, "/api/v1/timelines/explore?limit=20").await,
            Action::Public => self.get(token, "/api/v1/timelines/public?limit=20").await,
            Action::Tag => {
                let tag = Self::pick(&self.tags, rng);
                self.get(token, &format!("/api/v1/timelines/tag/{tag}?limit=20")).await
            }
            Action::Status => {
                let id = Self::pick(&self.notes, rng);
                self.get(token, &format!("/api/v1/statuses/{id}")).await
            }
            Action::Note => {
                let id = Self::pick(&self.notes, rng);
                self.get(token, &format!("/api/v1/statuses/{id}")).await
                    && self.get(token, &format!("/api/v1/statuses/{id}/context")).await
            }
            Action::Like | Action::Collect => {
                let id = Self::pick(&self.notes, rng);
                let (on, off) = if action == Action::Like {
                    ("favourite", "unfavourite")
                } else {
                    ("bookmark", "unbookmark")
                };
                // Alternate so repeated runs leave the counts where they were.
                let verb = if rng.random_bool(0.5) { on } else { off };
                self.post(token, &format!("/api/v1/statuses/{id}/{verb}"), &[]).await.is_some()
            }
            Action::Comment => {
                let id = Self::pick(&self.notes, rng);
                let text = "好看！Looks great 👍";
                self.post(token, "/api/v1/statuses", &[("status", text), ("in_reply_to_id", id)])
                    .await
                    .is_some()
            }
            Action::PostText => {
                let n: u32 = rng.random();
                let text = format!("今天的午饭 lunch note {n} #美食 #bench");
                self.post(token, "/api/v1/statuses", &[("status", &text), ("title", "午饭 Lunch")])
                    .await
                    .is_some()
            }
            Action::PostPhoto => {
                let part = reqwest::multipart::Part::bytes(self.photo.clone()).file_name("p.jpg");
                let form = reqwest::multipart::Form::new().part("file", part);
                let uploaded = self
                    .http
                    .post(format!("{}/api/v2/media", self.base))
                    .bearer_auth(token)
                    .multipart(form)
                    .send()
                    .await;
                let Ok(res) = uploaded else { return false };
                let Ok(media) = res.json::<Value>().await else { return false };
                let Some(media_id) = media["id"].as_str() else { return false };
                self.post(
                    token,
                    "/api/v1/statuses",
                    &[("status", "一张照片 a photo #bench"), ("media_ids[]", media_id)],
                )
                .await
                .is_some()
            }
        }
    }
}
