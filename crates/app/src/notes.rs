//! Posting, reading and deleting notes.

use nb_domain::{LanguageTag, NoteText, NoteTitle, ValidationError, Visibility};
use std::collections::HashMap;

use nb_store::{AccountRow, IDEMPOTENCY_WINDOW_MS, NewNote, NoteView, Profile, StoreError};

use crate::{AppError, Ctx, Result};

/// A note has at most this many distinct tags; extra ones stay plain text.
pub(crate) const MAX_TAGS: usize = 30;

#[derive(Debug, Clone, Default)]
pub struct Compose {
    pub title: Option<String>,
    pub text: String,
    pub visibility: Option<String>,
    pub language: Option<String>,
    /// The OAuth app that posted it, shown as `application`.
    pub app_id: Option<i64>,
    /// A client's `Idempotency-Key`: a retry within an hour returns the first note.
    pub idempotency_key: Option<String>,
    /// The member's uploaded media, in display order.
    pub media_ids: Vec<i64>,
}

pub async fn post(ctx: &Ctx, author: &AccountRow, c: Compose) -> Result<NoteView> {
    let key = idempotency_key(c.idempotency_key.as_deref())?;
    if let Some(key) = key
        && let Some(existing) = earlier_post(ctx, author, key).await?
    {
        return Ok(existing);
    }
    let title = NoteTitle::parse(c.title.as_deref().unwrap_or(""))?;
    let text = NoteText::parse(&c.text)?;
    if text.is_blank() && title.as_str().is_empty() && c.media_ids.is_empty() {
        return Err(ValidationError::new("status", "can't be blank").into());
    }
    if c.media_ids.len() > crate::media::MAX_PER_NOTE {
        return Err(ValidationError::new(
            "media_ids",
            format!("at most {} photos per note", crate::media::MAX_PER_NOTE),
        )
        .into());
    }
    let mut seen = std::collections::HashSet::new();
    if !c.media_ids.iter().all(|m| seen.insert(*m)) {
        return Err(ValidationError::new("media_ids", "lists a photo twice").into());
    }
    let visibility = match c.visibility.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => Visibility::parse(v)?,
        None => Visibility::Public,
    };
    let language = match c.language.as_deref().filter(|l| !l.is_empty()) {
        Some(l) => Some(LanguageTag::parse(l)?.primary().to_owned()),
        None => nb_text::guess_language(&format!("{} {}", title.as_str(), text.as_str()))
            .map(str::to_owned),
    };
    let mut tags = nb_text::status::tags(title.as_str());
    for t in nb_text::status::tags(text.as_str()) {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    tags.truncate(MAX_TAGS);
    let mentioned =
        mentioned_accounts(ctx, &format!("{} {}", title.as_str(), text.as_str())).await?;
    let (id, now) = (ctx.next_id(), ctx.now());
    let note = NewNote {
        id,
        author_id: author.id,
        title: title.as_str().to_owned(),
        body: text.as_str().to_owned(),
        visibility: visibility.as_str().to_owned(),
        language,
        app_id: c.app_id,
        created_at: now,
        tags,
        mentions: mentioned.into_iter().map(|a| (ctx.next_id(), a)).collect(),
        idempotency_key: key.map(str::to_owned),
        media_ids: c.media_ids,
        // The translation prefetch, queued with the note: readers in another language find
        // its translation waiting.
        job: ctx.translation.enabled().then(|| {
            let job = crate::jobs::Job::PrefetchTranslations { note: id };
            crate::jobs::new_job(ctx, &job, now, None)
        }),
        // Only an author who looked above the threshold when read pays for the check in the
        // post's transaction; one who crossed it meanwhile is caught at their next post.
        pull_above: (author.followers_count > ctx.settings.home_pull_above)
            .then_some(ctx.settings.home_pull_above),
    };
    match ctx.store.insert_note(&note).await {
        Ok(()) => {}
        // A concurrent retry with the same key won: answer with its note.
        Err(StoreError::Conflict("idempotency_keys")) => {
            if let Some(existing) = earlier_post(ctx, author, key.unwrap_or_default()).await? {
                return Ok(existing);
            }
            return Err(AppError::Taken("Idempotency-Key"));
        }
        Err(StoreError::MediaUnavailable(id)) => {
            // A retry of a photo post finds its photos attached by the first request: answer
            // with that post.
            if let Some(k) = key
                && let Some(existing) = earlier_post(ctx, author, k).await?
            {
                return Ok(existing);
            }
            return Err(ValidationError::new(
                "media_ids",
                format!("{id} is not one of your unattached uploads"),
            )
            .into());
        }
        Err(e) => return Err(e.into()),
    }
    if note.job.is_some() {
        ctx.jobs_wake.notify_one();
    }
    ctx.explore.touch(note.id);
    ctx.store.note(note.id).await?.ok_or(AppError::NotFound("note"))
}

