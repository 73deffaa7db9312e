use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nb_app::Ctx;

use crate::api::entities::StatusMemo;
use crate::limits::{Limiter, RateLimits};

/// HTTP-level settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The address clients reach this server at (`https://notes.example`); links in API
    /// responses use it. When unset, links follow the request's `Host`.
    pub public_url: Option<String>,
    /// The largest request body accepted, in bytes (media uploads have their own limit).
    pub max_body_bytes: usize,
    pub instance_title: String,
    pub rate_limits: RateLimits,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            public_url: None,
            max_body_bytes: 64 * 1024,
            instance_title: "Notebridge".to_owned(),
            rate_limits: RateLimits::default(),
        }
    }
}

/// What every handler shares. One `Arc`: axum clones the state for every request and every
/// extractor, and copying the handles inside (a dozen reference counts on cache lines both
/// cores touch) showed as several per cent of the server's CPU under load.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub ctx: Ctx,
    pub config: Arc<ServerConfig>,
    pub limiter: Arc<Limiter>,
    /// Explore's topic tabs, recomputed at most once a [`TRENDING_TTL`].
    pub trending: Arc<Mutex<Option<Counted>>>,
    /// Notes' statuses as last serialised, for the API's feeds.
    pub statuses: Arc<StatusMemo>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Tags as counted at an instant.
pub type Counted = (Instant, Vec<String>);

/// How long Explore's topic tabs are reused before they are counted again.
pub const TRENDING_TTL: Duration = Duration::from_secs(300);

impl AppState {
    pub fn new(ctx: Ctx, config: ServerConfig) -> Self {
        Self(Arc::new(Shared {
            ctx,
            config: Arc::new(config),
            limiter: Arc::default(),
            trending: Arc::default(),
            statuses: Arc::default(),
        }))
    }
}
