use std::sync::Arc;

use nb_domain::{Clock, IdGenerator, RegistrationMode, SystemClock};
use nb_media::BlobStore;
use nb_store::Store;
use tokio::sync::{Notify, Semaphore};

use crate::jobs::JobSettings;
use crate::mail::MailSettings;
use crate::password::HashParams;
use crate::translate::Translation;

/// Operator settings the use cases obey.
#[derive(Debug, Clone)]
pub struct Settings {
    pub registration: RegistrationMode,
    pub password_hash: HashParams,
    pub jobs: JobSettings,
    /// Outgoing mail, when the operator configured a mail server.
    pub mail: Option<MailSettings>,
    /// A member who posts with more followers than this is *pulled*: their notes are read into
    /// their followers' home feeds instead of written into each (see `nb_store`'s `home.rs`).
    pub home_pull_above: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            registration: RegistrationMode::default(),
            password_hash: HashParams::default(),
            jobs: JobSettings::default(),
            mail: None,
            home_pull_above: HOME_PULL_ABOVE,
        }
    }
}

/// The default of [`Settings::home_pull_above`]; see docs/decisions.md for the measurement.
pub const HOME_PULL_ABOVE: i64 = 50;

/// What every use case works with.
#[derive(Clone)]
pub struct Ctx {
    pub store: Store,
    /// Where media bytes live.
    pub blobs: BlobStore,
    /// Image intake is CPU- and memory-heavy: this many run at once, the rest wait.
    pub intake_permits: Arc<Semaphore>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<IdGenerator>,
    pub settings: Arc<Settings>,
    /// Rung when a job is enqueued, so an idle worker starts at once.
    pub jobs_wake: Arc<Notify>,
    /// Translation engines, cache policy and quotas.
    pub translation: Arc<Translation>,
    /// Explore's candidate pool and the viewers' ranked snapshots.
    pub explore: Arc<crate::explore::ExploreState>,
}

impl Ctx {
    pub fn new(store: Store, blobs: BlobStore, settings: Settings) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            store,
            blobs,
            intake_permits: Arc::new(Semaphore::new(cores.max(1))),
            clock: Arc::new(SystemClock),
            ids: Arc::new(IdGenerator::new()),
            settings: Arc::new(settings),
            jobs_wake: Arc::new(Notify::new()),
            translation: Arc::default(),
            explore: Arc::default(),
        }
    }

    /// Use these translation engines and quotas instead of the defaults.
    pub fn with_translation(mut self, translation: Translation) -> Self {
        self.translation = Arc::new(translation);
        self
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// A new id stamped with the current time.
    pub fn next_id(&self) -> i64 {
        self.ids.next(self.now()).0
    }

    /// Ids and time for an act (a like, a collect, a follow) and its notification.
    pub fn act(&self) -> nb_store::Act {
        let at = self.now();
        nb_store::Act { id: self.ids.next(at).0, notification_id: self.ids.next(at).0, at }
    }
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").field("store", &self.store.backend()).finish_non_exhaustive()
    }
}
