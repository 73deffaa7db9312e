//! Batch use cases for the simulator and bulk imports: the same validation as the single writes
//! (handles, names, titles, texts, tags, languages), many rows per transaction, counters exact
//! after every batch. Callers give ids and times (a simulation runs on its own clock); accounts
//! share one precomputed password hash.

use nb_domain::{
    DisplayName, Email, Handle, LanguageTag, NoteText, NoteTitle, RegionCode, Visibility,
};
use nb_store::{BoardRow, MediaRow, NewAccount, NewComment, NewNote};

use crate::media::{MAX_PER_NOTE, intake_for_pool};
use crate::notes::MAX_TAGS;
use crate::{AppError, Ctx, Result};
use nb_domain::ValidationError;

pub use nb_store::{BulkCollect as Collect, BulkEdge as Edge, BulkNotice as Notice, HomeEntry};

/// A member to create.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: i64,
    pub handle: String,
    pub email: String,
    pub display_name: String,
    pub bio: String,
    pub home_region: Option<String>,
    /// BCP 47 tags, the interface language first.
    pub languages: Vec<String>,
    pub created_at: i64,
}

/// Create members with `password_hash` (one Argon2id hash computed by the caller). All or none.
pub async fn members(ctx: &Ctx, members: &[Member], password_hash: &str) -> Result<()> {
    let mut rows = Vec::with_capacity(members.len());
    let mut bios = Vec::new();
    for m in members {
        let handle = Handle::parse(&m.handle)?;
        let email = Email::parse(&m.email)?;
        let display_name = DisplayName::parse(&m.display_name)?;
        let mut languages: Vec<LanguageTag> = Vec::new();
        for l in &m.languages {
            let tag = LanguageTag::parse(l)?;
            if !languages.contains(&tag) {
                languages.push(tag);
            }
        }
        if languages.is_empty() {
            return Err(ValidationError::new("languages", "must name at least one").into());
        }
        let home_region = m.home_region.as_deref().map(RegionCode::parse).transpose()?;
        let bio = m.bio.trim();
        if bio.chars().count() > crate::accounts::MAX_BIO {
            return Err(ValidationError::new("note", "bio too long").into());
        }
        if !bio.is_empty() {
            bios.push((m.id, bio.to_owned()));
        }
        rows.push(NewAccount {
            id: m.id,
            handle: handle.as_str().to_owned(),
            email: email.as_str().to_owned(),
            password_hash: password_hash.to_owned(),
            display_name: display_name.as_str().to_owned(),
            home_region: home_region.map(|r| r.as_str().to_owned()),
            languages: languages.iter().map(LanguageTag::as_str).collect::<Vec<_>>().join(","),
            role: "user".to_owned(),
            state: "active".to_owned(),
            created_at: m.created_at,
            email_confirmed_at: Some(m.created_at),
        });
    }
    ctx.store.bulk_insert_accounts(&rows).await?;
    ctx.store.bulk_set_bios(&bios).await?;
    Ok(())
}

/// Follows (`actor` follows `target`); self-follows are refused.
pub async fn follows(ctx: &Ctx, follows: &[Edge]) -> Result<()> {
    if follows.iter().any(|f| f.actor == f.target) {
        return Err(ValidationError::new("follow", "cannot follow oneself").into());
    }
    Ok(ctx.store.bulk_follow(follows).await?)
}

/// An image processed once by the real intake and stored; many notes show it (same bytes, one
/// blob), each through its own media row.
#[derive(Debug, Clone)]
pub struct PoolPhoto {
    pub mime: String,
    pub original_key: String,
    pub original_width: i64,
    pub original_height: i64,
    pub small_key: String,
    pub small_width: i64,
    pub small_height: i64,
    pub blurhash: String,
    pub phash: i64,
}

/// Run an image through the intake and store its variants, for a pool of photos.
pub async fn pool_photo(ctx: &Ctx, bytes: Vec<u8>) -> Result<PoolPhoto> {
    intake_for_pool(ctx, bytes).await
}

/// A note to write, with its photos from the pool (id of the media row, photo, alt text).
#[derive(Debug, Clone)]
pub struct Note {
    pub id: i64,
    pub author: i64,
    pub created_at: i64,
    pub title: String,
    pub text: String,
    pub visibility: String,
    pub language: Option<String>,
    pub photos: Vec<(i64, PoolPhoto, String)>,
}

