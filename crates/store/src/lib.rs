//! Persistence for Notebridge: one API, two backends.
//!
//! SQLite is the embedded default (WAL, foreign keys, one writer connection and a pool of
//! readers; bulk batches run on a rusqlite connection that takes the writer's turn, see
//! `bulk/lite.rs`); PostgreSQL is for scale-out. Both run the *same* SQL text wherever standard
//! SQL allows it: sqlx's SQLite driver reads `$1`-style placeholders as positional arguments, so a
//! query is written once and the [`on_read!`]/[`on_write!`] macros compile it against each
//! backend's native driver. Where the dialects differ, a method matches on the backend itself.
//! The conformance suite in `tests/` runs unchanged against both and is the check that they agree.

mod accounts;
mod apps;
mod blocks;
mod bulk;
mod checkpoint;
mod comments;
mod confirmations;
mod db;
mod engagement;
mod error;
mod explore;
mod follows;
mod gc;
mod home;
mod idempotency;
mod jobs;
mod lists;
mod lite;
mod media;
mod notes;
mod notifications;
mod page;
mod preferences;
mod recent;
mod script;
mod search;
mod sessions;
mod stats;
mod translations;

pub use accounts::{AccountRow, NewAccount, Profile, ProfileUpdate};
pub use apps::{AppRow, CodeRow, NewApp, NewToken, TokenRow, UserToken};
pub use blocks::Hidden;
pub use bulk::{BulkCollect, BulkEdge, BulkNotice, HomeEntry};
pub use comments::{CommentNotice, CommentView, NewComment, THREAD_LIMIT};
pub use confirmations::EmailConfirmation;
pub use db::{Arg, Backend, Store, StoreOptions};
pub use engagement::{Act, BoardRow, ListedProfile, NOTIFY_AUTHOR_ONCE, NOTIFY_ONCE, ViewerMarks};
pub use error::StoreError;
pub use explore::{
    EXPLORE_NEWEST, EXPLORE_TOP, ExploreCandidate, FOLLOWEE_IDS, LIKED_NOTES, explore_score,
};
pub use gc::{MediaRemoval, Picture};
pub use home::{HOME_IDS, NEWEST_OF_MEMBER, newest_of_members_pg, pulled_note_ids};
pub use idempotency::IDEMPOTENCY_WINDOW_MS;
pub use jobs::{JobRow, NewJob};
pub use media::MediaRow;
pub use notes::{AUTHOR_FEED, FeedSql, NewNote, NoteView, PUBLIC_FEED, TAG_FEED};
pub use notifications::{MarkerRow, NotificationRow};
pub use page::Page;
pub use stats::SizeSummary;
pub use translations::CachedTranslation;
