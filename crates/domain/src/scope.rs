//! OAuth scopes as Mastodon defines them: `read`, `write`, `follow`, `push`, `admin:*`
//! and their sub-scopes (`read:statuses`, `write:media`, ...). A granted top-level scope covers
//! all of its sub-scopes; the legacy `follow` scope covers the relationship sub-scopes.

use std::collections::BTreeSet;
use std::fmt;

use crate::error::ValidationError;

const TOP: &[&str] = &["read", "write", "follow", "push", "profile"];
const READ_SUBS: &[&str] = &[
    "accounts",
    "blocks",
    "bookmarks",
    "favourites",
    "filters",
    "follows",
    "lists",
    "mutes",
    "notifications",
    "search",
    "statuses",
];
const WRITE_SUBS: &[&str] = &[
    "accounts",
    "blocks",
    "bookmarks",
    "conversations",
    "favourites",
    "filters",
    "follows",
    "lists",
    "media",
    "mutes",
    "notifications",
    "reports",
    "statuses",
];
const FOLLOW_COVERS: &[&str] =
    &["read:blocks", "read:follows", "read:mutes", "write:blocks", "write:follows", "write:mutes"];

/// One scope, e.g. `read` or `write:statuses`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope(String);

impl Scope {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let ok = match s.split_once(':') {
            None => TOP.contains(&s),
            Some(("read", sub)) => READ_SUBS.contains(&sub),
            Some(("write", sub)) => WRITE_SUBS.contains(&sub),
            Some(("admin", rest)) => rest.starts_with("read") || rest.starts_with("write"),
            _ => false,
        };
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ValidationError::new("scope", format!("{s:?} is not a known scope")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A set of granted scopes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(BTreeSet<Scope>);

impl Scopes {
    /// Parse a space-separated list; an empty list means `read`, as in Mastodon.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let set = s
            .split([' ', '+', ','])
            .filter(|p| !p.is_empty())
            .map(Scope::parse)
            .collect::<Result<BTreeSet<_>, _>>()?;
        if set.is_empty() {
            return Ok(Self(BTreeSet::from([Scope("read".into())])));
        }
        Ok(Self(set))
    }

    /// Does this grant allow an endpoint that needs `required` (e.g. `write:statuses`)?
    pub fn allows(&self, required: &str) -> bool {
        self.0.iter().any(|g| {
            let g = g.as_str();
            g == required
                || required.split_once(':').is_some_and(|(top, _)| top == g)
                || (g == "follow" && FOLLOW_COVERS.contains(&required))
        })
    }

    /// Every requested scope must be covered by this set (an app's registered scopes).
    pub fn covers(&self, requested: &Scopes) -> bool {
        requested.0.iter().all(|s| self.allows(s.as_str()))
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(Scope::as_str)
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for s in &self.0 {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            f.write_str(s.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_covers_subscopes() {
        let s = Scopes::parse("read write:statuses").unwrap();
        assert!(s.allows("read:notifications"));
        assert!(s.allows("write:statuses"));
        assert!(!s.allows("write:media"));
        assert!(!s.allows("write"));
    }

    #[test]
    fn follow_covers_relationships() {
        let s = Scopes::parse("follow").unwrap();
        assert!(s.allows("write:follows"));
        assert!(!s.allows("write:statuses"));
    }

    #[test]
    fn parse_and_print() {
        assert_eq!(Scopes::parse("").unwrap().to_string(), "read");
        assert_eq!(Scopes::parse("write read push").unwrap().to_string(), "push read write");
        assert!(Scopes::parse("read delete:everything").is_err());
    }
}
