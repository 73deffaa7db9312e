//! Follows. Blocks and mutes arrive in a later slice.

use nb_store::{AccountRow, Hidden, ListedProfile, Page};

use crate::{AppError, Ctx, Result, accounts, auth};

/// How two accounts stand, seen from `actor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relationship {
    pub target: i64,
    pub following: bool,
    pub followed_by: bool,
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
}

pub async fn relationship(ctx: &Ctx, actor: i64, target: i64) -> Result<Relationship> {
    let (blocking, blocked_by, muting, muting_notifications) =
        ctx.store.block_state(actor, target).await?;
    Ok(Relationship {
        target,
        following: ctx.store.is_following(actor, target).await?,
        followed_by: ctx.store.is_following(target, actor).await?,
        blocking,
        blocked_by,
        muting,
        muting_notifications,
    })
}

/// Whom `viewer` must not see (nobody, when signed out).
pub async fn hidden(ctx: &Ctx, viewer: Option<i64>) -> Result<Hidden> {
    match viewer {
        Some(v) => Ok(ctx.store.hidden_for(v).await?),
        None => Ok(Hidden::default()),
    }
}

/// Is there a block between these two, either way?
pub async fn blocked_between(ctx: &Ctx, a: i64, b: i64) -> Result<bool> {
    let (blocking, blocked_by, _, _) = ctx.store.block_state(a, b).await?;
    Ok(blocking || blocked_by)
}

/// Block: follows end both ways and neither sees the other anywhere.
pub async fn block(ctx: &Ctx, actor: &AccountRow, target: i64) -> Result<Relationship> {
    if actor.id == target {
        return Err(AppError::Forbidden("you cannot block yourself"));
    }
    accounts::get(ctx, target).await?;
    ctx.store.block(actor.id, target, ctx.next_id(), ctx.now()).await?;
    relationship(ctx, actor.id, target).await
}

pub async fn unblock(ctx: &Ctx, actor: &AccountRow, target: i64) -> Result<Relationship> {
    accounts::get(ctx, target).await?;
    ctx.store.unblock(actor.id, target).await?;
    relationship(ctx, actor.id, target).await
}

/// Mute: the target's notes and comments leave the actor's feeds; with `notifications`, their
/// notifications too.
pub async fn mute(
    ctx: &Ctx,
    actor: &AccountRow,
    target: i64,
    notifications: bool,
) -> Result<Relationship> {
    if actor.id == target {
        return Err(AppError::Forbidden("you cannot mute yourself"));
    }
    accounts::get(ctx, target).await?;
    ctx.store.mute(actor.id, target, notifications, ctx.next_id(), ctx.now()).await?;
    relationship(ctx, actor.id, target).await
}

pub async fn unmute(ctx: &Ctx, actor: &AccountRow, target: i64) -> Result<Relationship> {
    accounts::get(ctx, target).await?;
    ctx.store.unmute(actor.id, target).await?;
    relationship(ctx, actor.id, target).await
}

pub async fn blocked_accounts(
    ctx: &Ctx,
    actor: &AccountRow,
    page: &Page,
) -> Result<Vec<ListedProfile>> {
    Ok(ctx.store.blocked_accounts(actor.id, page).await?)
}

pub async fn muted_accounts(
    ctx: &Ctx,
    actor: &AccountRow,
    page: &Page,
) -> Result<Vec<ListedProfile>> {
    Ok(ctx.store.muted_accounts(actor.id, page).await?)
}

pub async fn follow(ctx: &Ctx, actor: &AccountRow, target: i64) -> Result<Relationship> {
    if actor.id == target {
        return Err(AppError::Forbidden("you cannot follow yourself"));
    }
    let other = accounts::get(ctx, target).await?;
    auth::ensure_usable(&other).map_err(|_| AppError::NotFound("account"))?;
    if blocked_between(ctx, actor.id, target).await? {
        return Err(AppError::Forbidden("you cannot follow this account"));
    }
    ctx.store.follow(actor.id, target, ctx.act()).await?;
    ctx.explore.forget_profile(actor.id);
    relationship(ctx, actor.id, target).await
}

pub async fn unfollow(ctx: &Ctx, actor: &AccountRow, target: i64) -> Result<Relationship> {
    accounts::get(ctx, target).await?;
    ctx.store.unfollow(actor.id, target).await?;
    ctx.explore.forget_profile(actor.id);
    relationship(ctx, actor.id, target).await
}

/// Who follows `account`, most recent first.
pub async fn followers(ctx: &Ctx, account: i64, page: &Page) -> Result<Vec<ListedProfile>> {
    accounts::get(ctx, account).await?;
    Ok(ctx.store.followers(account, page).await?)
}

/// Whom `account` follows, most recent first.
pub async fn following(ctx: &Ctx, account: i64, page: &Page) -> Result<Vec<ListedProfile>> {
    accounts::get(ctx, account).await?;
    Ok(ctx.store.following(account, page).await?)
}
