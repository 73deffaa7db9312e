//! Values from outside, validated once. Limits follow the notes-app conventions (RedNote keeps
//! titles short) and Mastodon's where a client expects them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// Refuse NUL (PostgreSQL cannot store it) and count characters, not bytes.
fn check_text(field: &'static str, s: &str, max_chars: usize) -> Result<(), ValidationError> {
    if s.contains('\0') {
        return Err(ValidationError::new(field, "must not contain NUL characters"));
    }
    let n = s.chars().count();
    if n > max_chars {
        return Err(ValidationError::new(
            field,
            format!("is too long ({n} characters, at most {max_chars})"),
        ));
    }
    Ok(())
}

/// An account's handle: 3–30 of `a-z 0-9 _`, as typed; unique ignoring case (see [`Handle::key`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Handle(String);

impl Handle {
    pub const MIN: usize = 3;
    pub const MAX: usize = 30;

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        let len = s.chars().count();
        if !(Self::MIN..=Self::MAX).contains(&len) {
            return Err(ValidationError::new(
                "username",
                format!("must be {} to {} characters long", Self::MIN, Self::MAX),
            ));
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ValidationError::new(
                "username",
                "may only contain letters a-z, digits and underscores",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive form that uniqueness and lookups use.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address, checked for shape only (delivery proves the rest). Stored lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        check_text("email", s, 254)?;
        let bad = || ValidationError::new("email", "is not a valid email address");
        let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.len() < 3
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
            || local.contains('@')
        {
            return Err(bad());
        }
        Ok(Self(s.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed. Never printed: `Debug` hides it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN: usize = 8;
    pub const MAX: usize = 128;

    /// Validate a new password. `handle` and `email` are refused as passwords too.
    pub fn new_for(s: &str, handle: &str, email: &str) -> Result<Self, ValidationError> {
        check_text("password", s, Self::MAX)?;
        if s.chars().count() < Self::MIN {
            return Err(ValidationError::new(
                "password",
                format!("is too short (at least {} characters)", Self::MIN),
            ));
        }
        let lower = s.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str())
            || lower == handle.to_lowercase()
            || lower == email.to_lowercase()
            || lower.chars().all(|c| lower.starts_with(c))
        {
            return Err(ValidationError::new(
                "password",
                "is too common or too easy to guess; choose another",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// A password offered at login: not checked against the rules, which may have changed.
    pub fn offered(s: &str) -> Self {
        Self(s.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<hidden>)")
    }
}

/// Passwords that appear at the top of every breach list, refused outright.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "12345678",
    "123456789",
    "1234567890",
    "12345678910",
    "87654321",
    "11111111",
    "00000000",
    "qwertyui",
    "qwerty123",
    "qwertyuiop",
    "1q2w3e4r",
    "1qaz2wsx",
    "zaq12wsx",
    "asdfghjk",
    "asdf1234",
    "abcd1234",
    "abc12345",
    "abcdefgh",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "letmein1",
    "trustno1",
    "superman",
    "starwars",
    "whatever",
    "dragon123",
    "monkey123",
    "master123",
    "admin123",
    "administrator",
    "changeme",
    "computer",
    "internet",
    "woaini1314",
    "woaini520",
    "5201314",
    "a1234567",
    "aa123456",
    "qq123456",
    "123qweasd",
    "qweasdzxc",
    "1qazxsw2",
    "notebridge",
];

/// What others see as the account's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        check_text("display_name", s, 30)?;
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A note's title: short, one line, may be empty (standard Mastodon clients send none).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoteTitle(String);

impl NoteTitle {
    pub const MAX: usize = 100;

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        check_text("title", s, Self::MAX)?;
        if s.contains(['\n', '\r']) {
            return Err(ValidationError::new("title", "must be a single line"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The text of a note or comment, stored as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteText(String);

impl NoteText {
    pub const MAX: usize = 5000;

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        check_text("status", s, Self::MAX)?;
        Ok(Self(s.trim_end().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

/// Who may see a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// In every feed.
    #[default]
    Public,
    /// Visible to anyone with the link and to followers, kept out of public feeds.
    Unlisted,
    /// Followers and the author only.
    Private,
}

impl Visibility {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s {
            "public" => Ok(Self::Public),
            "unlisted" => Ok(Self::Unlisted),
            "private" => Ok(Self::Private),
            "direct" => Err(ValidationError::new(
                "visibility",
                "direct is not supported for notes; use chat instead",
            )),
            _ => Err(ValidationError::new("visibility", "must be public, unlisted or private")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Unlisted => "unlisted",
            Self::Private => "private",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Role {
    #[default]
    User,
    Moderator,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s {
            "user" => Ok(Self::User),
            "moderator" => Ok(Self::Moderator),
            "admin" => Ok(Self::Admin),
            _ => Err(ValidationError::new("role", "must be user, moderator or admin")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Moderator => "moderator",
            Self::Admin => "admin",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AccountState {
    #[default]
    Active,
    /// Registered while registrations need approval; cannot log in yet.
    Pending,
    Suspended,
}

impl AccountState {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "pending" => Some(Self::Pending),
            "suspended" => Some(Self::Suspended),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pending => "pending",
            Self::Suspended => "suspended",
        }
    }
}

/// How new members join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistrationMode {
    #[default]
    Open,
    Approval,
    Closed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles() {
        assert!(Handle::parse("ab").is_err());
        assert!(Handle::parse("a".repeat(31).as_str()).is_err());
        assert!(Handle::parse("li-wei").is_err());
        assert!(Handle::parse("李伟abc").is_err());
        let h = Handle::parse("Li_Wei_88").unwrap();
        assert_eq!(h.as_str(), "Li_Wei_88");
        assert_eq!(h.key(), "li_wei_88");
    }

    #[test]
    fn emails() {
        assert!(Email::parse("a@b.co").is_ok());
        assert_eq!(Email::parse(" Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
        for bad in ["", "a", "a@b", "@b.co", "a b@c.co", "a@.co", "a@b.co.", "a\0@b.co"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords() {
        assert!(Password::new_for("short", "ann", "a@b.co").is_err());
        assert!(Password::new_for("Password123", "ann", "a@b.co").is_err());
        assert!(Password::new_for("annabelle", "annabelle", "a@b.co").is_err());
        assert!(Password::new_for("zzzzzzzzzz", "ann", "a@b.co").is_err());
        let p = Password::new_for("correct horse battery", "ann", "a@b.co").unwrap();
        assert_eq!(format!("{p:?}"), "Password(<hidden>)");
    }

    #[test]
    fn text_limits_count_characters() {
        assert!(NoteText::parse(&"好".repeat(NoteText::MAX)).is_ok());
        assert!(NoteText::parse(&"好".repeat(NoteText::MAX + 1)).is_err());
        assert!(NoteText::parse("a\0b").is_err());
        assert!(NoteTitle::parse("two\nlines").is_err());
    }

    #[test]
    fn visibility() {
        assert_eq!(Visibility::parse("unlisted").unwrap(), Visibility::Unlisted);
        assert!(Visibility::parse("direct").unwrap_err().reason.contains("chat"));
    }
}

/// A BCP 47 language tag, in a simple shape (`zh`, `zh-CN`, `zh-Hant-TW`, `en-US`), normalised
/// to the conventional case (`zh-Hant-TW`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let bad =
            || ValidationError::new("language", format!("{s:?} is not a BCP 47 language tag"));
        let mut parts = s.trim().split(['-', '_']);
        let lang = parts
            .next()
            .filter(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()))
            .ok_or_else(bad)?;
        let mut out = lang.to_ascii_lowercase();
        for p in parts {
            if p.is_empty() || p.len() > 8 || !p.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(bad());
            }
            out.push('-');
            match p.len() {
                4 => {
                    let mut cs = p.chars();
                    out.extend(cs.next().map(|c| c.to_ascii_uppercase()));
                    out.push_str(&cs.as_str().to_ascii_lowercase());
                }
                2 => out.push_str(&p.to_ascii_uppercase()),
                _ => out.push_str(&p.to_ascii_lowercase()),
            }
        }
        Ok(Self(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag (`zh` of `zh-Hant-TW`).
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

/// An ISO 3166-1 alpha-2 region code, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        if s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic()) {
            Ok(Self(s.to_ascii_uppercase()))
        } else {
            Err(ValidationError::new(
                "region",
                "must be a two-letter ISO 3166-1 code such as CN or US",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tag_tests {
    use super::*;

    #[test]
    fn language_tags() {
        assert_eq!(LanguageTag::parse("zh_hant_tw").unwrap().as_str(), "zh-Hant-TW");
        assert_eq!(LanguageTag::parse("EN-us").unwrap().as_str(), "en-US");
        assert_eq!(LanguageTag::parse("zh-CN").unwrap().primary(), "zh");
        for bad in ["", "x", "english", "zh-", "zh-<b>"] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(RegionCode::parse("cn").unwrap().as_str(), "CN");
        assert!(RegionCode::parse("CHN").is_err());
    }
}
