//! Follows. Blocks and mutes arrive in a later slice.

use nb_store::{AccountRow, ListedProfile, Page};

use crate::{AppError, Ctx, Result, accounts, auth};

/// How two accounts stand, seen from `actor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relationship {
    pub target: i64,
    pub following: bool,
    pub followed_by: bool,
}

pub async fn relationship(ctx: &Ctx, actor: i64, target: i64) -> Result<Relationship> {
    Ok(Relationship {
        target,
        following: ctx.store.is_following(actor, target).await?,
        followed_by: ctx.store.is_following(target, actor).await?,
    })
}

pub async fn follow(ctx: &Ctx, actor: &AccountRow, target: i64) -> Result<Relationship> {
    if actor.id == target {
        return Err(AppError::Forbidden("you cannot follow yourself"));
    }
    let other = accounts::get(ctx, target).await?;
    auth::ensure_usable(&other).map_err(|_| AppError::NotFound("account"))?;
    ctx.store.follow(actor.id, target, ctx.act()).await?;
    relationship(ctx, actor.id, target).await
}

pub async fn unfollow(ctx: &Ctx, actor: &AccountRow, target: i64) -> Result<Relationship> {
    accounts::get(ctx, target).await?;
    ctx.store.unfollow(actor.id, target).await?;
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
