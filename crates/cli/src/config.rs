//! One typed configuration, layered: defaults, then the TOML file, then `NOTEBRIDGE_*`
//! environment variables (`NOTEBRIDGE_SERVER__BIND`: double underscore for nesting), then flags.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use nb_app::jobs::JobSettings;
use nb_app::mail::MailSettings;
use nb_app::password::HashParams;
use nb_app::translate::Translation;
use nb_app::{BlobStore, Settings, Store, StoreOptions};
use nb_bridge::config::EngineList;
use nb_bridge::{Bridge, TranslateConfig, parse_engine_list};
use nb_domain::RegistrationMode;
use nb_server::limits::{Limit, RateLimits};
use serde::{Deserialize, Serialize};

use crate::Location;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub server: ServerSection,
    pub storage: StorageSection,
    pub accounts: AccountsSection,
    pub limits: LimitsSection,
    pub jobs: JobsSection,
    pub feeds: FeedsSection,
    pub mail: MailSection,
    pub translate: TranslateSection,
    pub log: LogSection,
}

/// Rate limits as `[count, seconds]`, keyed by client address (see `nb_server::limits`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitsSection {
    pub login: [u64; 2],
    pub registration: [u64; 2],
    pub posting: [u64; 2],
    /// Peers whose X-Forwarded-For is believed (CIDR).
    pub trusted_proxies: Vec<String>,
}

impl Default for LimitsSection {
    fn default() -> Self {
        let d = RateLimits::default();
        let pair = |l: Limit| [u64::from(l.count), l.per_secs];
        Self {
            login: pair(d.login),
            registration: pair(d.registration),
            posting: pair(d.posting),
            trusted_proxies: d.trusted_proxies.iter().map(ToString::to_string).collect(),
        }
    }
}

