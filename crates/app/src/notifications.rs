//! A member's notifications and read markers.

use std::collections::HashMap;

use nb_store::{AccountRow, CommentView, MarkerRow, NoteView, Page, Profile};

use crate::{AppError, Ctx, Result, comments, notes};

/// A notification with what a client shows: who did it and to which note.
#[derive(Debug, Clone)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub created_at: i64,
    pub actor: Profile,
    pub note: Option<NoteView>,
    /// The comment a comment, reply, mention or like is about.
    pub comment: Option<CommentView>,
}

pub async fn list(
    ctx: &Ctx,
    me: &AccountRow,
    kinds: Option<&[String]>,
    page: &Page,
) -> Result<Vec<Notification>> {
    let mut rows = ctx.store.notifications(me.id, kinds, page).await?;
    let hidden = ctx.store.hidden_for(me.id).await?;
    rows.retain(|r| {
        !hidden.blocked.contains(&r.actor_id) && !hidden.muted_notifications.contains(&r.actor_id)
    });
    let mut actor_ids: Vec<i64> = rows.iter().map(|r| r.actor_id).collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    let actors: HashMap<i64, Profile> =
        ctx.store.profiles(&actor_ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(actor) = actors.get(&r.actor_id).cloned() else { continue };
        let note = match r.note_id {
            Some(id) => match notes::get_visible(ctx, Some(me.id), id).await {
                Ok(n) => Some(n),
                Err(AppError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let comment = match r.comment_id {
            Some(id) => match comments::get_visible(ctx, Some(me.id), id).await {
                Ok(c) => Some(c),
                Err(AppError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            },
            None => None,
        };
        out.push(Notification {
            id: r.id,
            kind: r.kind,
            created_at: r.created_at,
            actor,
            note,
            comment,
        });
    }
    Ok(out)
}

pub async fn get(ctx: &Ctx, me: &AccountRow, id: i64) -> Result<Notification> {
    let row = ctx.store.notification(me.id, id).await?.ok_or(AppError::NotFound("notification"))?;
    let page =
        Page { max_id: Some(row.id + 1), since_id: Some(row.id - 1), min_id: None, limit: 1 };
    list(ctx, me, None, &page).await?.into_iter().next().ok_or(AppError::NotFound("notification"))
}

pub async fn dismiss(ctx: &Ctx, me: &AccountRow, id: i64) -> Result<()> {
    if !ctx.store.dismiss_notification(me.id, id).await? {
        return Err(AppError::NotFound("notification"));
    }
    Ok(())
}

pub async fn clear(ctx: &Ctx, me: &AccountRow) -> Result<()> {
    Ok(ctx.store.clear_notifications(me.id).await?)
}

/// The timelines Mastodon clients keep markers for.
pub const MARKER_TIMELINES: &[&str] = &["home", "notifications"];

pub async fn markers(ctx: &Ctx, me: &AccountRow) -> Result<Vec<MarkerRow>> {
    Ok(ctx.store.markers(me.id).await?)
}

pub async fn set_marker(ctx: &Ctx, me: &AccountRow, timeline: &str, last_read: i64) -> Result<()> {
    if !MARKER_TIMELINES.contains(&timeline) {
        return Err(
            nb_domain::ValidationError::new("timeline", "must be home or notifications").into()
        );
    }
    Ok(ctx.store.set_marker(me.id, timeline, last_read, ctx.now()).await?)
}

/// How many notifications the member has not seen, up to `cap`.
pub async fn unread(ctx: &Ctx, me: &AccountRow, cap: i64) -> Result<i64> {
    Ok(ctx.store.unread_notifications(me.id, cap).await?)
}
