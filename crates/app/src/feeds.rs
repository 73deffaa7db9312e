//! Chronological feeds, without the accounts the viewer blocked, is blocked by or muted.
//! Explore is ranked: see `explore`.

use nb_store::{NoteView, Page};

use crate::{Ctx, Result, social};

/// The page `read` gives, without notes by accounts hidden from `viewer`; a page may come back
/// shorter than asked. The page and the hidden accounts are read together (on PostgreSQL, two
/// connections at once).
async fn without_hidden(
    ctx: &Ctx,
    viewer: Option<i64>,
    read: impl Future<Output = Result<Vec<NoteView>, nb_store::StoreError>>,
) -> Result<Vec<NoteView>> {
    let (mut notes, hidden) =
        tokio::try_join!(async { Ok(read.await?) }, social::hidden(ctx, viewer))?;
    notes.retain(|n| !hidden.hides(n.author_id));
    Ok(notes)
}

/// Notes of the accounts `viewer` follows, and their own, newest first.
pub async fn home(ctx: &Ctx, viewer: i64, page: &Page) -> Result<Vec<NoteView>> {
    without_hidden(ctx, Some(viewer), ctx.store.home_feed(viewer, page)).await
}

/// Every public note, newest first.
pub async fn public(ctx: &Ctx, viewer: Option<i64>, page: &Page) -> Result<Vec<NoteView>> {
    without_hidden(ctx, viewer, ctx.store.public_feed(page)).await
}

/// Public notes with a tag (`#美食` and `#美食#` are the same tag; case does not matter).
pub async fn tag(ctx: &Ctx, viewer: Option<i64>, tag: &str, page: &Page) -> Result<Vec<NoteView>> {
    let key = nb_text::tag_key(tag.trim().trim_start_matches('#').trim_end_matches('#'));
    without_hidden(ctx, viewer, ctx.store.tag_feed(&key, page)).await
}

/// One author's notes as `viewer` may see them: private ones only for the author and followers,
/// none across a block.
pub async fn author(
    ctx: &Ctx,
    viewer: Option<i64>,
    author: i64,
    page: &Page,
) -> Result<Vec<NoteView>> {
    let include_private = match viewer {
        Some(v) if v == author => true,
        Some(v) => {
            if social::blocked_between(ctx, v, author).await? {
                return Ok(Vec::new());
            }
            ctx.store.is_following(v, author).await?
        }
        None => false,
    };
    Ok(ctx.store.author_feed(author, include_private, page).await?)
}

/// The tags most used by the newest public notes: Explore's topic tabs.
pub async fn trending_tags(ctx: &Ctx, limit: i64) -> Result<Vec<String>> {
    Ok(ctx.store.trending_tags(2_000, limit).await?)
}