impl LimitsSection {
    pub fn rate_limits(&self) -> Result<RateLimits> {
        let limit = |[count, per_secs]: [u64; 2]| -> Result<Limit> {
            Ok(Limit { count: u32::try_from(count).context("limit count too large")?, per_secs })
        };
        let mut proxies = Vec::new();
        for p in &self.trusted_proxies {
            proxies.push(
                p.parse()
                    .with_context(|| format!("limits.trusted_proxies: {p:?} is not a CIDR"))?,
            );
        }
        Ok(RateLimits {
            login: limit(self.login)?,
            registration: limit(self.registration)?,
            posting: limit(self.posting)?,
            trusted_proxies: proxies,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerSection {
    pub bind: String,
    /// The URL members reach the server at; links use it. Empty: taken from each request.
    pub public_url: String,
    pub max_body_bytes: usize,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct StorageSection {
    pub data: PathBuf,
    /// Empty: SQLite at `DATA/notebridge.db`.
    pub database: String,
    pub max_connections: u32,
    /// SQLite: page cache of the writer connection, MiB (bulk seeding wants it large).
    pub writer_cache_mib: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountsSection {
    pub registration: RegistrationMode,
    /// Argon2id cost for new password hashes (existing hashes keep their own parameters).
    pub password_memory_kib: u32,
    pub password_iterations: u32,
    pub password_parallelism: u32,
}

impl Default for AccountsSection {
    fn default() -> Self {
        let p = HashParams::default();
        Self {
            registration: RegistrationMode::default(),
            password_memory_kib: p.memory_kib,
            password_iterations: p.iterations,
            password_parallelism: p.parallelism,
        }
    }
}

/// The outbox's workers (see `nb_app::jobs`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct JobsSection {
    /// Workers in this process; 0 leaves the jobs to another process.
    pub workers: usize,
    /// Jobs each worker runs at a time.
    pub jobs_at_once: usize,
    /// Runs before a failing job becomes a dead letter.
    pub max_attempts: i64,
    /// The first retry's delay; each further one doubles, up to `backoff_max_seconds`.
    pub backoff_seconds: u64,
    pub backoff_max_seconds: u64,
    /// Uploads no note carries are deleted after this many hours.
    pub unattached_media_hours: u64,
    /// On shutdown, how long to wait for the jobs in hand.
    pub shutdown_grace_seconds: u64,
}

impl Default for JobsSection {
    fn default() -> Self {
        let j = JobSettings::default();
        Self {
            workers: j.workers,
            jobs_at_once: j.jobs_at_once,
            max_attempts: j.max_attempts,
            backoff_seconds: j.backoff_base.as_secs(),
            backoff_max_seconds: j.backoff_max.as_secs(),
            unattached_media_hours: j.unattached_media_ttl.as_secs() / 3600,
            shutdown_grace_seconds: 30,
        }
    }
}

/// The feeds (see `nb_app::Settings`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedsSection {
    /// A member who posts with more followers than this has their notes read into followers'
    /// home feeds instead of written into each.
    pub home_pull_above: i64,
}

impl Default for FeedsSection {
    fn default() -> Self {
        Self { home_pull_above: nb_app::HOME_PULL_ABOVE }
    }
}

/// Outgoing mail (see `nb_app::mail`). Nothing is sent while `url` is empty.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MailSection {
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required` or `smtps://user:pass@host:465`.
    /// It may carry a password: never logged.
    pub url: String,
    /// The sender, e.g. `Notebridge <noreply@example.org>`.
    pub from: String,
    /// Self-registered members confirm their address before they can sign in.
    pub confirm_email: bool,
    /// How long a confirmation link works.
    pub confirmation_hours: u64,
    pub timeout_seconds: u64,
}

impl Default for MailSection {
    fn default() -> Self {
        Self {
            url: String::new(),
            from: String::new(),
            confirm_email: false,
            confirmation_hours: 48,
            timeout_seconds: 15,
        }
    }
}

impl std::fmt::Debug for MailSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSection")
            .field("url", &if self.url.is_empty() { "" } else { "[redacted]" })
            .field("from", &self.from)
            .field("confirm_email", &self.confirm_email)
            .finish_non_exhaustive()
    }
}

impl MailSection {
    fn settings(&self) -> Result<Option<MailSettings>> {
        if self.url.trim().is_empty() {
            anyhow::ensure!(
                !self.confirm_email,
                "mail.confirm_email needs a mail server: set mail.url"
            );
            return Ok(None);
        }
        anyhow::ensure!(!self.from.trim().is_empty(), "mail.from is needed when mail.url is set");
        anyhow::ensure!(self.confirmation_hours >= 1, "mail.confirmation_hours must be at least 1");
        let settings = MailSettings {
            url: self.url.trim().to_owned(),
            from: self.from.trim().to_owned(),
            confirm_email: self.confirm_email,
            confirmation_ttl: Duration::from_secs(self.confirmation_hours * 3600),
            timeout: Duration::from_secs(self.timeout_seconds.max(1)),
        };
        settings.check()?;
        Ok(Some(settings))
    }
}

/// `[translate]`: the product's settings here; the engines (`engines`, `pairs`, `openai`,
/// `libretranslate`, `breaker`) are read from the same table into `bridge`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TranslateSection {
    /// Texts an account may send to the engines per hour (cached ones are free); 0: no limit.
    pub quota_per_hour: u32,
    /// How long a fallback engine's cached result is served before the better engines are
    /// asked again.
    pub retry_lower_minutes: u64,
    #[serde(skip)]
    pub bridge: TranslateConfig,
}

impl Default for TranslateSection {
    fn default() -> Self {
        Self { quota_per_hour: 200, retry_lower_minutes: 60, bridge: TranslateConfig::default() }
    }
}

impl TranslateSection {
    /// The engines behind the cache and quota; a local model is looked for under `data`.
    /// Fails on a remote engine without its settings.
    pub fn translation(&self, data: &Path) -> Result<Translation> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("Notebridge/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the HTTP client for translation engines")?;
        let bridge =
            Bridge::from_config(&self.bridge, data, client).context("[translate] settings")?;
        let mut t = Translation::new(bridge, self.quota_per_hour);
        t.retry_lower_after = Duration::from_secs(self.retry_lower_minutes * 60);
        Ok(t)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LogSection {
    /// `text` or `json`.
    pub format: String,
    /// A tracing filter, e.g. `info,nb_server=debug`.
    pub filter: String,
}

impl Default for ServerSection {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".to_owned(),
            public_url: String::new(),
            max_body_bytes: 64 * 1024,
            title: "Notebridge".to_owned(),
        }
    }
}

impl Default for StorageSection {
    fn default() -> Self {
        Self {
            data: PathBuf::from("./data"),
            database: String::new(),
            max_connections: StoreOptions::default().max_connections,
            writer_cache_mib: StoreOptions::default().writer_cache_mib,
        }
    }
}

