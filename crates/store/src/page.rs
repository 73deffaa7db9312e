/// A window on a chronological list, as Mastodon's `max_id`, `since_id`, `min_id` and `limit`.
///
/// `max_id` and `since_id` give the newest items in (since_id, max_id); `min_id` gives the items
/// right after it (oldest first, returned newest first), which is how clients fetch gaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: i64,
}

impl Page {
    pub const DEFAULT_LIMIT: i64 = 20;
    pub const MAX_LIMIT: i64 = 40;

    pub fn newest(limit: i64) -> Self {
        Self { max_id: None, since_id: None, min_id: None, limit }
    }

    /// Exclusive upper bound.
    pub(crate) fn upper(&self) -> i64 {
        self.max_id.unwrap_or(i64::MAX)
    }

    /// Exclusive lower bound.
    pub(crate) fn lower(&self) -> i64 {
        self.min_id.or(self.since_id).unwrap_or(i64::MIN)
    }

    /// Read upwards from `min_id` (ascending), then reverse.
    pub(crate) fn ascending(&self) -> bool {
        self.min_id.is_some()
    }

    pub(crate) fn limit(&self) -> i64 {
        self.limit.clamp(1, 200)
    }
}
