//! Interface strings from Fluent files (`i18n/en.ftl`, `i18n/zh-CN.ftl`), compiled into the
//! binary. The locale comes from an explicit choice, else `Accept-Language`, else English.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use nb_app::mail::ConfirmationTexts;
use unic_langid::LanguageIdentifier;

const SOURCES: [(&str, &str); 2] =
    [("en", include_str!("../i18n/en.ftl")), ("zh-CN", include_str!("../i18n/zh-CN.ftl"))];

/// The marker pseudo-locale: English with every message wrapped in ⟦…⟧, so a test can find
/// interface text that does not come from the Fluent files (`?lang=x-pseudo`).
pub const PSEUDO: &str = "x-pseudo";

/// One bundle per source, English first (the fallback), then the pseudo-locale.
struct Catalog {
    bundles: Vec<(&'static str, FluentBundle<FluentResource>)>,
}

fn bundle(tag: &'static str, src: String) -> (&'static str, FluentBundle<FluentResource>) {
    let id: LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks: the text goes into HTML, not a bidi-mixed UI.
    bundle.set_use_isolating(false);
    // The files are ours and tested (`every_key_in_both_languages`).
    let resource = FluentResource::try_new(src).unwrap_or_else(|(r, _)| r);
    let _ = bundle.add_resource(resource);
    (tag, bundle)
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut bundles: Vec<_> =
            SOURCES.iter().map(|(tag, src)| bundle(tag, (*src).to_owned())).collect();
        bundles.push(bundle(PSEUDO, pseudo(SOURCES[0].1)));
        Catalog { bundles }
    })
}

/// Wrap every message of a Fluent source in ⟦…⟧ (multi-line messages included).
fn pseudo(src: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    let close = |out: &mut Vec<String>| {
        if let Some(last) = out.iter_mut().rev().find(|l| !l.trim().is_empty()) {
            last.push('⟧');
        }
    };
    for line in src.lines() {
        let starts = !line.starts_with([' ', '#', '[', '*', '}']) && line.contains(" = ");
        if starts || line.starts_with('#') {
            if open {
                close(&mut out);
            }
            open = starts;
        }
        match line.split_once(" = ").filter(|_| starts) {
            Some((key, value)) => out.push(format!("{key} = ⟦{value}")),
            None => out.push(line.to_owned()),
        }
    }
    if open {
        close(&mut out);
    }
    out.join("\n")
}

/// One locale's strings.
#[derive(Clone, Copy)]
pub struct Locale {
    pub lang: &'static str,
    bundle: &'static FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.lang)
    }
}

impl Locale {
    pub fn get(lang: &str) -> Locale {
        let c = catalog();
        let (lang, bundle) = c
            .bundles
            .iter()
            .find(|(tag, _)| tag.eq_ignore_ascii_case(lang))
            .or_else(|| c.bundles.iter().find(|(tag, _)| primary(tag) == primary(lang)))
            .unwrap_or(&c.bundles[0]);
        Locale { lang, bundle }
    }

    /// Choose from an explicit `lang`, else the `Accept-Language` header, else English.
    pub fn negotiate(explicit: Option<&str>, accept_language: Option<&str>) -> Locale {
        if let Some(l) = explicit.filter(|l| !l.is_empty()) {
            return Locale::get(l);
        }
        let mut ranked: Vec<(f32, &str)> = accept_language
            .unwrap_or("")
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                (!tag.is_empty()).then_some((q, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, tag) in ranked {
            if SOURCES.iter().any(|(t, _)| primary(t) == primary(tag)) {
                return Locale::get(tag);
            }
        }
        Locale::get("en")
    }

    /// The message `key`, or the key itself when missing (a test keeps that from shipping).
    pub fn t(&self, key: &str) -> String {
        self.format(key, None).into_owned()
    }

    /// The message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl Into<FluentValue<'static>>) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), value.into());
        self.format(key, Some(&args)).into_owned()
    }

    /// The message `key` with several arguments.
    pub fn with_args(&self, key: &str, args: &FluentArgs) -> String {
        self.format(key, Some(args)).into_owned()
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> Cow<'static, str> {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            return Cow::Owned(key.to_owned());
        };
        let mut errors = Vec::new();
        Cow::Owned(self.bundle.format_pattern(pattern, args, &mut errors).into_owned())
    }

    /// The words of the mail that asks `handle` to confirm their address.
    pub fn confirmation_texts(&self, handle: &str, valid_hours: u64) -> ConfirmationTexts {
        let mut args = FluentArgs::new();
        args.set("handle", handle.to_owned());
        args.set("hours", valid_hours);
        ConfirmationTexts {
            subject: self.t("mail-confirm-subject"),
            before_link: self.format("mail-confirm-before", Some(&args)).into_owned(),
            after_link: self.format("mail-confirm-after", Some(&args)).into_owned(),
        }
    }

    /// The other interface language, for the switch link.
    pub fn other(&self) -> &'static str {
        if self.lang == "zh-CN" { "en" } else { "zh-CN" }
    }
}

fn primary(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(src: &str) -> Vec<&str> {
        src.lines()
            .filter(|l| !l.starts_with([' ', '#', '[', '*']) && l.contains(" ="))
            .filter_map(|l| l.split(" =").next())
            .collect()
    }

    #[test]
    fn every_key_in_both_languages() {
        let (en, zh) = (keys(SOURCES[0].1), keys(SOURCES[1].1));
        assert_eq!(en, zh, "en.ftl and zh-CN.ftl must define the same messages in the same order");
        for (tag, src) in SOURCES {
            assert!(FluentResource::try_new(src.to_owned()).is_ok(), "{tag} parses");
            let l = Locale::get(tag);
            for k in keys(src) {
                assert_ne!(l.t(k), k, "{tag}: {k} resolves");
            }
        }
    }

    #[test]
    fn pseudo_locale_wraps_every_message() {
        let p = Locale::get(PSEUDO);
        assert_eq!(p.lang, PSEUDO);
        assert_eq!(p.t("site-name"), "⟦Notebridge⟧");
        assert_eq!(p.t1("card-photos", "count", 3), "⟦3 photos⟧");
        for k in keys(SOURCES[0].1) {
            let text = p.t(k);
            assert!(text.starts_with('⟦') && text.ends_with('⟧'), "{k}: {text}");
        }
    }

    #[test]
    fn negotiation() {
        assert_eq!(Locale::negotiate(None, Some("zh-TW,zh;q=0.9,en;q=0.8")).lang, "zh-CN");
        assert_eq!(Locale::negotiate(None, Some("fr-FR, en;q=0.5")).lang, "en");
        assert_eq!(Locale::negotiate(Some("zh-cn"), Some("en")).lang, "zh-CN");
        assert_eq!(Locale::negotiate(None, None).lang, "en");
        assert_eq!(Locale::get("en").t1("card-photos", "count", 3), "3 photos");
    }
}
