//! Explore: public notes ranked for each viewer by `nb-rank`.
//!
//! The candidates' features live in memory: read from the store at most a minute apart, and
//! patched before the next ranking whenever a note is posted, liked, collected, commented on or
//! deleted, so a viewer always sees their own actions. A fresh Explore page ranks every
//! candidate for its viewer and keeps the ranking as a short-lived snapshot; the pages after it
//! are read from that snapshot, so scrolling neither repeats nor skips a note while scores move.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
pub use nb_rank::Why;
use nb_rank::{Candidate, Viewer, tag_hash};
use nb_store::{ExploreCandidate, Hidden, NoteView};

use crate::{Ctx, Result, social};

/// The candidates: the best public notes by stored score and the newest ones (DECISIONS.md:
/// a fresh page scores at least 1,500).
const TOP: i64 = 1_500;
const NEWEST: i64 = 500;
/// The pool is read afresh this often, and when patches (new notes) have doubled it.
const REBUILD_AFTER: Duration = Duration::from_secs(60);
/// Past this many touched notes (a burst of posts while nobody opens Explore), the pool is
/// read afresh instead of patched.
const MAX_TOUCHED: usize = 5_000;
/// A snapshot holds this many ranked notes: twenty web pages.
const SNAPSHOT_LEN: usize = 480;
/// How long a snapshot can be paged through, and how many are kept at most (4 KB each); as
/// many members' profiles are kept.
const SNAPSHOT_TTL: Duration = Duration::from_secs(600);
const MAX_SNAPSHOTS: usize = 10_000;
/// Signed-out visitors share a ranking while the pool is unchanged, this long at most.
const SHARED_TTL: Duration = Duration::from_secs(10);
/// A member's Explore profile is read again after this long.
const PROFILE_TTL: Duration = Duration::from_secs(60);
const PROFILE_FOLLOWS: i64 = 1_000;
const PROFILE_LIKES: i64 = 200;

/// Explore's shared state: the candidate pool and the viewers' snapshots.
#[derive(Default)]
pub struct ExploreState {
    pool: RwLock<Pool>,
    /// Notes changed since the pool was last read or patched.
    touched: Mutex<HashSet<i64>>,
    /// Too many notes were touched to patch them in.
    overflowed: AtomicBool,
    /// One read of the store into the pool at a time.
    refreshing: tokio::sync::Mutex<()>,
    snapshots: Mutex<Snapshots>,
}

#[derive(Default)]
struct Pool {
    built: Option<Instant>,
    /// Bumped at every rebuild and patch.
    version: u64,
    candidates: Vec<Candidate>,
    /// Note id → place in `candidates`.
    at: HashMap<i64, usize>,
}

#[derive(Default)]
struct Snapshots {
    next: u64,
    by_id: HashMap<u64, Snapshot>,
    /// Each member's latest snapshot: a fresh page replaces it.
    of_member: HashMap<i64, u64>,
    /// The signed-out visitors' ranking, and the pool version it was made from.
    shared: Option<(u64, u64)>,
    profiles: HashMap<i64, (Instant, Arc<Viewer>)>,
}

struct Snapshot {
    viewer: Option<i64>,
    made: Instant,
    notes: Ranking,
}

/// Ranked note ids, best first, each with why it is there.
type Ranking = Arc<[(i64, Why)]>;

/// Where an Explore page starts: a place in a snapshot. Opaque to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    snapshot: u64,
    position: u32,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let mut bytes = [0u8; 12];
        bytes[..8].copy_from_slice(&self.snapshot.to_be_bytes());
        bytes[8..].copy_from_slice(&self.position.to_be_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// `None` for anything [`Cursor::encode`] did not make.
    pub fn decode(s: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(s).ok()?;
        let (snapshot, position) = bytes.split_at_checked(8)?;
        Some(Self {
            snapshot: u64::from_be_bytes(snapshot.try_into().ok()?),
            position: u32::from_be_bytes(position.try_into().ok()?),
        })
    }
}

