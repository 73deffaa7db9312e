//! Liking and collecting notes, and the lists they make.

use nb_store::{AccountRow, CommentView, ListedProfile, NoteView, Page, ViewerMarks};

use crate::{Ctx, Result, boards, notes};

/// Like a note the member can see; returns it as it is now.
pub async fn like(ctx: &Ctx, actor: &AccountRow, note: i64) -> Result<NoteView> {
    notes::get_visible(ctx, Some(actor.id), note).await?;
    ctx.store.like(actor.id, note, ctx.act()).await?;
    ctx.explore.engaged(actor.id, note);
    notes::get_visible(ctx, Some(actor.id), note).await
}

/// Undo a like. Allowed even when the note is no longer visible to the member (they unfollowed
/// its author): one's own likes must always be removable.
pub async fn unlike(ctx: &Ctx, actor: &AccountRow, note: i64) -> Result<NoteView> {
    ctx.store.unlike(actor.id, note).await?;
    ctx.explore.engaged(actor.id, note);
    notes::get_visible(ctx, Some(actor.id), note).await
}

/// Collect a note into one of the member's boards (the default board when none is named).
/// Collecting an already collected note into another board moves it there.
pub async fn collect(
    ctx: &Ctx,
    actor: &AccountRow,
    note: i64,
    board: Option<i64>,
) -> Result<NoteView> {
    notes::get_visible(ctx, Some(actor.id), note).await?;
    let board = match board {
        Some(id) => boards::own(ctx, actor, id).await?.id,
        None => ctx.store.default_board(actor.id, ctx.next_id(), ctx.now()).await?.id,
    };
    ctx.store.collect(actor.id, note, board, ctx.act()).await?;
    ctx.explore.engaged(actor.id, note);
    notes::get_visible(ctx, Some(actor.id), note).await
}

/// Take a note out of the member's boards, visible to them or not (as [`unlike`]).
pub async fn uncollect(ctx: &Ctx, actor: &AccountRow, note: i64) -> Result<NoteView> {
    ctx.store.uncollect(actor.id, note).await?;
    ctx.explore.engaged(actor.id, note);
    notes::get_visible(ctx, Some(actor.id), note).await
}

/// The member's liked notes, most recently liked first (`cursor`: the like).
pub async fn liked(ctx: &Ctx, actor: &AccountRow, page: &Page) -> Result<Vec<NoteView>> {
    let notes = ctx.store.liked_notes(actor.id, page).await?;
    visible_only(ctx, actor.id, notes).await
}

/// The member's collected notes, most recent first (`cursor`: the collect).
pub async fn collected(ctx: &Ctx, actor: &AccountRow, page: &Page) -> Result<Vec<NoteView>> {
    let notes = ctx.store.collected_notes(actor.id, page).await?;
    visible_only(ctx, actor.id, notes).await
}

/// A private note liked while following its author stays listed only while it is visible.
async fn visible_only(ctx: &Ctx, viewer: i64, notes: Vec<NoteView>) -> Result<Vec<NoteView>> {
    let mut out = Vec::with_capacity(notes.len());
    for n in notes {
        if notes::can_see(ctx, Some(viewer), &n).await? {
            out.push(n);
        }
    }
    Ok(out)
}

/// Who liked a note the viewer can see.
pub async fn likers(
    ctx: &Ctx,
    viewer: Option<i64>,
    note: i64,
    page: &Page,
) -> Result<Vec<ListedProfile>> {
    notes::get_visible(ctx, viewer, note).await?;
    let hidden = crate::social::hidden(ctx, viewer).await?;
    let mut likers = ctx.store.likers(note, page).await?;
    likers.retain(|l| !hidden.blocked.contains(&l.profile.id));
    Ok(likers)
}

/// What the viewer has done to these notes (nothing, when signed out).
pub async fn marks(ctx: &Ctx, viewer: Option<i64>, notes: &[NoteView]) -> Result<ViewerMarks> {
    marks_with_comments(ctx, viewer, notes, &[]).await
}

/// What the viewer has done to these notes and comments. Notes and comments share one id
/// space, so liked comments join `liked`.
pub async fn marks_with_comments(
    ctx: &Ctx,
    viewer: Option<i64>,
    notes: &[NoteView],
    comments: &[CommentView],
) -> Result<ViewerMarks> {
    let Some(viewer) = viewer else { return Ok(ViewerMarks::default()) };
    let ids: Vec<i64> = notes.iter().map(|n| n.id).collect();
    let mut marks = ctx.store.viewer_marks(viewer, &ids).await?;
    let comment_ids: Vec<i64> = comments.iter().map(|c| c.id).collect();
    marks.liked.extend(ctx.store.liked_comments(viewer, &comment_ids).await?);
    Ok(marks)
}
