//! Comments: two levels, as RedNote. Replying to a reply attaches to its top-level comment and
//! names whom it answers.

use nb_domain::{LanguageTag, NoteText, ValidationError};
use nb_store::{
    AccountRow, CommentNotice, CommentView, IDEMPOTENCY_WINDOW_MS, NewComment, StoreError,
};

use crate::{AppError, Ctx, Result, notes, social};

pub struct NewReply {
    pub text: String,
    pub language: Option<String>,
    /// A client's `Idempotency-Key`: a retry within an hour returns the first comment.
    pub idempotency_key: Option<String>,
}

/// Comment on a note, or reply to a comment: `target` is either's id.
pub async fn post(ctx: &Ctx, author: &AccountRow, target: i64, r: NewReply) -> Result<CommentView> {
    let key = notes::idempotency_key(r.idempotency_key.as_deref())?;
    if let Some(key) = key
        && let Some(existing) = earlier_comment(ctx, author, key).await?
    {
        return Ok(existing);
    }
    let text = NoteText::parse(&r.text)?;
    if text.is_blank() {
        return Err(ValidationError::new("status", "can't be blank").into());
    }
    let language = match r.language.as_deref().filter(|l| !l.is_empty()) {
        Some(l) => Some(LanguageTag::parse(l)?.primary().to_owned()),
        None => nb_text::guess_language(text.as_str()).map(str::to_owned),
    };
    let (note, parent, reply_to) = match ctx.store.comment(target).await? {
        Some(c) => {
            get_visible(ctx, Some(author.id), c.id).await?;
            (
                notes::get_visible(ctx, Some(author.id), c.note_id).await?,
                Some(c.parent_id.unwrap_or(c.id)),
                Some(c.author_id),
            )
        }
        None => (notes::get_visible(ctx, Some(author.id), target).await?, None, None),
    };
    if let Some(replied) = reply_to
        && replied != author.id
        && social::blocked_between(ctx, author.id, replied).await?
    {
        return Err(AppError::Forbidden("you cannot reply to this account"));
    }
    let mut notices: Vec<CommentNotice> = Vec::new();
    if let Some(replied) = reply_to {
        notices.push((ctx.next_id(), replied, "reply"));
    }
    if reply_to != Some(note.author_id) {
        notices.push((ctx.next_id(), note.author_id, "comment"));
    }
    for m in notes::mentioned_accounts(ctx, text.as_str()).await? {
        if !notices.iter().any(|(_, r, _)| *r == m) {
            notices.push((ctx.next_id(), m, "mention"));
        }
    }
    let comment = NewComment {
        id: ctx.next_id(),
        note_id: note.id,
        author_id: author.id,
        parent_id: parent,
        reply_to_account_id: reply_to,
        body: text.as_str().to_owned(),
        language,
        created_at: ctx.now(),
        idempotency_key: key.map(str::to_owned),
    };
    match ctx.store.insert_comment(&comment, &notices).await {
        Ok(()) => {}
        // A concurrent retry with the same key won: answer with its comment.
        Err(StoreError::Conflict("comment_idempotency_keys")) => {
            return earlier_comment(ctx, author, key.unwrap_or_default())
                .await?
                .ok_or(AppError::Taken("Idempotency-Key"));
        }
        Err(e) => return Err(e.into()),
    }
    ctx.explore.touch(note.id);
    ctx.store.comment(comment.id).await?.ok_or(AppError::NotFound("comment"))
}

async fn earlier_comment(ctx: &Ctx, author: &AccountRow, key: &str) -> Result<Option<CommentView>> {
    let since = ctx.now() - IDEMPOTENCY_WINDOW_MS;
    match ctx.store.comment_by_idempotency_key(author.id, key, since).await? {
        Some(id) => Ok(ctx.store.comment(id).await?),
        None => Ok(None),
    }
}

/// A comment the viewer may see (they may see its note).
pub async fn get_visible(ctx: &Ctx, viewer: Option<i64>, id: i64) -> Result<CommentView> {
    let c = ctx.store.comment(id).await?.ok_or(AppError::NotFound("comment"))?;
    if !notes::can_see_by(ctx, viewer, c.note_author_id, &c.note_visibility).await? {
        return Err(AppError::NotFound("comment"));
    }
    if let Some(v) = viewer {
        for other in [c.author_id, c.note_author_id] {
            if other != v && social::blocked_between(ctx, v, other).await? {
                return Err(AppError::NotFound("comment"));
            }
        }
    }
    Ok(c)
}

/// Its author or the note's author may delete a comment (with its replies).
pub async fn delete(ctx: &Ctx, actor: &AccountRow, id: i64) -> Result<CommentView> {
    let c = get_visible(ctx, Some(actor.id), id).await?;
    if c.author_id != actor.id && c.note_author_id != actor.id {
        return Err(AppError::Forbidden(
            "you can only delete your own comments and comments on your notes",
        ));
    }
    ctx.store.delete_comment(id).await?;
    ctx.explore.touch(c.note_id);
    Ok(c)
}

pub async fn like(ctx: &Ctx, actor: &AccountRow, id: i64) -> Result<CommentView> {
    get_visible(ctx, Some(actor.id), id).await?;
    ctx.store.like_comment(actor.id, id, ctx.act()).await?;
    get_visible(ctx, Some(actor.id), id).await
}

pub async fn unlike(ctx: &Ctx, actor: &AccountRow, id: i64) -> Result<CommentView> {
    get_visible(ctx, Some(actor.id), id).await?;
    ctx.store.unlike_comment(actor.id, id).await?;
    get_visible(ctx, Some(actor.id), id).await
}

/// A note's comments in thread order: each top-level comment followed by its replies.
pub async fn thread(ctx: &Ctx, viewer: Option<i64>, note: i64) -> Result<Vec<CommentView>> {
    notes::get_visible(ctx, viewer, note).await?;
    let hidden = social::hidden(ctx, viewer).await?;
    let mut all = ctx.store.note_comments(note).await?;
    all.retain(|c| !hidden.hides(c.author_id));
    let (tops, replies): (Vec<_>, Vec<_>) = all.into_iter().partition(|c| c.parent_id.is_none());
    let mut out = Vec::with_capacity(tops.len() + replies.len());
    for top in tops {
        let id = top.id;
        out.push(top);
        out.extend(replies.iter().filter(|r| r.parent_id == Some(id)).cloned());
    }
    Ok(out)
}
