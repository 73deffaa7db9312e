//! Boards: named collections of collected notes, public or private.

/// 1 to 40 characters on one line.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 40 && !name.contains('\0') && !name.contains('\n')
}

use nb_domain::ValidationError;
use nb_store::{AccountRow, BoardRow};

use crate::{AppError, Ctx, Result};

pub const MAX_BOARDS: usize = 100;

pub async fn create(
    ctx: &Ctx,
    owner: &AccountRow,
    name: &str,
    visibility: Option<&str>,
) -> Result<BoardRow> {
    let name = name.trim();
    if !valid_name(name) {
        return Err(ValidationError::new("name", "must be 1 to 40 characters on one line").into());
    }
    let visibility = match visibility.unwrap_or("private") {
        v @ ("public" | "private") => v,
        _ => return Err(ValidationError::new("visibility", "must be public or private").into()),
    };
    if ctx.store.boards_of(owner.id).await?.len() >= MAX_BOARDS {
        return Err(ValidationError::new("name", format!("at most {MAX_BOARDS} boards")).into());
    }
    let board = BoardRow {
        id: ctx.next_id(),
        owner_id: owner.id,
        name: name.to_owned(),
        is_default: 0,
        visibility: visibility.to_owned(),
        created_at: ctx.now(),
        notes_count: 0,
    };
    ctx.store.insert_board(&board).await?;
    Ok(board)
}

/// One of the member's own boards; another member's board does not exist for them.
pub async fn own(ctx: &Ctx, owner: &AccountRow, id: i64) -> Result<BoardRow> {
    match ctx.store.board(id).await? {
        Some(b) if b.owner_id == owner.id => Ok(b),
        _ => Err(AppError::NotFound("board")),
    }
}

/// A member's boards as `viewer` may see them: all for the owner, public ones for others.
pub async fn list(ctx: &Ctx, viewer: Option<i64>, owner: i64) -> Result<Vec<BoardRow>> {
    let boards = ctx.store.boards_of(owner).await?;
    Ok(boards.into_iter().filter(|b| viewer == Some(owner) || b.visibility == "public").collect())
}