/// A page of Explore, why each note is on it (`why[i]` for `notes[i]`), and where the next page
/// starts (`None` at the end).
pub struct ExplorePage {
    pub notes: Vec<NoteView>,
    pub why: Vec<Why>,
    pub next: Option<Cursor>,
}

/// A poisoned lock only means another request panicked; the data stays usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ExploreState {
    /// A note was posted, engaged with or deleted: the next ranking reads it afresh.
    pub fn touch(&self, note: i64) {
        let mut touched = lock(&self.touched);
        if touched.len() >= MAX_TOUCHED {
            touched.clear();
            self.overflowed.store(true, Ordering::Relaxed);
        }
        touched.insert(note);
    }

    /// `member` liked, collected or took either back on `note`: the note is touched, and their
    /// profile read afresh.
    pub fn engaged(&self, member: i64, note: i64) {
        self.touch(note);
        self.forget_profile(member);
    }

    /// `member` liked, collected, followed or unfollowed: their next ranking reads what they
    /// follow and like afresh instead of the profile kept for a minute.
    pub fn forget_profile(&self, member: i64) {
        lock(&self.snapshots).profiles.remove(&member);
    }

    fn pool(&self) -> std::sync::RwLockReadGuard<'_, Pool> {
        self.pool.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn needs_rebuild(&self) -> bool {
        let pool = self.pool();
        self.overflowed.load(Ordering::Relaxed)
            || pool.built.is_none_or(|b| b.elapsed() > REBUILD_AFTER)
            || pool.candidates.len() > 2 * (TOP + NEWEST) as usize
    }

    /// Bring the pool up to date: read it afresh when old, else patch in the touched notes.
    async fn refresh(&self, ctx: &Ctx) -> Result<()> {
        let touched = !lock(&self.touched).is_empty();
        if !touched && !self.needs_rebuild() {
            return Ok(());
        }
        // A pool that is merely old serves on while another request reads the new one; one
        // missing the viewer's own actions (or lost to an overflow) waits for it.
        let must_wait =
            touched || self.overflowed.load(Ordering::Relaxed) || self.pool().built.is_none();
        let _one = if must_wait {
            self.refreshing.lock().await
        } else {
            match self.refreshing.try_lock() {
                Ok(one) => one,
                Err(_) => return Ok(()),
            }
        };
        let rebuild = self.needs_rebuild();
        let touched: Vec<i64> = lock(&self.touched).drain().collect();
        let read = if rebuild {
            self.overflowed.store(false, Ordering::Relaxed);
            ctx.store.explore_candidates(TOP, NEWEST).await
        } else if touched.is_empty() {
            return Ok(());
        } else {
            ctx.store.explore_candidates_by_id(&touched).await
        };
        let rows = match read {
            Ok(rows) => rows,
            Err(e) => {
                lock(&self.touched).extend(touched);
                if rebuild {
                    self.overflowed.store(true, Ordering::Relaxed);
                }
                return Err(e.into());
            }
        };
        let mut pool = self.pool.write().unwrap_or_else(PoisonError::into_inner);
        if rebuild {
            let version = pool.version;
            *pool = Pool { built: Some(Instant::now()), version, ..Pool::default() };
        } else {
            // Notes that are gone or no longer public come back from the store as nothing.
            let found: HashSet<i64> = rows.iter().map(|(c, _)| c.id).collect();
            for id in touched.iter().filter(|id| !found.contains(id)) {
                pool.remove(*id);
            }
        }
        for (row, tags) in rows {
            pool.upsert(candidate(&row, &tags));
        }
        pool.version += 1;
        Ok(())
    }

    /// The snapshot `id`, if it is still kept and `viewer` may read it.
    fn snapshot(&self, id: u64, viewer: Option<i64>) -> Option<Ranking> {
        let snapshots = lock(&self.snapshots);
        let s = snapshots.by_id.get(&id)?;
        let theirs = s.viewer.is_none() || s.viewer == viewer;
        (theirs && s.made.elapsed() < SNAPSHOT_TTL).then(|| Arc::clone(&s.notes))
    }

    /// The signed-out ranking, while the pool it was made from is unchanged.
    fn shared(&self) -> Option<(u64, Ranking)> {
        let version = self.pool().version;
        let snapshots = lock(&self.snapshots);
        let (id, made_from) = snapshots.shared?;
        let s = snapshots.by_id.get(&id)?;
        (made_from == version && s.made.elapsed() < SHARED_TTL).then(|| (id, Arc::clone(&s.notes)))
    }

    /// Keep a ranking for `viewer` to page through; returns its id.
    fn keep(&self, viewer: Option<i64>, notes: Ranking, version: u64) -> u64 {
        let mut snapshots = lock(&self.snapshots);
        snapshots.next += 1;
        let id = snapshots.next;
        let made = Instant::now();
        snapshots.by_id.insert(id, Snapshot { viewer, made, notes });
        match viewer {
            Some(member) => {
                if let Some(old) = snapshots.of_member.insert(member, id) {
                    snapshots.by_id.remove(&old);
                }
            }
            None => snapshots.shared = Some((id, version)),
        }
        if snapshots.by_id.len() > MAX_SNAPSHOTS {
            snapshots.evict();
        }
        id
    }
}

