//! Search for accounts and tags. Full-text search of notes arrives with the search crate.

use nb_domain::ValidationError;
use nb_store::Profile;

use crate::{Ctx, Result, social};

#[derive(Debug, Default)]
pub struct Found {
    pub accounts: Vec<Profile>,
    pub tags: Vec<String>,
}

/// What to look for: `None` searches everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Accounts,
    Tags,
    Notes,
}

pub async fn search(
    ctx: &Ctx,
    viewer: Option<i64>,
    q: &str,
    kind: Option<Kind>,
    limit: i64,
    offset: i64,
) -> Result<Found> {
    let q = q.trim();
    if q.is_empty() || q.chars().count() > 100 || q.contains('\0') {
        return Err(ValidationError::new("q", "must be 1 to 100 characters").into());
    }
    let mut found = Found::default();
    if matches!(kind, None | Some(Kind::Accounts)) {
        let hidden = social::hidden(ctx, viewer).await?;
        found.accounts = ctx.store.search_accounts(q, limit, offset).await?;
        found.accounts.retain(|a| !hidden.blocked.contains(&a.id));
    }
    if matches!(kind, None | Some(Kind::Tags)) && offset == 0 {
        found.tags = ctx.store.search_tags(q, limit).await?;
    }
    Ok(found)
}
