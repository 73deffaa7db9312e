use time::OffsetDateTime;
use time::macros::format_description;

/// Unix milliseconds as Mastodon writes times: `2026-11-25T14:45:09.123Z`.
pub fn iso8601(ms: i64) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(fmt).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_owned())
}

/// The date only (`2026-11-25`), as Mastodon gives `last_status_at`.
pub fn date(ms: i64) -> String {
    iso8601(ms).chars().take(10).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::iso8601(1_764_081_909_123), "2025-11-25T14:45:09.123Z");
        assert_eq!(super::date(1_764_081_909_123), "2025-11-25");
    }
}