/// Write notes with their photos; tags and counters as for single posts. With `fan_out` each
/// note reaches its author's followers' home feeds at once; a large load goes faster without,
/// writing the entries afterwards with [`home_entries`].
pub async fn notes(ctx: &Ctx, notes: &[Note], fan_out: bool) -> Result<()> {
    let mut rows = Vec::with_capacity(notes.len());
    let mut media = Vec::new();
    for n in notes {
        let title = NoteTitle::parse(&n.title)?;
        let text = NoteText::parse(&n.text)?;
        if text.is_blank() && title.as_str().is_empty() && n.photos.is_empty() {
            return Err(ValidationError::new("status", "can't be blank").into());
        }
        if n.photos.len() > MAX_PER_NOTE {
            return Err(ValidationError::new("media_ids", "too many photos").into());
        }
        let visibility = Visibility::parse(&n.visibility)?;
        let language = match n.language.as_deref() {
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
        for (position, (id, photo, alt)) in n.photos.iter().enumerate() {
            media.push(media_row(*id, n.id, n.author, position, photo, alt, n.created_at));
        }
        rows.push(NewNote {
            id: n.id,
            author_id: n.author,
            title: title.as_str().to_owned(),
            body: text.as_str().to_owned(),
            visibility: visibility.as_str().to_owned(),
            language,
            app_id: None,
            created_at: n.created_at,
            tags,
            mentions: Vec::new(),
            idempotency_key: None,
            media_ids: Vec::new(),
            job: None,
            pull_above: None,
        });
    }
    ctx.store.bulk_insert_notes(&rows, fan_out).await?;
    ctx.store.bulk_insert_media(&media).await?;
    Ok(())
}

/// A photo of the pool on a note already written: a load can write its notes while the pool is
/// still going through the intake, and attach the photos afterwards.
#[derive(Debug, Clone)]
pub struct NotePhoto {
    /// The media row's id.
    pub id: i64,
    pub note: i64,
    pub owner: i64,
    pub position: usize,
    pub photo: PoolPhoto,
    pub alt: String,
    pub created_at: i64,
}

/// Attach photos to notes written earlier by [`notes`].
pub async fn note_photos(ctx: &Ctx, photos: &[NotePhoto]) -> Result<()> {
    let media: Vec<MediaRow> = photos
        .iter()
        .map(|p| media_row(p.id, p.note, p.owner, p.position, &p.photo, &p.alt, p.created_at))
        .collect();
    Ok(ctx.store.bulk_insert_media(&media).await?)
}

fn media_row(
    id: i64,
    note: i64,
    owner: i64,
    position: usize,
    p: &PoolPhoto,
    alt: &str,
    created_at: i64,
) -> MediaRow {
    MediaRow {
        id,
        owner_id: owner,
        note_id: Some(note),
        position: i64::try_from(position).unwrap_or(0),
        mime: p.mime.clone(),
        original_key: p.original_key.clone(),
        original_width: p.original_width,
        original_height: p.original_height,
        small_key: p.small_key.clone(),
        small_width: p.small_width,
        small_height: p.small_height,
        blurhash: p.blurhash.clone(),
        phash: p.phash,
        description: alt.chars().take(crate::media::MAX_DESCRIPTION).collect(),
        created_at,
    }
}

/// How many of the newest notes a bulk load puts in each member's home feed. Mastodon keeps 400
/// entries per home feed; materialising every note of everyone one follows would make a
/// 100k-member week 70M rows instead of 31M. Live posts fan out in full, so feeds grow past it.
pub const HOME_DEPTH: usize = 400;

/// Write home-feed entries a bulk load computed (after [`notes`] without fan-out).
pub async fn home_entries(ctx: &Ctx, entries: &[HomeEntry]) -> Result<()> {
    Ok(ctx.store.bulk_home_entries(entries).await?)
}

/// Mark members whose notes a bulk load wrote into no follower's home feed as pulled (read into
/// the feeds instead; see [`crate::Settings::home_pull_above`]).
pub async fn pull_authors(ctx: &Ctx, authors: &[i64]) -> Result<()> {
    Ok(ctx.store.pull_authors(authors).await?)
}

pub async fn likes(ctx: &Ctx, likes: &[Edge]) -> Result<()> {
    Ok(ctx.store.bulk_like(likes).await?)
}

/// Boards to create: named ones, and default ones (`is_default` 1, empty name).
pub async fn boards(ctx: &Ctx, boards: &[BoardRow]) -> Result<()> {
    for b in boards {
        let named = b.is_default == 0;
        if named && !crate::boards::valid_name(b.name.trim()) {
            return Err(
                ValidationError::new("name", "must be 1 to 40 characters on one line").into()
            );
        }
    }
    Ok(ctx.store.bulk_insert_boards(boards).await?)
}

pub async fn collects(ctx: &Ctx, collects: &[Collect]) -> Result<()> {
    Ok(ctx.store.bulk_collect(collects).await?)
}

/// A comment to write; `parent` is a top-level comment of the same note (checked by the
/// caller's plan), `reply_to` its author.
#[derive(Debug, Clone)]
pub struct Comment {
    pub id: i64,
    pub note: i64,
    pub author: i64,
    pub parent: Option<i64>,
    pub reply_to: Option<i64>,
    pub text: String,
    pub language: Option<String>,
    pub created_at: i64,
}

pub async fn comments(ctx: &Ctx, comments: &[Comment]) -> Result<()> {
    let mut rows = Vec::with_capacity(comments.len());
    for c in comments {
        let text = NoteText::parse(&c.text)?;
        if text.is_blank() {
            return Err(ValidationError::new("status", "can't be blank").into());
        }
        let language = c.language.as_deref().map(LanguageTag::parse).transpose()?;
        rows.push(NewComment {
            id: c.id,
            note_id: c.note,
            author_id: c.author,
            parent_id: c.parent,
            reply_to_account_id: c.reply_to,
            body: text.as_str().to_owned(),
            language: language.map(|l| l.primary().to_owned()),
            created_at: c.created_at,
            idempotency_key: None,
        });
    }
    Ok(ctx.store.bulk_insert_comments(&rows).await?)
}

/// Likes of comments (`target` a comment id).
pub async fn comment_likes(ctx: &Ctx, likes: &[Edge]) -> Result<()> {
    Ok(ctx.store.bulk_like_comments(likes).await?)
}

/// Notifications, written as given (the simulator writes those of its last day only).
pub async fn notices(ctx: &Ctx, notices: &[Notice]) -> Result<()> {
    if notices.iter().any(|n| n.recipient == n.actor) {
        return Err(AppError::Internal("a notification to its own actor".to_owned()));
    }
    Ok(ctx.store.bulk_notify(notices).await?)
}
