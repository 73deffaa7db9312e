//! Chronological feeds. Explore (ranked) arrives with the ranking crate.

use nb_store::{NoteView, Page};

use crate::{Ctx, Result};

/// Notes of the accounts `viewer` follows, and their own, newest first.
pub async fn home(ctx: &Ctx, viewer: i64, page: &Page) -> Result<Vec<NoteView>> {
    Ok(ctx.store.home_feed(viewer, page).await?)
}

/// Every public note, newest first.
pub async fn public(ctx: &Ctx, page: &Page) -> Result<Vec<NoteView>> {
    Ok(ctx.store.public_feed(page).await?)
}

/// Public notes with a tag (`#美食` and `#美食#` are the same tag; case does not matter).
pub async fn tag(ctx: &Ctx, tag: &str, page: &Page) -> Result<Vec<NoteView>> {
    let key = nb_text::tag_key(tag.trim().trim_start_matches('#').trim_end_matches('#'));
    Ok(ctx.store.tag_feed(&key, page).await?)
}

/// One author's notes as `viewer` may see them: private ones only for the author and followers.
pub async fn author(
    ctx: &Ctx,
    viewer: Option<i64>,
    author: i64,
    page: &Page,
) -> Result<Vec<NoteView>> {
    let include_private = match viewer {
        Some(v) if v == author => true,
        Some(v) => ctx.store.is_following(v, author).await?,
        None => false,
    };
    Ok(ctx.store.author_feed(author, include_private, page).await?)
}