/// A client's `Idempotency-Key` header, checked; `None` when absent or blank.
pub(crate) fn idempotency_key(given: Option<&str>) -> Result<Option<&str>> {
    match given.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) if k.len() > 255 || k.contains('\0') => {
            Err(ValidationError::new("Idempotency-Key", "must be at most 255 bytes").into())
        }
        key => Ok(key),
    }
}

async fn earlier_post(ctx: &Ctx, author: &AccountRow, key: &str) -> Result<Option<NoteView>> {
    let since = ctx.now() - IDEMPOTENCY_WINDOW_MS;
    match ctx.store.note_by_idempotency_key(author.id, key, since).await? {
        Some(id) => Ok(ctx.store.note(id).await?),
        None => Ok(None),
    }
}

/// At most this many mentioned accounts are notified (and shown) per note or comment.
pub const MAX_MENTIONS: usize = 10;

/// The handles a text mentions (lower-cased, first [`MAX_MENTIONS`]).
pub fn mentions_in(text: &str) -> Vec<String> {
    // Every status of every page passes here: most texts mention no one, skip parsing them.
    if !text.contains('@') {
        return Vec::new();
    }
    let mut handles = nb_text::status::mentions(text);
    handles.truncate(MAX_MENTIONS);
    handles
}

/// The existing accounts a text mentions, by id.
pub(crate) async fn mentioned_accounts(ctx: &Ctx, text: &str) -> Result<Vec<i64>> {
    let found = ctx.store.profiles_by_handles(&mentions_in(text)).await?;
    Ok(found.into_iter().map(|p| p.id).collect())
}

/// The accounts these texts mention, by lower-cased handle: one lookup for a page of posts.
pub async fn mentioned_profiles<'a>(
    ctx: &Ctx,
    texts: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, Profile>> {
    let mut handles: Vec<String> = Vec::new();
    for text in texts {
        for h in mentions_in(text) {
            if !handles.contains(&h) {
                handles.push(h);
            }
        }
    }
    let found = ctx.store.profiles_by_handles(&handles).await?;
    Ok(found.into_iter().map(|p| (p.handle.to_ascii_lowercase(), p)).collect())
}

/// May `viewer` (None: signed out) see `note`? Private notes are for the author and followers.
pub async fn can_see(ctx: &Ctx, viewer: Option<i64>, note: &NoteView) -> Result<bool> {
    can_see_by(ctx, viewer, note.author_id, &note.visibility).await
}

/// The rule behind [`can_see`], for things that inherit a note's visibility (its comments).
pub async fn can_see_by(
    ctx: &Ctx,
    viewer: Option<i64>,
    author: i64,
    visibility: &str,
) -> Result<bool> {
    if visibility != Visibility::Private.as_str() || viewer == Some(author) {
        return Ok(true);
    }
    match viewer {
        Some(v) => Ok(ctx.store.is_following(v, author).await?),
        None => Ok(false),
    }
}

/// A note the viewer may see; one they may not see does not exist for them.
pub async fn get_visible(ctx: &Ctx, viewer: Option<i64>, id: i64) -> Result<NoteView> {
    let note = ctx.store.note(id).await?.ok_or(AppError::NotFound("note"))?;
    if !can_see(ctx, viewer, &note).await? {
        return Err(AppError::NotFound("note"));
    }
    if let Some(v) = viewer.filter(|v| *v != note.author_id)
        && crate::social::blocked_between(ctx, v, note.author_id).await?
    {
        return Err(AppError::NotFound("note"));
    }
    Ok(note)
}

/// Delete one's own note; returns it as it was (clients use it to redraft).
pub async fn delete(ctx: &Ctx, actor: &AccountRow, id: i64) -> Result<NoteView> {
    let note = get_visible(ctx, Some(actor.id), id).await?;
    if note.author_id != actor.id {
        return Err(AppError::Forbidden("you can only delete your own notes"));
    }
    ctx.store.delete_note(id).await?;
    ctx.explore.touch(id);
    Ok(note)
}
