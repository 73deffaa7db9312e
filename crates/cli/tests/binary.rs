//! The `notebridge` binary itself: serve prints its address, a write acknowledged before
//! `kill -9` survives the restart, and the admin commands act on the database a server uses.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_notebridge");

fn command(data: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data").arg(data).env("RUST_LOG", "warn").kill_on_drop(true);
    c
}

/// Start `serve` on a free port; returns the child and its base URL once it says it listens.
async fn serve(data: &Path) -> (Child, String) {
    let mut child = command(data)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn notebridge serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(url) = line.strip_prefix("listening on ") {
                return url.to_owned();
            }
        }
        panic!("serve exited without printing its address");
    })
    .await
    .expect("serve printed its address within 60 s");
    (child, base)
}

async fn run(data: &Path, args: &[&str]) -> String {
    let out = command(data).args(args).output().await.expect("run notebridge");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

async fn password_token(http: &reqwest::Client, base: &str, user: &str, password: &str) -> String {
    let app: Value = http
        .post(format!("{base}/api/v1/apps"))
        .form(&[
            ("client_name", "t"),
            ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ("scopes", "read write"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token: Value = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", app["client_id"].as_str().unwrap()),
            ("client_secret", app["client_secret"].as_str().unwrap()),
            ("username", user),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access_token"].as_str().unwrap_or_else(|| panic!("no token: {token}")).to_owned()
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    run(
        dir.path(),
        &[
            "admin",
            "create-user",
            "--handle",
            "ann",
            "--email",
            "ann@example.com",
            "--password",
            "ann's long password",
        ],
    )
    .await;
    let (mut server, base) = serve(dir.path()).await;
    let http = reqwest::Client::new();
    let token = password_token(&http, &base, "ann@example.com", "ann's long password").await;
    let mut ids = Vec::new();
    for i in 0..20 {
        let res = http
            .post(format!("{base}/api/v1/statuses"))
            .bearer_auth(&token)
            .json(&json!({ "status": format!("durable note {i} 持久") }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        ids.push(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
    }
    server.start_kill().expect("SIGKILL");
    server.wait().await.expect("reap");

    let (_server, base) = serve(dir.path()).await;
    for (i, id) in ids.iter().enumerate() {
        let res = http
            .get(format!("{base}/api/v1/statuses/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "note {i} lost");
        let v: Value = res.json().await.unwrap();
        assert!(v["content"].as_str().unwrap().contains(&format!("durable note {i} 持久")));
    }
    let me: Value = http
        .get(format!("{base}/api/v1/accounts/verify_credentials"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["statuses_count"], 20, "counters survive too");
}

#[tokio::test]
async fn migrate_and_admin_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let out = run(&data, &["migrate"]).await;
    assert!(out.contains("migrations applied"), "{out}");
    assert!(data.join("notebridge.db").exists(), "missing data directory and database are created");
    let out = run(
        &data,
        &[
            "admin",
            "create-user",
            "--handle",
            "Mod_Li",
            "--email",
            "li@example.com",
            "--password",
            "a long password here",
            "--role",
            "moderator",
        ],
    )
    .await;
    assert!(out.contains("created @Mod_Li") && out.contains("moderator"), "{out}");
    let out = run(&data, &["admin", "set-role", "--handle", "mod_li", "--role", "admin"]).await;
    assert!(out.contains("is now admin"), "{out}");
    let out = run(&data, &["admin", "confirm-email", "--handle", "mod_li"]).await;
    assert!(out.contains("@Mod_Li's email address is confirmed"), "{out}");
    // A refused command says why and exits non-zero.
    let bad = command(&data)
        .args([
            "admin",
            "create-user",
            "--handle",
            "x",
            "--email",
            "x@example.com",
            "--password",
            "a long password here",
        ])
        .output()
        .await
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("username"));
    // The server sees the account.
    let (_server, base) = serve(&data).await;
    let http = reqwest::Client::new();
    let token = password_token(&http, &base, "mod_li", "a long password here").await;
    let me: Value = http
        .get(format!("{base}/api/v1/accounts/verify_credentials"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"]["name"], "admin");
}

/// Start `serve --demo`; returns the child, its base URL and the lines it printed about the demo.
async fn serve_demo(data: &Path) -> (Child, String, Vec<String>) {
    let mut child = command(data)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut demo = Vec::new();
    // Generous: CI runs the debug build, which seeds several times slower than release.
    let base = tokio::time::timeout(Duration::from_secs(300), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.starts_with("demo:") {
                demo.push(line.clone());
            }
            if let Some(url) = line.strip_prefix("listening on ") {
                return url.to_owned();
            }
        }
        panic!("no address");
    })
    .await
    .unwrap();
    (child, base, demo)
}

#[tokio::test]
async fn demo_seeds_a_living_community_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base, demo) = serve_demo(dir.path()).await;
    let login = demo.iter().find_map(|l| l.strip_prefix("demo: log in as ")).expect("a login");
    let (handle, password) = login.split_once(" with password ").unwrap();
    let seeded = demo.iter().find(|l| l.contains("seeded")).unwrap();
    assert!(seeded.contains("seeded 500 members"), "{seeded}");

    let http = reqwest::Client::new();
    let token = password_token(&http, &base, handle, password).await;
    let get = |path: &str| http.get(format!("{base}{path}")).bearer_auth(&token).send();
    let home: Value = get("/api/v1/timelines/home?limit=40").await.unwrap().json().await.unwrap();
    let home = home.as_array().unwrap();
    assert!(home.len() >= 10, "the sample member's home feed is full");
    let others = home.iter().filter(|n| n["account"]["username"] != handle).count();
    assert!(others * 2 >= home.len(), "the sample member's home shows others: {others}");
    let public: Value =
        get("/api/v1/timelines/public?limit=40").await.unwrap().json().await.unwrap();
    let notes = public.as_array().unwrap();
    assert_eq!(notes.len(), 40);
    assert!(notes.iter().any(|n| n["media_attachments"].as_array().is_some_and(|m| !m.is_empty())));
    assert!(
        notes.iter().any(|n| n["language"] == "zh") && notes.iter().any(|n| n["language"] == "en")
    );
    let photo = notes
        .iter()
        .find_map(|n| n["media_attachments"][0]["preview_url"].as_str())
        .unwrap()
        .to_owned();
    assert_eq!(http.get(photo).send().await.unwrap().status(), 200);
    let explore = http.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    assert_eq!(explore.matches(r#"<article class="card">"#).count(), 24, "a full Explore page");
    let newest = notes[0]["title"].as_str().unwrap();
    let id = notes[0]["id"].as_str().unwrap();
    let page = http.get(format!("{base}/notes/{id}")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&escape(newest)), "the note page shows {newest:?}");

    // A second start finds the members and seeds nothing.
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    let (_again, _, demo) = serve_demo(dir.path()).await;
    assert!(demo.iter().any(|l| l.contains("nothing seeded")), "{demo:?}");
}

fn escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn bad_settings_stop_the_server_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = command(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("NOTEBRIDGE_ACCOUNTS__PASSWORD_MEMORY_KIB", "1")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("accounts.password_"), "{err}");

    // Mail: confirmation needs a server; a bad URL is named without echoing its password.
    let cases: [(&[(&str, &str)], &str); 2] = [
        (&[("NOTEBRIDGE_MAIL__CONFIRM_EMAIL", "true")], "mail.confirm_email"),
        (
            &[
                ("NOTEBRIDGE_MAIL__URL", "ftp://mailer:s3cret-pw@mail.example"),
                ("NOTEBRIDGE_MAIL__FROM", "Notebridge <noreply@example.org>"),
            ],
            "mail.url",
        ),
    ];
    for (env, reason) in cases {
        let out = command(dir.path())
            .args(["serve", "--bind", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .output()
            .await
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(reason) && !err.contains("s3cret"), "{err}");
    }
}

#[tokio::test]
async fn sigterm_stops_gracefully_and_jobs_are_inspectable() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (mut server, base) = serve(&data).await;
    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{base}/healthz")).send().await.unwrap().status(), 200);
    let pid = server.id().expect("running").to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().await.unwrap();
    assert!(sent.success());
    let status = tokio::time::timeout(Duration::from_secs(60), server.wait())
        .await
        .expect("the server stops within a minute of SIGTERM")
        .unwrap();
    assert!(status.success(), "a graceful stop exits 0: {status}");

    let out = run(&data, &["admin", "jobs", "list", "--dead"]).await;
    assert!(out.contains("queued, 0 dead"), "{out}");
    let out = run(&data, &["admin", "jobs", "replay", "--all"]).await;
    assert!(out.contains("0 dead letter(s) queued again"), "{out}");
    let bad = command(&data).args(["admin", "jobs", "replay"]).output().await.unwrap();
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("--all"));
}

#[tokio::test]
async fn sim_seed_writes_where_the_server_reads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = run(&data, &["sim", "seed", "--users", "300", "--days", "2", "--photos", "4"]).await;
    assert!(out.contains("seeded 300 members"), "{out}");
    let login = out.lines().find_map(|l| l.strip_prefix("log in as ")).expect("a login");
    let (handle, password) = login.split_once(" with password ").unwrap();
    // Seeding again into a community refuses, saying why.
    let again = command(&data).args(["sim", "seed", "--users", "300"]).output().await.unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has members"));

    let (_server, base) = serve(&data).await;
    let http = reqwest::Client::new();
    let token = password_token(&http, &base, handle, password).await;
    let me: Value = http
        .get(format!("{base}/api/v1/accounts/verify_credentials"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], handle);
    assert!(me["followers_count"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn bench_spawns_a_server_and_writes_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    run(&data, &["sim", "seed", "--users", "200", "--days", "2", "--photos", "3"]).await;
    let out_dir = dir.path().join("results");
    let out = run(
        &data,
        &[
            "bench",
            "--spawn",
            "--duration",
            "2",
            "--warmup",
            "0",
            "--concurrency",
            "4",
            "--scenario",
            "tag,status,mix",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    )
    .await;
    assert!(out.contains("report written to"), "{out}");
    let json = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a JSON report");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["backend"], "sqlite");
    assert!(report["machine"]["cores"].as_u64().unwrap() >= 1);
    let phases = report["phases"].as_array().unwrap();
    let names: Vec<&str> = phases.iter().map(|p| p["scenario"].as_str().unwrap()).collect();
    assert_eq!(names, ["ceiling", "tag", "status", "mix"]);
    for p in phases {
        assert!(p["requests"].as_u64().unwrap() > 0, "{p}");
        assert_eq!(p["errors"], 0, "every request of the mix succeeds: {p}");
    }
    assert_eq!(phases[1]["endpoints"][0]["action"], "tag");
    assert_eq!(phases[2]["endpoints"][0]["action"], "status");
    let mix: Vec<&str> = phases[3]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in ["home", "explore", "note"] {
        assert!(mix.contains(&action), "{mix:?}");
    }
    let md = std::fs::read_to_string(json.with_extension("md")).unwrap();
    assert!(md.contains("| ceiling | healthz |") && md.contains("share of ceiling"), "{md}");
}

#[tokio::test]
async fn translate_command_uses_the_configured_engines() {
    let dir = tempfile::tempdir().unwrap();
    // The default (no model directory): the dictionary gloss, labelled as one.
    let out = command(dir.path())
        .args(["translate", "--from", "zh", "--to", "en", "今天的火锅太辣了 #美食"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "today 's hotpot too hot #美食");
    assert!(String::from_utf8_lossy(&out.stderr).contains("gloss, not a translation"));
    // The language is detected when not given.
    assert_eq!(
        run(dir.path(), &["translate", "--to", "zh", "I love hotpot"]).await.trim(),
        "我爱火锅"
    );

    // Turned off, by the flat alias or the nested variable or the file: said so, with the reason.
    let toml = dir.path().join("notebridge.toml");
    std::fs::write(&toml, "[translate]\nengines = [\"none\"]\nquota_per_hour = 5\n").unwrap();
    let off: [(&[(&str, &str)], bool); 3] = [
        (&[("NOTEBRIDGE_TRANSLATE_ENGINES", "none")], false),
        (&[("NOTEBRIDGE_TRANSLATE__ENGINES", "none")], false),
        (&[], true),
    ];
    for (env, with_file) in off {
        let mut c = command(dir.path());
        if with_file {
            c.arg("--config").arg(&toml);
        }
        let out = c
            .args(["translate", "--to", "en", "你好"])
            .envs(env.iter().copied())
            .output()
            .await
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no engine is configured") && err.contains("none"), "{env:?}: {err}");
    }
    // An unknown engine or a remote engine without its settings stops serve with a reason.
    for (engines, reason) in [("gloss,deepl", "deepl"), ("openai", "openai")] {
        let out = command(dir.path())
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("NOTEBRIDGE_TRANSLATE_ENGINES", engines)
            .output()
            .await
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(reason), "{engines}: {err}");
    }
}

#[tokio::test]
async fn bridge_doctor_says_what_is_missing_and_where_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["bridge", "doctor"]).await;
    assert!(out.contains("zh-en") && out.contains("en-zh"), "{out}");
    assert!(out.contains("missing"), "{out}");
    assert!(out.contains("Helsinki-NLP/opus-mt-zh-en"), "{out}");
    // A partial directory: the files still missing are named.
    let zh_en = dir.path().join("models/translate/zh-en");
    std::fs::create_dir_all(&zh_en).unwrap();
    std::fs::write(zh_en.join("vocab.json"), "{}").unwrap();
    let out = run(dir.path(), &["bridge", "doctor"]).await;
    assert!(out.contains("config.json") && out.contains("source.spm"), "{out}");
}

#[tokio::test]
async fn bridge_eval_scores_engines_on_a_parallel_file() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bridge/data/eval/zh-en.sample.tsv");
    let pairs = sample.to_str().unwrap();
    let table = run(
        dir.path(),
        &[
            "bridge",
            "eval",
            "--pairs",
            pairs,
            "--from",
            "zh",
            "--to",
            "en",
            "--engines",
            "gloss,none",
        ],
    )
    .await;
    assert!(table.starts_with("10 pairs, zh-Hans → en"), "{table}");
    let row = |engine: &str| -> Vec<String> {
        let line = table.lines().find(|l| l.starts_with(&format!("| {engine} |"))).unwrap();
        line.split('|').map(|c| c.trim().to_owned()).collect()
    };
    let gloss = row("gloss");
    let (chrf, bleu): (f64, f64) = (gloss[2].parse().unwrap(), gloss[3].parse().unwrap());
    assert!(chrf > 20.0 && chrf < 100.0 && (0.0..100.0).contains(&bleu), "{table}");
    assert_eq!(gloss[4], "10/10");
    assert_eq!(row("none")[4], "not available for this pair");
    // A malformed file is refused with the line.
    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "我爱火锅 I love hotpot\n").unwrap();
    let out = command(dir.path())
        .args(["bridge", "eval", "--pairs", bad.to_str().unwrap(), "--from", "zh", "--to", "en"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 1: expected `source<TAB>reference`")
    );
}
