use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, header};
use nb_app::accounts::{self, ProfileChanges, Registrar, Registration};
use nb_app::auth;
use nb_app::feeds;
use nb_app::mail::ConfirmationRequest;
use nb_app::media::{self, Picture};
use nb_app::social::{self, Relationship};
use serde::Deserialize;
use serde_json::{Value, json};

use super::de::{Flag, IdParam, path_id};
use super::entities;
use super::paging::{PageParams, note_listing};
use crate::error::ApiError;
use crate::extract::{Auth, AuthUnconfirmed, BaseUrl, Input, InputWithFiles, Params};
use crate::i18n::Locale;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct RegisterParams {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    agreement: Option<Flag>,
    locale: Option<String>,
    display_name: Option<String>,
    home_region: Option<String>,
}

/// `POST /api/v1/accounts`: with an app token (client_credentials), register and answer with a
/// token for the new member, as Mastodon does.
pub async fn register(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    headers: HeaderMap,
    Input(p): Input<RegisterParams>,
) -> Result<Json<Value>, ApiError> {
    let principal = auth.app("write:accounts")?;
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let t = Locale::negotiate(p.locale.as_deref(), accept);
    let handle = p.username.clone().unwrap_or_default();
    let confirmation = accounts::confirmation_required(&s.ctx)
        .then(|| confirmation_request(&s, t, &base, &handle));
    let account = accounts::register(
        &s.ctx,
        Registration {
            handle: p.username.unwrap_or_default(),
            email: p.email.unwrap_or_default(),
            password: p.password.unwrap_or_default(),
            display_name: p.display_name,
            languages: p.locale.into_iter().collect(),
            home_region: p.home_region,
            agreement: p.agreement.unwrap_or_default().0,
            confirmation,
        },
        Registrar::SelfService,
    )
    .await?;
    // As Mastodon: the new member's token carries the app token's scopes. In approval mode it is
    // issued at once and refused with "awaiting approval" until a moderator approves.
    let token =
        auth::issue_user_token(&s.ctx, principal.app_id, account.id, principal.scopes.clone())
            .await?;
    Ok(Json(json!({
        "access_token": token.access_token,
        "token_type": "Bearer",
        "scope": token.scopes.to_string(),
        "created_at": token.created_at / 1000,
    })))
}

/// The confirmation mail for `handle`, in locale `t`, linking back to `base`.
fn confirmation_request(s: &AppState, t: Locale, base: &str, handle: &str) -> ConfirmationRequest {
    let hours = s.ctx.settings.mail.as_ref().map_or(0, |m| m.confirmation_ttl.as_secs() / 3600);
    ConfirmationRequest { base_url: base.to_owned(), texts: t.confirmation_texts(handle, hours) }
}

/// `POST /api/v1/emails/confirmations`: mail a new confirmation link, with the token the
/// registration answered (it works for nothing else until the address is confirmed).
pub async fn resend_confirmation(
    State(s): State<AppState>,
    auth: AuthUnconfirmed,
    BaseUrl(base): BaseUrl,
) -> Result<Json<Value>, ApiError> {
    let me = auth.0.user("write:accounts")?;
    let interface = me.languages.split(',').next().unwrap_or("en");
    let request = confirmation_request(&s, Locale::get(interface), &base, &me.handle);
    accounts::resend_confirmation(&s.ctx, me, &request).await?;
    Ok(Json(json!({})))
}

pub async fn verify_credentials(
    auth: Auth,
    BaseUrl(base): BaseUrl,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("read:accounts")?;
    Ok(Json(entities::credential_account(&base, me)))
}

pub async fn show(
    State(s): State<AppState>,
    _auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let account = accounts::get(&s.ctx, path_id(&id)?).await?;
    Ok(Json(entities::account(&base, &account.profile())))
}

#[derive(Deserialize)]
pub struct LookupParams {
    acct: Option<String>,
}

pub async fn lookup(
    State(s): State<AppState>,
    _auth: Auth,
    BaseUrl(base): BaseUrl,
    Params(p): Params<LookupParams>,
) -> Result<Json<Value>, ApiError> {
    let acct = p.acct.ok_or_else(|| ApiError::bad_request("acct is required"))?;
    // `name@this.host` is local; other hosts are not federated with.
    let handle = acct.trim_start_matches('@').split('@').next().unwrap_or("");
    let account = accounts::lookup(&s.ctx, handle).await?;
    Ok(Json(entities::account(&base, &account.profile())))
}

