use sqlx::FromRow;

use crate::Store;
use crate::confirmations::EmailConfirmation;
use crate::confirmations::put_confirmation;
use crate::db::{Arg, on_read, on_write};
use crate::error::{Result, StoreError};

/// An account as stored. Validation happened before it got here (`nb_domain` newtypes).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub handle: String,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub bio: String,
    pub home_region: Option<String>,
    /// BCP 47 tags, comma-separated; the first is the interface language.
    pub languages: String,
    pub role: String,
    pub state: String,
    pub created_at: i64,
    pub notes_count: i64,
    pub followers_count: i64,
    pub following_count: i64,
    pub last_note_at: Option<i64>,
    /// Blob keys of the profile pictures, when set.
    pub avatar_key: Option<String>,
    pub header_key: Option<String>,
    /// When the member confirmed their email address; `None` while a confirmation is awaited.
    pub email_confirmed_at: Option<i64>,
}

impl AccountRow {
    pub fn profile(&self) -> Profile {
        Profile {
            id: self.id,
            handle: self.handle.clone(),
            display_name: self.display_name.clone(),
            bio: self.bio.clone(),
            home_region: self.home_region.clone(),
            languages: self.languages.clone(),
            role: self.role.clone(),
            created_at: self.created_at,
            notes_count: self.notes_count,
            followers_count: self.followers_count,
            following_count: self.following_count,
            last_note_at: self.last_note_at,
            avatar_key: self.avatar_key.clone(),
            header_key: self.header_key.clone(),
        }
    }
}

/// What anyone may see of an account.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Profile {
    pub id: i64,
    pub handle: String,
    pub display_name: String,
    pub bio: String,
    pub home_region: Option<String>,
    pub languages: String,
    pub role: String,
    pub created_at: i64,
    pub notes_count: i64,
    pub followers_count: i64,
    pub following_count: i64,
    pub last_note_at: Option<i64>,
    /// Blob keys of the profile pictures, when set.
    pub avatar_key: Option<String>,
    pub header_key: Option<String>,
}

/// The parts of a profile its member edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileUpdate {
    pub display_name: String,
    pub bio: String,
    pub home_region: Option<String>,
    pub languages: String,
}

/// An author's public columns as views join them in (`a.handle AS a_handle`, …).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub(crate) struct AuthorColumns {
    a_handle: String,
    a_display_name: String,
    a_bio: String,
    a_home_region: Option<String>,
    a_languages: String,
    a_role: String,
    a_created_at: i64,
    a_notes_count: i64,
    a_followers_count: i64,
    a_following_count: i64,
    a_last_note_at: Option<i64>,
    a_avatar_key: Option<String>,
    a_header_key: Option<String>,
}

