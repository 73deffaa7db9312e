//! Notebridge use cases. Every write goes through a function here, whether it comes from the
//! HTTP server, the simulator or an admin command, so there is one way to post a note.
//!
//! Use cases take their collaborators in [`Ctx`]: the store, the clock and the id generator.
//! Tests and the simulator build a `Ctx` with a manual clock and a seeded generator.

pub mod accounts;
pub mod auth;
pub mod boards;
pub mod bulk;
pub mod comments;
mod ctx;
pub mod engagement;
mod error;
pub mod explore;
pub mod feeds;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod notes;
pub mod notifications;
pub mod password;
pub mod posts;
pub mod search;
pub mod sessions;
pub mod social;
pub mod translate;

pub use ctx::{Ctx, HOME_PULL_ABOVE, Settings};
pub use error::AppError;
pub use nb_store::{
    AccountRow, AppRow, BoardRow, CommentView, ListedProfile, MarkerRow, MediaRow, NoteView, Page,
    Profile, Store, StoreError, StoreOptions, ViewerMarks,
};

pub use nb_media::BlobStore;

pub type Result<T, E = AppError> = std::result::Result<T, E>;
