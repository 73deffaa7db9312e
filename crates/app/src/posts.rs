//! A status id names a note or a comment (they share one id space). These use cases take
//! either, as the Mastodon API does.

use nb_store::{AccountRow, CommentView, NoteView};

use crate::{AppError, Ctx, Result, comments, engagement, notes};

#[derive(Debug, Clone)]
pub enum Post {
    Note(NoteView),
    Comment(CommentView),
}

pub async fn get(ctx: &Ctx, viewer: Option<i64>, id: i64) -> Result<Post> {
    match notes::get_visible(ctx, viewer, id).await {
        Ok(n) => Ok(Post::Note(n)),
        Err(AppError::NotFound(_)) => {
            Ok(Post::Comment(comments::get_visible(ctx, viewer, id).await?))
        }
        Err(e) => Err(e),
    }
}

pub async fn delete(ctx: &Ctx, actor: &AccountRow, id: i64) -> Result<Post> {
    match get(ctx, Some(actor.id), id).await? {
        Post::Note(_) => Ok(Post::Note(notes::delete(ctx, actor, id).await?)),
        Post::Comment(_) => Ok(Post::Comment(comments::delete(ctx, actor, id).await?)),
    }
}

pub async fn like(ctx: &Ctx, actor: &AccountRow, id: i64) -> Result<Post> {
    match get(ctx, Some(actor.id), id).await? {
        Post::Note(_) => Ok(Post::Note(engagement::like(ctx, actor, id).await?)),
        Post::Comment(_) => Ok(Post::Comment(comments::like(ctx, actor, id).await?)),
    }
}

pub async fn unlike(ctx: &Ctx, actor: &AccountRow, id: i64) -> Result<Post> {
    match get(ctx, Some(actor.id), id).await? {
        Post::Note(_) => Ok(Post::Note(engagement::unlike(ctx, actor, id).await?)),
        Post::Comment(_) => Ok(Post::Comment(comments::unlike(ctx, actor, id).await?)),
    }
}

/// What comes before and after a post in its thread: for a note, nothing before and its
/// comments after; for a comment, its note (and top-level comment) before and its replies after.
pub async fn context(ctx: &Ctx, viewer: Option<i64>, id: i64) -> Result<(Vec<Post>, Vec<Post>)> {
    match get(ctx, viewer, id).await? {
        Post::Note(n) => {
            let thread = comments::thread(ctx, viewer, n.id).await?;
            Ok((Vec::new(), thread.into_iter().map(Post::Comment).collect()))
        }
        Post::Comment(c) => {
            let mut before = vec![Post::Note(notes::get_visible(ctx, viewer, c.note_id).await?)];
            let after = match c.parent_id {
                Some(parent) => {
                    before.push(Post::Comment(comments::get_visible(ctx, viewer, parent).await?));
                    Vec::new()
                }
                None => ctx.store.comment_replies(c.id).await?,
            };
            Ok((before, after.into_iter().map(Post::Comment).collect()))
        }
    }
}