impl AuthorColumns {
    pub(crate) fn profile(&self, id: i64) -> Profile {
        Profile {
            id,
            handle: self.a_handle.clone(),
            display_name: self.a_display_name.clone(),
            bio: self.a_bio.clone(),
            home_region: self.a_home_region.clone(),
            languages: self.a_languages.clone(),
            role: self.a_role.clone(),
            created_at: self.a_created_at,
            notes_count: self.a_notes_count,
            followers_count: self.a_followers_count,
            following_count: self.a_following_count,
            last_note_at: self.a_last_note_at,
            avatar_key: self.a_avatar_key.clone(),
            header_key: self.a_header_key.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: i64,
    pub handle: String,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub home_region: Option<String>,
    pub languages: String,
    pub role: String,
    pub state: String,
    pub created_at: i64,
    /// `None` when the address must be confirmed before the account can sign in.
    pub email_confirmed_at: Option<i64>,
}

crate::lite::lite_row!(AccountRow {
    id,
    handle,
    email,
    password_hash,
    display_name,
    bio,
    home_region,
    languages,
    role,
    state,
    created_at,
    notes_count,
    followers_count,
    following_count,
    last_note_at,
    avatar_key,
    header_key,
    email_confirmed_at,
});
crate::lite::lite_row!(Profile {
    id,
    handle,
    display_name,
    bio,
    home_region,
    languages,
    role,
    created_at,
    notes_count,
    followers_count,
    following_count,
    last_note_at,
    avatar_key,
    header_key,
});
crate::lite::lite_row!(AuthorColumns {
    a_handle,
    a_display_name,
    a_bio,
    a_home_region,
    a_languages,
    a_role,
    a_created_at,
    a_notes_count,
    a_followers_count,
    a_following_count,
    a_last_note_at,
    a_avatar_key,
    a_header_key,
});

macro_rules! account_cols {
    () => {
        "id, handle, email, password_hash, display_name, bio, home_region, languages, role, state, \
         created_at, notes_count, followers_count, following_count, last_note_at, avatar_key, \
         header_key, email_confirmed_at"
    };
}

/// [`account_cols`] of the accounts table joined as `a`.
macro_rules! account_cols_a {
    () => {
        "a.id, a.handle, a.email, a.password_hash, a.display_name, a.bio, a.home_region, \
         a.languages, a.role, a.state, a.created_at, a.notes_count, a.followers_count, \
         a.following_count, a.last_note_at, a.avatar_key, a.header_key, a.email_confirmed_at"
    };
}
pub(crate) use account_cols_a;

macro_rules! profile_cols {
    () => {
        "id, handle, display_name, bio, home_region, languages, role, created_at, notes_count, \
         followers_count, following_count, last_note_at, avatar_key, header_key"
    };
}

impl Store {
    /// Insert an account. A taken handle or email is a [`StoreError::Conflict`].
    pub async fn insert_account(&self, a: &NewAccount) -> Result<()> {
        self.insert_account_and(a, None).await
    }

    /// Insert an account whose email address awaits confirmation, with the confirmation and the
    /// job that mails it, in one transaction.
    pub async fn insert_account_to_confirm(
        &self,
        a: &NewAccount,
        confirmation: &EmailConfirmation,
    ) -> Result<()> {
        self.insert_account_and(a, Some(confirmation)).await
    }

    async fn insert_account_and(
        &self,
        a: &NewAccount,
        confirmation: Option<&EmailConfirmation>,
    ) -> Result<()> {
        const SQL: &str = "INSERT INTO accounts (id, handle, handle_key, email, password_hash, \
            display_name, home_region, languages, role, state, created_at, email_confirmed_at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(SQL)
                .bind(a.id)
                .bind(&a.handle)
                .bind(a.handle.to_ascii_lowercase())
                .bind(&a.email)
                .bind(&a.password_hash)
                .bind(&a.display_name)
                .bind(&a.home_region)
                .bind(&a.languages)
                .bind(&a.role)
                .bind(&a.state)
                .bind(a.created_at)
                .bind(a.email_confirmed_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::conflict_on(e, &["handle", "email"]))?;
            if let Some(c) = confirmation {
                put_confirmation!(tx, a.id, c);
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    pub async fn account(&self, id: i64) -> Result<Option<AccountRow>> {
        const SQL: &str = concat!("SELECT ", account_cols!(), " FROM accounts WHERE id = $1");
        self.read_first(SQL, &[Arg::Int(id)]).await
    }

    /// Look an account up by handle, ignoring case.
    pub async fn account_by_handle(&self, handle: &str) -> Result<Option<AccountRow>> {
        const SQL: &str =
            concat!("SELECT ", account_cols!(), " FROM accounts WHERE handle_key = $1");
        let key = handle.to_ascii_lowercase();
        Ok(on_read!(self, |p| sqlx::query_as(SQL).bind(&key).fetch_optional(p).await)?)
    }

    /// Look an account up by (lower-cased) email.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<AccountRow>> {
        const SQL: &str = concat!("SELECT ", account_cols!(), " FROM accounts WHERE email = $1");
        let email = email.to_lowercase();
        Ok(on_read!(self, |p| sqlx::query_as(SQL).bind(&email).fetch_optional(p).await)?)
    }

    /// The public profiles of these accounts, in no particular order; unknown ids are skipped.
    pub async fn profiles(&self, ids: &[i64]) -> Result<Vec<Profile>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            concat!("SELECT ", profile_cols!(), " FROM accounts WHERE id IN ({})"),
            crate::db::placeholders(1, ids.len())
        );
        Ok(on_read!(self, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?)
    }

    /// The public profiles of the accounts with these handles (any case); unknown ones are
    /// skipped.
    pub async fn profiles_by_handles(&self, handles: &[String]) -> Result<Vec<Profile>> {
        if handles.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            concat!("SELECT ", profile_cols!(), " FROM accounts WHERE handle_key IN ({})"),
            crate::db::placeholders(1, handles.len())
        );
        let args: Vec<Arg> = handles.iter().map(|h| Arg::Text(h.to_ascii_lowercase())).collect();
        self.read_all(&sql, &args).await
    }

    /// True until the first account exists (the demo seeds only an empty database).
    pub async fn has_accounts(&self) -> Result<bool> {
        let row: Option<(i64,)> =
            on_read!(self, |p| sqlx::query_as("SELECT id FROM accounts LIMIT 1")
                .fetch_optional(p)
                .await)?;
        Ok(row.is_some())
    }

    /// Replace the editable parts of a profile.
    pub async fn update_profile(&self, id: i64, p: &ProfileUpdate) -> Result<()> {
        on_write!(self, |pool| sqlx::query(
            "UPDATE accounts SET display_name = $2, bio = $3, home_region = $4, languages = $5 \
             WHERE id = $1"
        )
        .bind(id)
        .bind(&p.display_name)
        .bind(&p.bio)
        .bind(&p.home_region)
        .bind(&p.languages)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn set_account_role(&self, id: i64, role: &str) -> Result<()> {
        const SQL: &str = "UPDATE accounts SET role = $2 WHERE id = $1";
        let done = on_write!(self, |p| sqlx::query(SQL)
            .bind(id)
            .bind(role)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
