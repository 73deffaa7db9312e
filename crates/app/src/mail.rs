//! Outgoing mail over SMTP, for what an operator turns on once a mail server is configured
//! (email confirmation). Mail is sent by an outbox job, never inside a request.

use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

/// How the server sends mail.
#[derive(Clone)]
pub struct MailSettings {
    /// lettre's SMTP URL: `smtp://host:25` (plain, for a local relay), `smtp://user:pass@host:587
    /// ?tls=required` (STARTTLS), `smtps://user:pass@host:465` (TLS). It may carry a password, so
    /// it is never logged or shown.
    pub url: String,
    /// The sender, e.g. `Notebridge <noreply@example.org>`.
    pub from: String,
    /// New self-registered accounts must confirm their address before they can sign in.
    pub confirm_email: bool,
    /// How long a confirmation link stays valid.
    pub confirmation_ttl: Duration,
    /// Connecting and each SMTP exchange give up after this long.
    pub timeout: Duration,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("url", &"[redacted]")
            .field("from", &self.from)
            .field("confirm_email", &self.confirm_email)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail settings: {0}")]
    Settings(String),
    #[error("the address {0:?} cannot receive mail")]
    Address(String),
    /// The server refused for good (a 5xx reply): retrying will not help.
    #[error("the mail server refused: {0}")]
    Refused(String),
    /// Connection trouble, a timeout or a 4xx reply: worth another try later.
    #[error("sending failed: {0}")]
    Transient(String),
}

impl MailSettings {
    /// Check the URL and the sender without connecting, e.g. when the configuration is read.
    pub fn check(&self) -> Result<(), MailError> {
        self.transport()?;
        self.from
            .parse::<Mailbox>()
            .map_err(|e| MailError::Settings(format!("mail.from {:?}: {e}", self.from)))?;
        Ok(())
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
        // lettre's URL errors can quote the URL; say only what is wrong with it.
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&self.url)
            .map_err(|_| MailError::Settings("mail.url is not a valid SMTP URL".to_owned()))?;
        Ok(builder.timeout(Some(self.timeout)).build())
    }
}

/// One plain-text message. Stored as the payload of the job that sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// Send `mail` now.
pub async fn send(settings: &MailSettings, mail: &Mail) -> Result<(), MailError> {
    let from: Mailbox =
        settings.from.parse().map_err(|e| MailError::Settings(format!("mail.from: {e}")))?;
    let to: Mailbox = mail.to.parse().map_err(|_| MailError::Address(mail.to.clone()))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(&mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.text.clone())
        .map_err(|e| MailError::Settings(e.to_string()))?;
    settings.transport()?.send(message).await.map_err(|e| {
        if e.is_permanent() {
            MailError::Refused(e.to_string())
        } else {
            MailError::Transient(e.to_string())
        }
    })?;
    Ok(())
}

/// The words of a confirmation mail, in the member's language; the link goes between them.
#[derive(Debug, Clone, Default)]
pub struct ConfirmationTexts {
    pub subject: String,
    pub before_link: String,
    pub after_link: String,
}

/// What a confirmation mail needs from the request that asks for it.
#[derive(Debug, Clone, Default)]
pub struct ConfirmationRequest {
    /// The server's public base URL, without a trailing slash; the link is under it.
    pub base_url: String,
    pub texts: ConfirmationTexts,
}

/// Where a confirmation token is redeemed.
pub const CONFIRM_PATH: &str = "/auth/confirm";

impl ConfirmationRequest {
    pub(crate) fn mail(&self, to: &str, token: &str) -> Mail {
        let t = &self.texts;
        let link = format!("{}{CONFIRM_PATH}?token={token}", self.base_url);
        Mail {
            to: to.to_owned(),
            subject: t.subject.clone(),
            text: format!("{}\n\n{link}\n\n{}\n", t.before_link, t.after_link),
        }
    }
}