impl Snapshots {
    /// Drop expired snapshots; if that is not enough, the oldest quarter.
    fn evict(&mut self) {
        self.by_id.retain(|_, s| s.made.elapsed() < SNAPSHOT_TTL);
        if self.by_id.len() > MAX_SNAPSHOTS {
            let mut made: Vec<(Instant, u64)> =
                self.by_id.iter().map(|(&id, s)| (s.made, id)).collect();
            made.sort_unstable();
            for (_, id) in made.iter().take(made.len() / 4) {
                self.by_id.remove(id);
            }
        }
        let kept = &self.by_id;
        self.of_member.retain(|_, id| kept.contains_key(id));
    }
}

impl Pool {
    fn upsert(&mut self, c: Candidate) {
        match self.at.get(&c.note) {
            Some(&i) => self.candidates[i] = c,
            None => {
                self.at.insert(c.note, self.candidates.len());
                self.candidates.push(c);
            }
        }
    }

    fn remove(&mut self, note: i64) {
        let Some(i) = self.at.remove(&note) else { return };
        self.candidates.swap_remove(i);
        if let Some(moved) = self.candidates.get(i) {
            self.at.insert(moved.note, i);
        }
    }
}

fn candidate(row: &ExploreCandidate, tags: &[String]) -> Candidate {
    Candidate {
        note: row.id,
        author: row.author_id,
        created_at: row.created_at,
        likes: row.likes_count,
        collects: row.collects_count,
        comments: row.comments_count,
        photos: row.photos > 0,
        tags: tags.iter().map(|t| tag_hash(t)).collect(),
    }
}

/// What Explore knows of `viewer`: whom they follow and which tags they like.
async fn profile(ctx: &Ctx, viewer: Option<i64>) -> Result<Arc<Viewer>> {
    let Some(member) = viewer else {
        return Ok(Arc::new(Viewer::default()));
    };
    if let Some((at, p)) = lock(&ctx.explore.snapshots).profiles.get(&member)
        && at.elapsed() < PROFILE_TTL
    {
        return Ok(Arc::clone(p));
    }
    let (follows, tags) = ctx.store.explore_profile(member, PROFILE_FOLLOWS, PROFILE_LIKES).await?;
    let most = tags.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    #[allow(clippy::cast_precision_loss)]
    let topics = tags.iter().map(|(key, n)| (tag_hash(key), *n as f64 / most as f64)).collect();
    let p = Arc::new(Viewer { id: Some(member), follows: follows.into_iter().collect(), topics });
    let mut snapshots = lock(&ctx.explore.snapshots);
    if snapshots.profiles.len() >= MAX_SNAPSHOTS {
        snapshots.profiles.retain(|_, (at, _)| at.elapsed() < PROFILE_TTL);
        if snapshots.profiles.len() >= MAX_SNAPSHOTS {
            // More members than that within a minute: they are read again, at worst.
            snapshots.profiles.clear();
        }
    }
    snapshots.profiles.insert(member, (Instant::now(), Arc::clone(&p)));
    Ok(p)
}

