//! The newest note ids of each pulled member, kept in memory for home feeds.
//!
//! A reader's home page merges in the notes of every pulled member they follow (`home.rs`): a
//! mean of 31 members and up to a few hundred on the 100k-member community, each an index range
//! read per page. Their newest ids are the same for all their followers, so they are read once
//! and kept here. This server forgets a member's ids when it commits a post or a deletion of
//! theirs; writes by another process (a second server on PostgreSQL, a command-line tool) show
//! once an entry has aged out (10 s).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How many of a member's newest ids are kept: a page holds at most 40 (`Page::MAX_LIMIT`).
pub(crate) const KEPT: usize = 40;

/// At most this many members are kept; past it all are dropped and read again as needed.
const MAX_MEMBERS: usize = 200_000;

/// Forgetting is recorded per stripe of members rather than per member, so forgetting someone
/// who is not kept costs no memory. A load is refused when its member's stripe was forgotten
/// after it began; a refusal only means one more read later.
const STRIPES: usize = 4096;

/// One member's newest note ids, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recent {
    ids: Arc<[i64]>,
    /// `ids` are all of the member's notes.
    complete: bool,
}

impl Recent {
    /// From up to `KEPT + 1` ids read newest first: one more than kept tells that there are more.
    pub(crate) fn from_newest(mut ids: Vec<i64>) -> Self {
        let complete = ids.len() <= KEPT;
        ids.truncate(KEPT);
        Self { ids: ids.into(), complete }
    }

    /// The ids in (`lower`, `upper`) that a page of `limit` could take: the newest `limit`
    /// (the oldest `limit` when `ascending`). `None` when the kept ids cannot tell, because the
    /// window reaches past the oldest kept id.
    pub(crate) fn window(
        &self,
        upper: i64,
        lower: i64,
        limit: usize,
        ascending: bool,
    ) -> Option<impl Iterator<Item = i64> + '_> {
        let inside = || self.ids.iter().copied().filter(move |&id| id < upper && id > lower);
        let seen_all = self.complete || self.ids.last().is_some_and(|&oldest| oldest <= lower);
        let enough = !ascending && inside().nth(limit.saturating_sub(1)).is_some();
        (seen_all || enough).then(|| {
            let skip = if ascending { inside().count().saturating_sub(limit) } else { 0 };
            inside().skip(skip).take(limit)
        })
    }
}

struct Entry {
    recent: Recent,
    loaded: Instant,
}

/// A lookup's answer: the kept members, and a token for storing the others once read.
pub(crate) struct Lookup {
    pub(crate) kept: Vec<Recent>,
    pub(crate) missing: Vec<i64>,
    pub(crate) token: u64,
}

pub(crate) struct Recents {
    entries: Mutex<HashMap<i64, Entry>>,
    /// Ticks at every forget; a load remembers the tick it began at.
    clock: AtomicU64,
    /// The tick of the last forget in each stripe.
    forgotten: Vec<AtomicU64>,
    ttl: Duration,
}

impl std::fmt::Debug for Recents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recents").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

impl Default for Recents {
    fn default() -> Self {
        Self::new(Duration::from_secs(10))
    }
}

