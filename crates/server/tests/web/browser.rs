//! Headless Chromium through Debian's chromedriver (`scripts/test` installs both). Each test
//! starts its own chromedriver on a free port with a fresh profile. Without chromedriver the
//! browser tests skip, loudly, except under `CI=true`, where they fail.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use serde_json::{Value, json};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

pub struct Browser {
    pub client: Client,
    pub base: String,
    driver: Child,
    port: u16,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

/// Ending the WebDriver session is what makes chromedriver close Chromium; killing chromedriver
/// alone would leave the browser running. Drop cannot await, so the request goes over a plain
/// blocking socket (also after a failed assertion). The process group is killed after it, in
/// case a browser process outlived its session.
impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(id) = &self.session {
            end_session(self.port, id);
        }
        // The signal goes straight to the group (no kill(1) with a computed argument); a group
        // id of 0 or 1 would mean our own group or every process, and is never sent.
        if let Ok(group) = i32::try_from(self.driver.id())
            && group > 1
        {
            let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn end_session(port: u16, id: &str) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
    let request = format!(
        "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_ok() {
        // chromedriver answers once the browser is gone.
        let _ = stream.read_to_end(&mut Vec::new());
    }
}

/// Whether the browser tests can run here; outside CI a missing browser skips with a warning.
pub fn available() -> bool {
    let found = Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true and {CHROMEDRIVER} or {CHROMIUM} is missing: run scripts/test, which installs them"
        );
        eprintln!(
            "WARNING: no {CHROMEDRIVER} / {CHROMIUM}: browser test SKIPPED (scripts/test installs them)"
        );
    }
    found
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// A browser window of `width`×`height` CSS pixels on the app at `base`.
    pub async fn open(base: &str, width: u32, height: u32) -> Browser {
        let port = free_port();
        // Its own process group, so that everything it starts can be stopped together.
        let driver = Command::new(CHROMEDRIVER)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    "--disable-dev-shm-usage", "--force-device-scale-factor=1",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        });
        let Value::Object(caps) = caps else { unreachable!("a JSON object") };
        let url = format!("http://127.0.0.1:{port}");
        // chromedriver takes a moment to listen: retry the session request for up to 20 s.
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
                Ok(c) => break c,
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("no WebDriver session from chromedriver: {e}"),
            }
        };
        // The window includes what is not page: grow it until the viewport is exactly the size.
        let inner = client.execute("return [window.innerWidth, window.innerHeight]", vec![]).await;
        if let Ok(Value::Array(wh)) = inner {
            let (w, h) = (wh[0].as_u64().unwrap_or(0) as u32, wh[1].as_u64().unwrap_or(0) as u32);
            if (w, h) != (width, height) {
                let _ = client
                    .set_window_size(2 * width - w.min(width), 2 * height - h.min(height))
                    .await;
            }
        }
        let session = client.session_id().await.ok().flatten();
        Browser { client, base: base.to_owned(), driver, port, session, _profile: profile }
    }

    pub async fn go(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.expect("navigate");
    }

    pub async fn find(&self, css: &str) -> Element {
        let found = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(e) => e,
            Err(e) => panic!("no element {css:?} on {}: {e}", self.path().await),
        }
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("click {css:?}: {e}"));
    }

    /// Click something that loads a new page, and wait until the new page is there: the old
    /// document is marked, and the wait ends at a document without the mark.
    pub async fn click_and_wait(&self, css: &str) {
        self.js("document.documentElement.setAttribute('data-old', '1')").await;
        self.click(css).await;
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("html:not([data-old]) body"))
            .await
            .unwrap_or_else(|e| panic!("no new page after clicking {css:?}: {e}"));
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.client.find_all(Locator::Css(css)).await.expect("find all") {
            out.push(e.text().await.expect("text"));
        }
        out
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script runs")
    }

    /// The current path and query.
    pub async fn path(&self) -> String {
        match self.client.current_url().await {
            Ok(u) => {
                format!("{}{}", u.path(), u.query().map(|q| format!("?{q}")).unwrap_or_default())
            }
            Err(_) => String::new(),
        }
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }
}

/// Where screenshots go: `$NOTEBRIDGE_SCREENSHOTS`, else `target/screenshots`.
pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("NOTEBRIDGE_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots"))
}