impl Default for LogSection {
    fn default() -> Self {
        Self { format: "text".to_owned(), filter: "info,sqlx=warn".to_owned() }
    }
}

impl Config {
    pub fn database_url(&self) -> String {
        if self.storage.database.is_empty() {
            format!("sqlite://{}", self.storage.data.join("notebridge.db").display())
        } else {
            self.storage.database.clone()
        }
    }

    /// The database URL without a password, for messages.
    pub fn redacted_database_url(&self) -> String {
        let url = self.database_url();
        match (url.find("://"), url.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &url[s + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                    None => url,
                }
            }
            _ => url,
        }
    }

    pub fn settings(&self) -> Result<Settings> {
        let a = &self.accounts;
        let password_hash = HashParams {
            memory_kib: a.password_memory_kib,
            iterations: a.password_iterations,
            parallelism: a.password_parallelism,
        }
        .checked()
        .context("accounts.password_* settings")?;
        let j = &self.jobs;
        anyhow::ensure!(j.max_attempts >= 1, "jobs.max_attempts must be at least 1");
        anyhow::ensure!(j.backoff_seconds >= 1, "jobs.backoff_seconds must be at least 1");
        let jobs = JobSettings {
            workers: j.workers,
            jobs_at_once: j.jobs_at_once.max(1),
            max_attempts: j.max_attempts,
            backoff_base: Duration::from_secs(j.backoff_seconds),
            backoff_max: Duration::from_secs(j.backoff_max_seconds.max(j.backoff_seconds)),
            unattached_media_ttl: Duration::from_secs(j.unattached_media_hours.max(1) * 3600),
            ..JobSettings::default()
        };
        let mail = self.mail.settings()?;
        anyhow::ensure!(
            self.feeds.home_pull_above >= 0,
            "feeds.home_pull_above must not be negative"
        );
        Ok(Settings {
            registration: a.registration,
            password_hash,
            jobs,
            mail,
            home_pull_above: self.feeds.home_pull_above,
        })
    }
}

pub fn load(at: &Location, bind: Option<&str>) -> Result<Config> {
    let mut fig = Figment::from(Serialized::defaults(Config::default()));
    if let Some(path) = &at.config {
        anyhow::ensure!(path.exists(), "config file {} does not exist", path.display());
        fig = fig.merge(Toml::file(path));
    }
    fig = fig.merge(Env::prefixed("NOTEBRIDGE_").split("__"));
    let mut cfg: Config = fig.extract().context("reading configuration")?;
    if fig.find_value("translate").is_ok() {
        cfg.translate.bridge = fig.extract_inner("translate").context("reading [translate]")?;
    }
    // The flat alias the issue names; `NOTEBRIDGE_TRANSLATE__ENGINES` is read above.
    if let Ok(list) = std::env::var("NOTEBRIDGE_TRANSLATE_ENGINES") {
        let engines = parse_engine_list(&list).context("NOTEBRIDGE_TRANSLATE_ENGINES")?;
        cfg.translate.bridge.engines = Some(EngineList(engines));
    }
    if let Some(d) = &at.data {
        cfg.storage.data.clone_from(d);
    }
    if let Some(db) = &at.database {
        cfg.storage.database.clone_from(db);
    }
    if let Some(b) = bind {
        cfg.server.bind = b.to_owned();
    }
    Ok(cfg)
}

pub fn init_logging(cfg: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(&cfg.log.filter));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if cfg.log.format == "json" { builder.json().try_init() } else { builder.try_init() };
}

/// The blob store for media: a directory under the data directory.
pub fn open_blobs(cfg: &Config) -> Result<BlobStore> {
    let dir = cfg.storage.data.join("media");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    BlobStore::local(&dir).with_context(|| format!("opening media store {}", dir.display()))
}

/// Open the configured database (creating the data directory and SQLite file when missing)
/// and bring its schema up to date.
pub async fn open_store(cfg: &Config) -> Result<Store> {
    std::fs::create_dir_all(&cfg.storage.data)
        .with_context(|| format!("creating data directory {}", cfg.storage.data.display()))?;
    let url = cfg.database_url();
    let opts = StoreOptions {
        max_connections: cfg.storage.max_connections,
        writer_cache_mib: cfg.storage.writer_cache_mib,
    };
    let store = Store::connect(&url, &opts)
        .await
        .with_context(|| format!("opening database {}", cfg.redacted_database_url()))?;
    store.migrate().await.context("migrating database")?;
    Ok(store)
}