impl Recents {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            entries: Mutex::default(),
            clock: AtomicU64::new(1),
            forgotten: (0..STRIPES).map(|_| AtomicU64::new(0)).collect(),
            ttl,
        }
    }

    fn stripe(&self, member: i64) -> &AtomicU64 {
        &self.forgotten[usize::try_from(member.rem_euclid(STRIPES as i64)).unwrap_or_default()]
    }

    /// The kept ids of `members` that are fresh, and the members to read.
    pub(crate) fn lookup(&self, members: &[i64]) -> Lookup {
        let token = self.clock.load(Ordering::Acquire);
        let now = Instant::now();
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let mut found =
            Lookup { kept: Vec::with_capacity(members.len()), missing: Vec::new(), token };
        for &member in members {
            match entries.get(&member) {
                Some(e) if now.duration_since(e.loaded) < self.ttl => {
                    found.kept.push(e.recent.clone())
                }
                _ => found.missing.push(member),
            }
        }
        found
    }

    /// Keep each member's ids, read after a [`Recents::lookup`] that gave `token`, unless the
    /// member was forgotten since.
    pub(crate) fn keep(&self, token: u64, read: &[(i64, Recent)]) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        for (member, recent) in read {
            // Read under the lock that `forget` takes too: a forget either came first and shows
            // here, or comes after and removes this entry.
            if self.stripe(*member).load(Ordering::Acquire) > token {
                continue;
            }
            if entries.len() >= MAX_MEMBERS && !entries.contains_key(member) {
                entries.clear();
            }
            entries.insert(*member, Entry { recent: recent.clone(), loaded: now });
        }
    }

    /// Drop `member`'s ids: a note of theirs was just committed or deleted.
    pub(crate) fn forget(&self, member: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let tick = self.clock.fetch_add(1, Ordering::AcqRel) + 1;
        self.stripe(member).fetch_max(tick, Ordering::AcqRel);
        entries.remove(&member);
    }

    /// Drop everything (after a bulk load).
    pub(crate) fn forget_all(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let tick = self.clock.fetch_add(1, Ordering::AcqRel) + 1;
        for stripe in &self.forgotten {
            stripe.fetch_max(tick, Ordering::AcqRel);
        }
        entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(r: &Recent, upper: i64, lower: i64, limit: usize, up: bool) -> Option<Vec<i64>> {
        r.window(upper, lower, limit, up).map(Iterator::collect)
    }

    #[test]
    fn a_window_is_answered_only_when_the_kept_ids_cover_it() {
        let some = Recent::from_newest((1..=KEPT as i64 + 1).rev().map(|i| i * 10).collect());
        assert!(!some.complete);
        // Newest first: enough ids below the cursor.
        assert_eq!(window(&some, i64::MAX, i64::MIN, 3, false), Some(vec![410, 400, 390]));
        assert_eq!(window(&some, 395, i64::MIN, 2, false), Some(vec![390, 380]));
        // Not enough kept below the cursor, and older notes exist.
        assert_eq!(window(&some, 40, i64::MIN, 3, false), None);
        // A lower bound at or past the oldest kept id (20): everything in between is known.
        assert_eq!(window(&some, 40, 20, 3, false), Some(vec![30]));
        // Below it, a note older than the kept ones might be in range.
        assert_eq!(window(&some, 40, 15, 3, false), None);
        // Oldest first from `min_id`: only when nothing older than the kept ids is in range.
        assert_eq!(window(&some, i64::MAX, 5, 2, true), None);
        assert_eq!(window(&some, i64::MAX, 20, 2, true), Some(vec![40, 30]));
        let all = Recent::from_newest(vec![30, 20, 10]);
        assert!(all.complete);
        assert_eq!(window(&all, i64::MAX, i64::MIN, 2, true), Some(vec![20, 10]));
        assert_eq!(window(&all, 15, i64::MIN, 20, false), Some(vec![10]));
        assert_eq!(window(&Recent::from_newest(vec![]), 9, 1, 20, false), Some(vec![]));
    }

    #[test]
    fn a_load_that_began_before_a_forget_is_not_kept() {
        let recents = Recents::default();
        let before = recents.lookup(&[7]);
        assert_eq!(before.missing, [7]);
        recents.forget(7);
        recents.keep(before.token, &[(7, Recent::from_newest(vec![1]))]);
        assert_eq!(recents.lookup(&[7]).missing, [7], "a stale read must not be kept");
        let after = recents.lookup(&[7]);
        recents.keep(after.token, &[(7, Recent::from_newest(vec![2, 1]))]);
        let found = recents.lookup(&[7]);
        assert!(found.missing.is_empty());
        assert_eq!(found.kept, [Recent::from_newest(vec![2, 1])]);
        recents.forget_all();
        recents.keep(found.token, &[(7, Recent::from_newest(vec![1]))]);
        assert_eq!(recents.lookup(&[7]).missing, [7]);
    }

    #[test]
    fn kept_ids_age_out() {
        let recents = Recents::new(Duration::ZERO);
        let l = recents.lookup(&[3]);
        recents.keep(l.token, &[(3, Recent::from_newest(vec![1]))]);
        assert_eq!(recents.lookup(&[3]).missing, [3]);
    }
}