/// Rank the pool for `viewer` and keep the ranking as a snapshot.
async fn fresh(ctx: &Ctx, viewer: Option<i64>, hidden: &Hidden) -> Result<(u64, Ranking)> {
    ctx.explore.refresh(ctx).await?;
    if viewer.is_none()
        && let Some(shared) = ctx.explore.shared()
    {
        return Ok(shared);
    }
    let profile = profile(ctx, viewer).await?;
    let started = Instant::now();
    let (notes, version) = {
        let pool = ctx.explore.pool();
        let ranked =
            nb_rank::rank(&pool.candidates, &profile, |a| hidden.hides(a), ctx.now(), SNAPSHOT_LEN);
        (ranked.iter().map(|r| (r.note, r.why)).collect::<Ranking>(), pool.version)
    };
    metrics::histogram!("explore_rank_seconds").record(started.elapsed().as_secs_f64());
    let id = ctx.explore.keep(viewer, Arc::clone(&notes), version);
    Ok((id, notes))
}

/// A page of Explore for `viewer`: a fresh ranking without `cursor`, else the page after it.
/// A cursor whose snapshot has expired goes on from the same place in a fresh ranking.
pub async fn page(
    ctx: &Ctx,
    viewer: Option<i64>,
    cursor: Option<Cursor>,
    limit: usize,
) -> Result<ExplorePage> {
    let hidden = social::hidden(ctx, viewer).await?;
    let kept = cursor.and_then(|c| Some((c.snapshot, ctx.explore.snapshot(c.snapshot, viewer)?)));
    let (snapshot, notes) = match kept {
        Some(found) => found,
        None => fresh(ctx, viewer, &hidden).await?,
    };
    let start = cursor.map_or(0, |c| c.position as usize).min(notes.len());
    let end = start.saturating_add(limit).min(notes.len());
    let ranked = &notes[start..end];
    let ids: Vec<i64> = ranked.iter().map(|(id, _)| *id).collect();
    let mut found: HashMap<i64, NoteView> =
        ctx.store.public_notes(&ids).await?.into_iter().map(|n| (n.id, n)).collect();
    let (page, why) = ranked
        .iter()
        .filter_map(|(id, why)| Some((found.remove(id)?, *why)))
        .filter(|(n, _)| !hidden.hides(n.author_id))
        .unzip();
    let next = (end < notes.len())
        .then(|| Cursor { snapshot, position: u32::try_from(end).unwrap_or(u32::MAX) });
    Ok(ExplorePage { notes: page, why, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_others() {
        let c = Cursor { snapshot: 0x0102_0304_0506_0708, position: 480 };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        for bad in ["", "garbage", "AAAA", &URL_SAFE_NO_PAD.encode([0u8; 13])] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }

    fn cand(note: i64) -> Candidate {
        Candidate {
            note,
            author: 1,
            created_at: 0,
            likes: 0,
            collects: 0,
            comments: 0,
            photos: false,
            tags: Box::new([]),
        }
    }

    #[test]
    fn the_pool_patches_in_place() {
        let mut pool = Pool::default();
        for n in 1..=4 {
            pool.upsert(cand(n));
        }
        pool.upsert(Candidate { likes: 9, ..cand(2) });
        pool.remove(1);
        pool.remove(7);
        let mut notes: Vec<i64> = pool.candidates.iter().map(|c| c.note).collect();
        notes.sort_unstable();
        assert_eq!(notes, [2, 3, 4]);
        for (i, c) in pool.candidates.iter().enumerate() {
            assert_eq!(pool.at[&c.note], i);
        }
        assert_eq!(pool.candidates[pool.at[&2]].likes, 9);
    }
}
