//! Uploading images: intake (sniff, bounded decode, orientation, metadata stripped, variants,
//! blurhash, perceptual hash) off the async runtime, variants into the blob store, then a row.

use std::collections::HashMap;

use nb_domain::ValidationError;
pub use nb_media::sample_photo;
use nb_media::{Limits, MediaError, Variant, VariantKind};
pub use nb_store::Picture;
use nb_store::{AccountRow, MediaRemoval, MediaRow};

use crate::{AppError, Ctx, Result, jobs};

/// Mastodon's limit on alt text.
pub const MAX_DESCRIPTION: usize = 1500;
/// The most photos a note carries.
pub const MAX_PER_NOTE: usize = 18;

fn check_description(d: &str) -> Result<String> {
    let d = d.trim();
    if d.chars().count() > MAX_DESCRIPTION || d.contains('\0') {
        return Err(ValidationError::new(
            "description",
            format!("must be at most {MAX_DESCRIPTION} characters"),
        )
        .into());
    }
    Ok(d.to_owned())
}

fn refused(e: MediaError) -> AppError {
    if e.is_user_error() {
        AppError::Media {
            too_large: matches!(e, MediaError::TooLarge { .. }),
            reason: e.to_string(),
        }
    } else {
        AppError::Internal(format!("media intake: {e:?}"))
    }
}

/// Sniff, decode within limits, strip and re-encode `bytes`, off the async runtime and at most
/// a few at once.
async fn intake(ctx: &Ctx, bytes: Vec<u8>) -> Result<nb_media::Processed> {
    let _permit = ctx
        .intake_permits
        .acquire()
        .await
        .map_err(|e| AppError::Internal(format!("intake permits: {e}")))?;
    tokio::task::spawn_blocking(move || nb_media::process(&bytes, &Limits::default()))
        .await
        .map_err(|e| AppError::Internal(format!("intake task: {e}")))?
        .map_err(refused)
}

/// After the row that uses them is written: put back any blob a concurrent collection removed
/// (see `jobs::release_blob` for the other half of this handshake).
async fn ensure_stored(ctx: &Ctx, blobs: &[(&str, &Variant)]) -> Result<()> {
    for (key, v) in blobs {
        if !ctx.blobs.exists(key).await.map_err(refused)? {
            ctx.blobs.put(&v.bytes, v.extension()).await.map_err(refused)?;
        }
    }
    Ok(())
}

pub async fn upload(
    ctx: &Ctx,
    owner: &AccountRow,
    bytes: Vec<u8>,
    description: Option<&str>,
) -> Result<MediaRow> {
    let description = check_description(description.unwrap_or(""))?;
    let processed = intake(ctx, bytes).await?;
    let mut keys = HashMap::new();
    for v in &processed.variants {
        let key = ctx.blobs.put(&v.bytes, v.extension()).await.map_err(refused)?;
        keys.insert(v.kind, (key, v));
    }
    let (Some((original_key, original)), Some((small_key, small))) =
        (keys.remove(&VariantKind::Original), keys.remove(&VariantKind::Small))
    else {
        return Err(AppError::Internal("intake produced no variants".to_owned()));
    };
    let row = MediaRow {
        id: ctx.next_id(),
        owner_id: owner.id,
        note_id: None,
        position: 0,
        mime: original.mime.to_owned(),
        original_key,
        original_width: i64::from(original.width),
        original_height: i64::from(original.height),
        small_key,
        small_width: i64::from(small.width),
        small_height: i64::from(small.height),
        blurhash: processed.blurhash.clone(),
        phash: i64::from_ne_bytes(processed.phash.to_ne_bytes()),
        description,
        created_at: ctx.now(),
    };
    ctx.store.insert_media(&row).await?;
    ensure_stored(ctx, &[(&row.original_key, original), (&row.small_key, small)]).await?;
    Ok(row)
}

