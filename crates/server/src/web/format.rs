//! Numbers and times as each interface language writes them: 12K and 1.2M in English, 1.2万 and
//! 3亿 in Chinese; "5 min ago" or a date. The words come from the Fluent files; the grouping
//! (thousands or ten-thousands) is the locale's rule.

use crate::i18n::Locale;

/// A count as a short label: exact below the first unit, else one decimal at most.
pub fn count(t: &Locale, n: i64) -> String {
    let (small, big) =
        if t.lang.starts_with("zh") { (10_000, 100_000_000) } else { (1_000, 1_000_000) };
    let (base, key) = match n {
        n if n >= big => (big, "count-big"),
        n if n >= small => (small, "count-small"),
        n => return n.to_string(),
    };
    let tenths = n * 10 / base;
    let value = if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    };
    t.t1(key, "n", value)
}

/// How long ago `then_ms` was, at `now_ms`: minutes, hours, days, then the date.
pub fn ago(t: &Locale, then_ms: i64, now_ms: i64) -> String {
    let secs = (now_ms - then_ms).max(0) / 1000;
    match secs {
        s if s < 60 => t.t("time-now"),
        s if s < 3600 => t.t1("time-minutes", "n", s / 60),
        s if s < 86_400 => t.t1("time-hours", "n", s / 3600),
        s if s < 7 * 86_400 => t.t1("time-days", "n", s / 86_400),
        _ => date(t, then_ms),
    }
}

/// A calendar date in UTC.
pub fn date(t: &Locale, ms: i64) -> String {
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) else {
        return String::new();
    };
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("y", at.year().to_string());
    args.set("m", u8::from(at.month()));
    args.set("d", at.day());
    t.with_args("time-date", &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_locale() {
        let (en, zh) = (Locale::get("en"), Locale::get("zh-CN"));
        assert_eq!(count(&en, 999), "999");
        assert_eq!(count(&en, 12_345), "12.3K");
        assert_eq!(count(&en, 12_000), "12K");
        assert_eq!(count(&en, 2_500_000), "2.5M");
        assert_eq!(count(&zh, 9_999), "9999");
        assert_eq!(count(&zh, 12_345), "1.2万");
        assert_eq!(count(&zh, 300_000_000), "3亿");
    }

    #[test]
    fn times_per_locale() {
        let (en, zh) = (Locale::get("en"), Locale::get("zh-CN"));
        let now = 1_764_000_000_000;
        assert_eq!(ago(&en, now - 5 * 60_000, now), "5 min ago");
        assert_eq!(ago(&zh, now - 3 * 3_600_000, now), "3小时前");
        assert_eq!(ago(&en, now - 30 * 86_400_000, now), "2025-10-25");
        assert_eq!(ago(&zh, now - 30 * 86_400_000, now), "2025年10月25日");
    }
}
