//! Registration, login checks and account administration.

use nb_domain::{
    AccountState, DisplayName, Email, Handle, LanguageTag, Password, RegionCode, RegistrationMode,
    Role, ValidationError,
};
use nb_store::{AccountRow, NewAccount};

use crate::jobs::{Job, ms, new_job};
use crate::mail::ConfirmationRequest;
use crate::{AppError, Ctx, Result, auth, password};

#[derive(Debug, Clone, Default)]
pub struct Registration {
    pub handle: String,
    pub email: String,
    pub password: String,
    pub display_name: Option<String>,
    /// BCP 47 tags, the interface language first. Empty means English.
    pub languages: Vec<String>,
    pub home_region: Option<String>,
    /// The member accepted the server's rules (Mastodon's `agreement`).
    pub agreement: bool,
    /// The confirmation mail, should the server ask new members to confirm their address.
    pub confirmation: Option<ConfirmationRequest>,
}

/// Who is registering the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registrar {
    /// The person themself, through the API or the web: the server's registration mode applies.
    SelfService,
    /// An operator (`notebridge admin create-user`) or the demo seeder: always allowed, active.
    Operator(Role),
}

pub async fn register(ctx: &Ctx, r: Registration, by: Registrar) -> Result<AccountRow> {
    let state = match (by, ctx.settings.registration) {
        (Registrar::Operator(_), _) | (Registrar::SelfService, RegistrationMode::Open) => {
            AccountState::Active
        }
        (Registrar::SelfService, RegistrationMode::Approval) => AccountState::Pending,
        (Registrar::SelfService, RegistrationMode::Closed) => {
            return Err(AppError::RegistrationClosed);
        }
    };
    if by == Registrar::SelfService && !r.agreement {
        return Err(ValidationError::new("agreement", "must be accepted").into());
    }
    let handle = Handle::parse(&r.handle)?;
    let email = Email::parse(&r.email)?;
    let password = Password::new_for(&r.password, handle.as_str(), email.as_str())?;
    let display_name = match r.display_name.as_deref() {
        Some(d) => DisplayName::parse(d)?,
        None => DisplayName::parse(handle.as_str())?,
    };
    let mut languages = Vec::new();
    for l in r.languages.iter().filter(|l| !l.trim().is_empty()).take(8) {
        let tag = LanguageTag::parse(l)?;
        if !languages.contains(&tag) {
            languages.push(tag);
        }
    }
    if languages.is_empty() {
        languages.push(LanguageTag::parse("en")?);
    }
    let home_region = r.home_region.as_deref().map(RegionCode::parse).transpose()?;
    let role = match by {
        Registrar::Operator(role) => role,
        Registrar::SelfService => Role::User,
    };
    let password_hash = password::hash(&password, ctx.settings.password_hash).await?;
    let confirm = by == Registrar::SelfService && confirmation_required(ctx);
    let created_at = ctx.now();
    let account = NewAccount {
        id: ctx.next_id(),
        handle: handle.as_str().to_owned(),
        email: email.as_str().to_owned(),
        password_hash,
        display_name: display_name.as_str().to_owned(),
        home_region: home_region.map(|r| r.as_str().to_owned()),
        languages: languages.iter().map(LanguageTag::as_str).collect::<Vec<_>>().join(","),
        role: role.as_str().to_owned(),
        state: state.as_str().to_owned(),
        created_at,
        email_confirmed_at: (!confirm).then_some(created_at),
    };
    let inserted = if confirm {
        let request = r.confirmation.as_ref().ok_or_else(|| {
            AppError::Internal("registration needs the texts of the confirmation mail".into())
        })?;
        let confirmation = email_confirmation(ctx, &account.email, request);
        ctx.store.insert_account_to_confirm(&account, &confirmation).await
    } else {
        ctx.store.insert_account(&account).await
    };
    inserted.map_err(|e| match e {
        // The API calls the handle `username`, as Mastodon does.
        nb_store::StoreError::Conflict("handle") => AppError::Taken("username"),
        other => other.into(),
    })?;
    if confirm {
        ctx.jobs_wake.notify_one();
    }
    ctx.store.account(account.id).await?.ok_or(AppError::NotFound("account"))
}

/// Whether new members must confirm their email address: the operator turned it on and
/// configured a mail server to send the links.
pub fn confirmation_required(ctx: &Ctx) -> bool {
    ctx.settings.mail.as_ref().is_some_and(|m| m.confirm_email)
}

/// A fresh token for `email` (only its hash is stored) and the job that mails its link.
fn email_confirmation(
    ctx: &Ctx,
    email: &str,
    request: &ConfirmationRequest,
) -> nb_store::EmailConfirmation {
    let token = auth::random_secret();
    let ttl = ctx.settings.mail.as_ref().map_or(0, |m| ms(m.confirmation_ttl));
    let mail = Job::SendMail(request.mail(email, &token));
    nb_store::EmailConfirmation {
        token_hash: auth::digest(&token),
        expires_at: ctx.now().saturating_add(ttl),
        mail: new_job(ctx, &mail, ctx.now(), None),
    }
}

/// Mail a new confirmation link to a member still awaiting one (the old link stops working).
pub async fn resend_confirmation(
    ctx: &Ctx,
    account: &AccountRow,
    request: &ConfirmationRequest,
) -> Result<()> {
    if ctx.settings.mail.is_none() {
        return Err(AppError::Forbidden("this server sends no mail"));
    }
    let confirmation = email_confirmation(ctx, &account.email, request);
    if !ctx.store.renew_email_confirmation(account.id, &confirmation).await? {
        return Err(AppError::Forbidden(
            "this method is only available while the e-mail is awaiting confirmation",
        ));
    }
    ctx.jobs_wake.notify_one();
    Ok(())
}

