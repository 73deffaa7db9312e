//! The API over real HTTP, one module per endpoint family. Every refusal is a 4xx with a reason
//! and leaves nothing half-written.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod authorize;
mod blocks;
mod comments;
mod confirmation;
mod engagement;
mod input;
mod limits;
mod media;
mod notifications;
mod oauth;
mod statuses;
mod timelines;
mod translate;