pub async fn statuses(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Params(p): Params<PageParams>,
    Params(filter): Params<ProfileFilter>,
) -> Result<(HeaderMap, entities::RawJson), ApiError> {
    let author = accounts::get(&s.ctx, path_id(&id)?).await?;
    // Notes cannot be pinned yet: the pinned tab is empty, not a copy of the newest notes.
    if filter.pinned.is_some_and(|f| f.0) {
        return Ok((HeaderMap::new(), entities::RawJson(b"[]".to_vec())));
    }
    let viewer = auth.viewer().map(|a| a.id);
    let notes = feeds::author(&s.ctx, viewer, author.id, &p.page(20, 40)).await?;
    note_listing(&s, viewer, &base, &uri, &notes).await
}

/// Profile-tab filters clients send with `/accounts/:id/statuses`.
#[derive(Deserialize, Default)]
pub struct ProfileFilter {
    pinned: Option<Flag>,
}

fn relationship_json(r: &Relationship) -> Value {
    json!({
        "id": r.target.to_string(),
        "following": r.following,
        "followed_by": r.followed_by,
        "showing_reblogs": r.following,
        "notifying": false,
        "languages": null,
        "blocking": r.blocking,
        "blocked_by": r.blocked_by,
        "muting": r.muting,
        "muting_notifications": r.muting_notifications,
        "requested": false,
        "requested_by": false,
        "domain_blocking": false,
        "endorsed": false,
        "note": "",
    })
}

#[derive(Deserialize)]
pub struct RelationshipParams {
    #[serde(default, rename = "id[]")]
    ids: Vec<IdParam>,
    #[serde(default)]
    id: Vec<IdParam>,
}

pub async fn relationships(
    State(s): State<AppState>,
    auth: Auth,
    Params(p): Params<RelationshipParams>,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("read:follows")?;
    let mut out = Vec::new();
    for IdParam(target) in p.ids.iter().chain(&p.id).take(40) {
        out.push(relationship_json(&social::relationship(&s.ctx, me.id, *target).await?));
    }
    Ok(Json(Value::Array(out)))
}

#[derive(Deserialize)]
pub struct CredentialsUpdate {
    display_name: Option<String>,
    note: Option<String>,
    #[serde(rename = "source[language]")]
    source_language: Option<String>,
    source: Option<SourceUpdate>,
    /// Notebridge extensions.
    home_region: Option<String>,
    #[serde(default, rename = "languages[]")]
    languages_form: Vec<String>,
    languages: Option<Vec<String>>,
    /// Pictures come as multipart files; a text field by these names is a mistake.
    avatar: Option<Value>,
    header: Option<Value>,
}

#[derive(Deserialize)]
pub struct SourceUpdate {
    language: Option<String>,
}

/// `PATCH /api/v1/accounts/update_credentials`: display name, bio, languages (the interface
/// language through `source[language]`, or the whole list through `languages[]`), region, and
/// `avatar` and `header` images as multipart files. Every picture is checked before anything is
/// written.
pub async fn update_credentials(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    input: InputWithFiles<CredentialsUpdate>,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("write:accounts")?;
    let InputWithFiles { fields: p, files } = input;
    if p.avatar.is_some() || p.header.is_some() {
        return Err(ApiError::unprocessable(
            "Validation failed: send avatar and header as image files in a multipart form",
        ));
    }
    let mut pictures = Vec::new();
    for f in files {
        let which = match f.field.as_str() {
            "avatar" => Picture::Avatar,
            "header" => Picture::Header,
            other => {
                return Err(ApiError::unprocessable(format!(
                    "Validation failed: {other}: only avatar and header take files"
                )));
            }
        };
        pictures.push(media::prepare_picture(&s.ctx, which, f.bytes).await?);
    }
    let interface = p.source_language.or(p.source.and_then(|s| s.language));
    let languages = match (
        p.languages.or((!p.languages_form.is_empty()).then_some(p.languages_form)),
        interface,
    ) {
        (Some(list), _) => Some(list),
        // A new interface language goes first; the others keep their order.
        (None, Some(first)) => {
            let mut list = vec![first.clone()];
            list.extend(
                me.languages.split(',').filter(|l| !l.is_empty() && *l != first).map(str::to_owned),
            );
            Some(list)
        }
        (None, None) => None,
    };
    let changes = ProfileChanges {
        display_name: p.display_name,
        bio: p.note,
        home_region: p.home_region,
        languages,
    };
    let mut updated = accounts::update_profile(&s.ctx, me, changes).await?;
    if !pictures.is_empty() {
        for picture in pictures {
            media::set_profile_picture(&s.ctx, me, picture).await?;
        }
        updated = accounts::get(&s.ctx, me.id).await?;
    }
    Ok(Json(entities::credential_account(&base, &updated)))
}