/// Redeem a confirmation link's token: the account whose address it confirms.
pub async fn confirm_email(ctx: &Ctx, token: &str) -> Result<AccountRow> {
    const INVALID: AppError =
        AppError::InvalidGrant("this confirmation link is invalid or has expired");
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Err(INVALID);
    }
    let id = ctx.store.confirm_email(&auth::digest(token), ctx.now()).await?.ok_or(INVALID)?;
    get(ctx, id).await
}

/// An operator confirms a member's address by hand.
pub async fn mark_email_confirmed(ctx: &Ctx, handle: &str) -> Result<AccountRow> {
    let account = lookup(ctx, handle).await?;
    ctx.store.set_email_confirmed(account.id, ctx.now()).await?;
    get(ctx, account.id).await
}

/// The account these credentials open, if it may log in. `login` is an email or a handle.
pub async fn check_login(ctx: &Ctx, login: &str, password: &Password) -> Result<AccountRow> {
    const WRONG: AppError = AppError::InvalidGrant("the username or password is wrong");
    let login = login.trim();
    let found = if login.contains('@') {
        ctx.store.account_by_email(login).await?
    } else {
        ctx.store.account_by_handle(login).await?
    };
    let Some(account) = found else {
        auth::dummy_verify(ctx, password).await;
        return Err(WRONG);
    };
    if !password::verify(password, &account.password_hash).await? {
        return Err(WRONG);
    }
    auth::ensure_usable(&account)?;
    Ok(account)
}

pub async fn get(ctx: &Ctx, id: i64) -> Result<AccountRow> {
    ctx.store.account(id).await?.ok_or(AppError::NotFound("account"))
}

pub async fn lookup(ctx: &Ctx, handle: &str) -> Result<AccountRow> {
    let handle = handle.trim().trim_start_matches('@');
    ctx.store.account_by_handle(handle).await?.ok_or(AppError::NotFound("account"))
}

pub async fn set_role(ctx: &Ctx, handle: &str, role: Role) -> Result<AccountRow> {
    let account = lookup(ctx, handle).await?;
    ctx.store.set_account_role(account.id, role.as_str()).await?;
    get(ctx, account.id).await
}

/// What a member may change about their profile; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    pub display_name: Option<String>,
    pub bio: Option<String>,
    /// An empty string clears the region.
    pub home_region: Option<String>,
    /// BCP 47 tags, the interface language first.
    pub languages: Option<Vec<String>>,
}

/// The longest bio, as Mastodon's `note`.
pub const MAX_BIO: usize = 500;

pub async fn update_profile(ctx: &Ctx, me: &AccountRow, c: ProfileChanges) -> Result<AccountRow> {
    let display_name = match c.display_name.as_deref() {
        Some(d) => DisplayName::parse(d)?.as_str().to_owned(),
        None => me.display_name.clone(),
    };
    let bio = match c.bio {
        Some(b) => {
            let b = b.trim().to_owned();
            if b.chars().count() > MAX_BIO || b.contains('\0') {
                return Err(ValidationError::new(
                    "note",
                    format!("must be at most {MAX_BIO} characters"),
                )
                .into());
            }
            b
        }
        None => me.bio.clone(),
    };
    let home_region = match c.home_region.as_deref().map(str::trim) {
        Some("") => None,
        Some(r) => Some(RegionCode::parse(r)?.as_str().to_owned()),
        None => me.home_region.clone(),
    };
    let languages = match c.languages {
        Some(list) => {
            let mut tags: Vec<LanguageTag> = Vec::new();
            for l in list.iter().filter(|l| !l.trim().is_empty()).take(8) {
                let t = LanguageTag::parse(l)?;
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
            if tags.is_empty() {
                return Err(
                    ValidationError::new("languages", "must name at least one language").into()
                );
            }
            tags.iter().map(LanguageTag::as_str).collect::<Vec<_>>().join(",")
        }
        None => me.languages.clone(),
    };
    let update = nb_store::ProfileUpdate { display_name, bio, home_region, languages };
    ctx.store.update_profile(me.id, &update).await?;
    get(ctx, me.id).await
}

/// Change a member's password: the current one must be right and the new one acceptable.
/// Every web session of the member ends; the caller starts a fresh one.
pub async fn change_password(ctx: &Ctx, me: &AccountRow, current: &str, new: &str) -> Result<()> {
    if !password::verify(&Password::offered(current), &me.password_hash).await? {
        return Err(AppError::InvalidGrant("the current password is wrong"));
    }
    let new = Password::new_for(new, &me.handle, &me.email)?;
    let hash = password::hash(&new, ctx.settings.password_hash).await?;
    ctx.store.set_password_hash(me.id, &hash).await?;
    Ok(())
}

/// Whether the member reads other languages translated at once.
pub async fn auto_translate(ctx: &Ctx, me: &AccountRow) -> Result<bool> {
    Ok(ctx.store.auto_translate(me.id).await?)
}

pub async fn set_auto_translate(ctx: &Ctx, me: &AccountRow, on: bool) -> Result<()> {
    Ok(ctx.store.set_auto_translate(me.id, on).await?)
}