/// Process an image and store both variants without a row: a photo for the simulator's pool.
pub(crate) async fn intake_for_pool(ctx: &Ctx, bytes: Vec<u8>) -> Result<crate::bulk::PoolPhoto> {
    let processed = intake(ctx, bytes).await?;
    let mut original = None;
    let mut small = None;
    for v in &processed.variants {
        let key = ctx.blobs.put(&v.bytes, v.extension()).await.map_err(refused)?;
        let slot = if v.kind == VariantKind::Original { &mut original } else { &mut small };
        *slot = Some((key, v));
    }
    let (Some((original_key, o)), Some((small_key, s))) = (original, small) else {
        return Err(AppError::Internal("intake produced no variants".to_owned()));
    };
    Ok(crate::bulk::PoolPhoto {
        mime: o.mime.to_owned(),
        original_key,
        original_width: i64::from(o.width),
        original_height: i64::from(o.height),
        small_key,
        small_width: i64::from(s.width),
        small_height: i64::from(s.height),
        blurhash: processed.blurhash.clone(),
        phash: i64::from_ne_bytes(processed.phash.to_ne_bytes()),
    })
}

/// Delete one of the member's uploads that no note carries (Mastodon's `DELETE
/// /api/v1/media/:id`); its blobs go once nothing else uses them.
pub async fn remove(ctx: &Ctx, owner: &AccountRow, id: i64) -> Result<MediaRow> {
    match ctx.store.remove_unattached_media(id, owner.id, jobs::release_blobs(ctx)).await? {
        MediaRemoval::Removed(row) => {
            ctx.jobs_wake.notify_one();
            Ok(*row)
        }
        MediaRemoval::NotFound => Err(AppError::NotFound("media")),
        MediaRemoval::Attached => {
            Err(ValidationError::new("media", "is attached to a note; delete the note first")
                .into())
        }
    }
}

/// A profile picture decoded and re-encoded, not yet stored: every picture of a profile change
/// is checked before anything is written.
pub struct PreparedPicture {
    which: Picture,
    variant: Variant,
}

/// Check and process an upload as a profile picture. The avatar is kept at thumbnail size (at
/// most 480 pixels a side), the header at full size.
pub async fn prepare_picture(ctx: &Ctx, which: Picture, bytes: Vec<u8>) -> Result<PreparedPicture> {
    let want = match which {
        Picture::Avatar => VariantKind::Small,
        Picture::Header => VariantKind::Original,
    };
    let variant = intake(ctx, bytes)
        .await?
        .variants
        .into_iter()
        .find(|v| v.kind == want)
        .ok_or_else(|| AppError::Internal("intake produced no variants".to_owned()))?;
    Ok(PreparedPicture { which, variant })
}

/// Store a prepared picture as the member's avatar or header; the one it replaces is released.
pub async fn set_profile_picture(ctx: &Ctx, me: &AccountRow, p: PreparedPicture) -> Result<()> {
    let key = ctx.blobs.put(&p.variant.bytes, p.variant.extension()).await.map_err(refused)?;
    ctx.store.set_profile_picture(me.id, p.which, Some(&key), jobs::release_blobs(ctx)).await?;
    ctx.jobs_wake.notify_one();
    ensure_stored(ctx, &[(&key, &p.variant)]).await
}

/// Remove the member's avatar or header (Mastodon's `DELETE /api/v1/profile/avatar`).
pub async fn clear_profile_picture(ctx: &Ctx, me: &AccountRow, which: Picture) -> Result<()> {
    ctx.store.set_profile_picture(me.id, which, None, jobs::release_blobs(ctx)).await?;
    ctx.jobs_wake.notify_one();
    Ok(())
}

/// One of the member's own uploads.
pub async fn own(ctx: &Ctx, owner: &AccountRow, id: i64) -> Result<MediaRow> {
    match ctx.store.media(id).await? {
        Some(m) if m.owner_id == owner.id => Ok(m),
        _ => Err(AppError::NotFound("media")),
    }
}

/// Change the alt text of one's own upload.
pub async fn describe(
    ctx: &Ctx,
    owner: &AccountRow,
    id: i64,
    description: &str,
) -> Result<MediaRow> {
    let description = check_description(description)?;
    if !ctx.store.set_media_description(id, owner.id, &description).await? {
        return Err(AppError::NotFound("media"));
    }
    own(ctx, owner, id).await
}

/// The media of a page of notes, by note id.
pub async fn of_notes(ctx: &Ctx, notes: &[i64]) -> Result<HashMap<i64, Vec<MediaRow>>> {
    Ok(ctx.store.media_of_notes(notes).await?)
}

/// A stored blob's bytes, for serving.
pub async fn blob(ctx: &Ctx, key: &str) -> Result<Option<bytes::Bytes>> {
    ctx.blobs.get(key).await.map_err(|e| AppError::Internal(format!("blob store: {e}")))
}