/// `DELETE /api/v1/profile/avatar` and `/header`.
pub async fn delete_picture(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    Path(which): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("write:accounts")?;
    let which = match which.as_str() {
        "avatar" => Picture::Avatar,
        "header" => Picture::Header,
        _ => return Err(ApiError::not_found("Record not found")),
    };
    media::clear_profile_picture(&s.ctx, me, which).await?;
    Ok(Json(entities::credential_account(&base, &accounts::get(&s.ctx, me.id).await?)))
}

async fn account_listing(
    list: Vec<nb_app::ListedProfile>,
    base: &str,
    uri: &axum::http::Uri,
) -> (HeaderMap, Json<Value>) {
    let headers = super::paging::link_header(
        base,
        uri,
        list.first().map(|l| l.cursor),
        list.last().map(|l| l.cursor),
    );
    (
        headers,
        Json(Value::Array(list.iter().map(|l| entities::account(base, &l.profile)).collect())),
    )
}

pub async fn followers(
    State(s): State<AppState>,
    _auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Params(p): Params<PageParams>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let list = social::followers(&s.ctx, path_id(&id)?, &p.page(40, 80)).await?;
    Ok(account_listing(list, &base, &uri).await)
}

pub async fn following(
    State(s): State<AppState>,
    _auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Params(p): Params<PageParams>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let list = social::following(&s.ctx, path_id(&id)?, &p.page(40, 80)).await?;
    Ok(account_listing(list, &base, &uri).await)
}

/// follow, unfollow, block, unblock, unmute: act on the account in the path, answer with the
/// relationship.
macro_rules! relationship_action {
    ($name:ident, $scope:literal, $call:path) => {
        pub async fn $name(
            State(s): State<AppState>,
            auth: Auth,
            Path(id): Path<String>,
        ) -> Result<Json<Value>, ApiError> {
            let me = auth.user($scope)?;
            let r = $call(&s.ctx, me, path_id(&id)?).await?;
            Ok(Json(relationship_json(&r)))
        }
    };
}

relationship_action!(follow, "write:follows", social::follow);
relationship_action!(unfollow, "write:follows", social::unfollow);
relationship_action!(block, "write:blocks", social::block);
relationship_action!(unblock, "write:blocks", social::unblock);
relationship_action!(unmute, "write:mutes", social::unmute);

#[derive(Deserialize, Default)]
pub struct MuteParams {
    notifications: Option<Flag>,
    duration: Option<i64>,
}

pub async fn mute(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Input(p): Input<MuteParams>,
) -> Result<Json<Value>, ApiError> {
    let me = auth.user("write:mutes")?;
    if p.duration.is_some_and(|d| d != 0) {
        return Err(ApiError::unprocessable(
            "Validation failed: timed mutes are not supported yet",
        ));
    }
    let notifications = p.notifications.is_none_or(|f| f.0);
    let r = social::mute(&s.ctx, me, path_id(&id)?, notifications).await?;
    Ok(Json(relationship_json(&r)))
}

pub async fn blocks(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let me = auth.user("read:blocks")?;
    let list = social::blocked_accounts(&s.ctx, me, &p.page(40, 80)).await?;
    Ok(account_listing(list, &base, &uri).await)
}

pub async fn mutes(
    State(s): State<AppState>,
    auth: Auth,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Params(p): Params<PageParams>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let me = auth.user("read:mutes")?;
    let list = social::muted_accounts(&s.ctx, me, &p.page(40, 80)).await?;
    Ok(account_listing(list, &base, &uri).await)
}
