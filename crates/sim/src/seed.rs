//! Writing a simulated community through the project's own use cases (`nb_app::bulk`): the same
//! validation as single writes, batched, counters exact after every batch, notifications for the
//! last simulated day only. Deterministic: the same parameters and start time give the same rows,
//! ids included.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nb_app::bulk::{self, Collect, Edge, Notice};
use nb_app::{BoardRow, Ctx};
use nb_domain::IdGenerator;
use tokio::task::JoinSet;

use crate::{DAY_MS, Day, Params, Population, Visibility, days, pool_photo, population};

/// Rows per batch of likes, collects and follows (one transaction each). A day's edges are
/// sorted by primary key before they are cut into batches, so each batch fills one stretch of
/// the table's B-tree instead of dirtying a page per row all over it.
const EDGE_BATCH: usize = 250_000;
/// Home-feed entries per batch.
const HOME_BATCH: usize = 500_000;
/// Notes or comments per batch.
const POST_BATCH: usize = 2_000;

/// Everyone the seeder creates can log in with this password.
pub const SIM_PASSWORD: &str = "notebridge-demo";

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{0}")]
    Params(#[from] crate::ParamsError),
    #[error("{0}")]
    App(#[from] nb_app::AppError),
    #[error("photo generation failed: {0}")]
    Photo(String),
}

/// What has been written so far, for a progress display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Simulated days written, of `days`.
    pub day: u32,
    pub days: u32,
    pub people: u64,
    pub follows: u64,
    pub photos: u64,
    pub notes: u64,
    pub likes: u64,
    pub collects: u64,
    pub comments: u64,
    pub comment_likes: u64,
    pub notifications: u64,
}

/// The outcome of a seed run.
#[derive(Debug, Clone)]
pub struct Report {
    pub totals: Progress,
    pub elapsed: Duration,
    /// Time per stage (the model, members, follows, the days of activity, waiting for the photo
    /// pool, attaching photos, home feeds, indexes, statistics), then the write time per kind of
    /// row.
    pub phases: Vec<(&'static str, Duration)>,
    /// The handle of a member to log in as (an active poster of the resident community).
    pub sample_handle: String,
}

/// Seed `p`'s community with simulation time 0 at `start_ms` (wall-clock ms); the last
/// simulated day ends at `start_ms + days·DAY_MS`. `password_hash` is the Argon2id hash every
/// member shares. `progress` is called after each batch.
pub async fn seed(
    ctx: &Ctx,
    p: &Params,
    start_ms: i64,
    password_hash: &str,
    mut progress: impl FnMut(&Progress),
) -> Result<Report, SeedError> {
    p.validate()?;
    let began = Instant::now();
    // Into an empty database, load without the edge tables' secondary indexes and build them
    // once at the end (a database someone uses keeps them).
    let fresh = !ctx.store.has_accounts().await.map_err(nb_app::AppError::from)?;
    if fresh {
        ctx.store.drop_load_indexes().await.map_err(nb_app::AppError::from)?;
        ctx.store.set_bulk_load_mode(true).await.map_err(nb_app::AppError::from)?;
    }
    let pop = population(p);
    let mut w = Writer::new(ctx, p, start_ms, pop.people.len());
    w.totals.days = p.days;
    let mut phases = vec![("model", began.elapsed())];
    let mut lap = Instant::now();
    let mut mark = |name: &'static str, phases: &mut Vec<(&'static str, Duration)>| {
        phases.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    // The photo pool goes through the intake on the other cores while members, follows and
    // the days are written (one writer thread); the notes' photos are attached once it is done.
    let pool = tokio::spawn(photo_pool(ctx.clone(), p.clone()));
    w.members(&pop, password_hash).await?;
    progress(&w.totals);
    mark("members", &mut phases);
    w.follows(&pop).await?;
    progress(&w.totals);
    mark("follows", &mut phases);
    for day in days(p, &pop) {
        let last = day.index + 1 == p.days;
        w.day(&pop, day, last, &mut progress).await?;
    }
    mark("days", &mut phases);
    let pool = pool.await.map_err(|e| SeedError::Photo(e.to_string()))??;
    w.totals.photos = n(pool.len());
    mark("photo pool (waiting)", &mut phases);
    w.attach_photos(&pool).await?;
    progress(&w.totals);
    mark("photos", &mut phases);
    // Home feeds in one sorted pass: much faster than fanning out each note as it is written.
    w.home_feeds(&pop).await?;
    mark("home feeds", &mut phases);
    if fresh {
        ctx.store.restore_load_indexes().await.map_err(nb_app::AppError::from)?;
        mark("indexes", &mut phases);
    }
    w.pull().await?;
    mark("pulled members", &mut phases);
    // Fresh statistics, or the planner guesses at tables that grew from nothing.
    ctx.store.analyze().await.map_err(nb_app::AppError::from)?;
    if fresh {
        ctx.store.set_bulk_load_mode(false).await.map_err(nb_app::AppError::from)?;
    }
    mark("analyze", &mut phases);
    let mut writes: Vec<_> = w.write_time.iter().map(|(k, d)| (*k, *d)).collect();
    writes.sort_by_key(|w| std::cmp::Reverse(w.1));
    phases.extend(writes);
    let sample_handle = sample_member(&pop);
    Ok(Report { totals: w.totals, elapsed: began.elapsed(), phases, sample_handle })
}

/// A normal resident whose home feed is liveliest: the most posting (by propensity) among the
/// accounts they follow. The most prolific poster, the choice before, saw mostly their own
/// notes there.
fn sample_member(pop: &Population) -> String {
    let mut followed_posting = vec![0.0_f64; pop.people.len()];
    for f in &pop.follows {
        if let (Some(reads), Some(author)) =
            (followed_posting.get_mut(f.follower as usize), pop.people.get(f.followee as usize))
        {
            *reads += f64::from(author.propensities.post);
        }
    }
    pop.people
        .iter()
        .zip(&followed_posting)
        .filter(|(q, _)| q.kind == crate::Kind::Normal && q.community == crate::Community::Resident)
        .max_by(|(_, a), (_, b)| a.total_cmp(b))
        .map(|(q, _)| q)
        .or(pop.people.first())
        .map(|q| q.handle.clone())
        .unwrap_or_default()
}

/// Ids per kind of row, each from its own seeded generator fed times in order, so they are
/// time-ordered, unique and the same on every run.
struct Ids {
    accounts: IdGenerator,
    follows: IdGenerator,
    statuses: IdGenerator,
    media: IdGenerator,
    likes: IdGenerator,
    collects: IdGenerator,
    boards: IdGenerator,
    notifications: IdGenerator,
}

impl Ids {
    fn new(seed: u64) -> Self {
        let g = |k: u64| IdGenerator::seeded(seed.wrapping_mul(31).wrapping_add(k));
        Self {
            accounts: g(1),
            follows: g(2),
            statuses: g(3),
            media: g(4),
            likes: g(5),
            collects: g(6),
            boards: g(7),
            notifications: g(8),
        }
    }
}

struct Writer<'a> {
    ctx: &'a Ctx,
    start: i64,
    ids: Ids,
    accounts: Vec<i64>,
    /// Note index → (id, author index); comment index → (id, author index).
    notes: Vec<(i64, u32)>,
    comments: Vec<(i64, u32)>,
    /// Accounts whose notes home feeds read instead of hold (see [`Writer::home_feeds`]).
    pulled: Vec<i64>,
    /// Photos of the notes written so far, attached after the days.
    photos: Vec<PlannedPhoto>,
    boards: HashMap<(u32, Option<&'static str>), i64>,
    totals: Progress,
    /// Time spent in the writes of each kind of row during the days.
    write_time: HashMap<&'static str, Duration>,
}

fn n(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

impl<'a> Writer<'a> {
    fn new(ctx: &'a Ctx, p: &Params, start: i64, people: usize) -> Self {
        Self {
            ctx,
            start,
            ids: Ids::new(p.seed),
            accounts: Vec::with_capacity(people),
            notes: Vec::new(),
            comments: Vec::new(),
            pulled: Vec::new(),
            photos: Vec::new(),
            boards: HashMap::new(),
            totals: Progress::default(),
            write_time: HashMap::new(),
        }
    }

    /// Run one write and add its time to `kind`'s total.
    async fn timed<T>(
        &mut self,
        kind: &'static str,
        write: impl std::future::Future<Output = Result<T, nb_app::AppError>>,
    ) -> Result<T, SeedError> {
        let began = Instant::now();
        let out = write.await?;
        *self.write_time.entry(kind).or_default() += began.elapsed();
        Ok(out)
    }

    fn at(&self, t: i64) -> i64 {
        self.start + t
    }

    async fn members(&mut self, pop: &Population, password_hash: &str) -> Result<(), SeedError> {
        // People are sorted by joining time, so their ids come out in order.
        let mut batch = Vec::new();
        for person in &pop.people {
            let at = self.at(person.joined_at);
            let id = self.ids.accounts.next(at).0;
            self.accounts.push(id);
            batch.push(bulk::Member {
                id,
                handle: person.handle.clone(),
                email: format!("{}@sim.example.org", person.handle),
                display_name: person.display_name.clone(),
                bio: person.bio.clone(),
                home_region: Some(person.region.to_owned()),
                languages: person.languages.iter().map(|l| (*l).to_owned()).collect(),
                created_at: at,
            });
            if batch.len() == POST_BATCH {
                bulk::members(self.ctx, &batch, password_hash).await?;
                self.totals.people += n(batch.len());
                batch.clear();
            }
        }
        bulk::members(self.ctx, &batch, password_hash).await?;
        self.totals.people += n(batch.len());
        Ok(())
    }

    async fn follows(&mut self, pop: &Population) -> Result<(), SeedError> {
        // All follows go in before any note, so each note fans out to everyone who ever follows
        // its author in the simulation (as the live follow's backfill would give them).
        let mut edges: Vec<Edge> = pop
            .follows
            .iter()
            .map(|f| {
                let at = self.at(f.at);
                Edge {
                    id: self.ids.follows.next(at).0,
                    actor: self.accounts[f.follower as usize],
                    target: self.accounts[f.followee as usize],
                    at,
                }
            })
            .collect();
        by_key(&mut edges);
        for chunk in edges.chunks(EDGE_BATCH) {
            bulk::follows(self.ctx, chunk).await?;
            self.totals.follows += n(chunk.len());
        }
        Ok(())
    }

    /// Each member's home feed: the newest [`bulk::HOME_DEPTH`] of their own notes and those of
    /// everyone they follow, computed from the model's graph and written in owner order. The
    /// model's members follow only each other, so no other member's feed changes.
    async fn home_feeds(&mut self, pop: &Population) -> Result<(), SeedError> {
        let people = self.accounts.len();
        let mut by_author: Vec<Vec<i64>> = vec![Vec::new(); people];
        // Notes are in id order, so each author's list is too.
        for &(id, author) in &self.notes {
            by_author[author as usize].push(id);
        }
        // Members above the pull threshold go into no one else's entries: their followers'
        // feeds read their notes (see `pull`).
        let mut followers = vec![0_i64; people];
        for f in &pop.follows {
            followers[f.followee as usize] += 1;
        }
        let pulled = |p: u32| followers[p as usize] > self.ctx.settings.home_pull_above;
        let mut followees: Vec<Vec<u32>> = vec![Vec::new(); people];
        for f in pop.follows.iter().filter(|f| !pulled(f.followee)) {
            followees[f.follower as usize].push(f.followee);
        }
        self.pulled = (0..people)
            .filter(|&p| pulled(u32::try_from(p).unwrap_or(u32::MAX)))
            .map(|p| self.accounts[p])
            .collect();
        let mut rows = Vec::with_capacity(HOME_BATCH);
        let mut feed: Vec<(i64, u32)> = Vec::new();
        // Account ids grow with the person index (people are in joining order).
        for (owner, (followed, &owner_id)) in followees.iter().zip(&self.accounts).enumerate() {
            let own = u32::try_from(owner).unwrap_or(u32::MAX);
            newest_of(followed, own, &by_author, bulk::HOME_DEPTH, &mut feed);
            rows.extend(feed.iter().map(|&(note, author)| bulk::HomeEntry {
                owner: owner_id,
                note,
                author: self.accounts[author as usize],
            }));
            if rows.len() >= HOME_BATCH {
                bulk::home_entries(self.ctx, &rows).await?;
                rows.clear();
            }
        }
        bulk::home_entries(self.ctx, &rows).await?;
        Ok(())
    }

    /// Mark the members [`Writer::home_feeds`] left out as pulled. It reads the follows by
    /// followee, so it comes after their index is back.
    async fn pull(&mut self) -> Result<(), SeedError> {
        Ok(bulk::pull_authors(self.ctx, &self.pulled).await?)
    }

    /// Attach the notes' photos, in media id order.
    async fn attach_photos(&mut self, pool: &[bulk::PoolPhoto]) -> Result<(), SeedError> {
        let planned = std::mem::take(&mut self.photos);
        for chunk in planned.chunks(POST_BATCH * 10) {
            let photos: Vec<bulk::NotePhoto> = chunk
                .iter()
                .filter_map(|ph| {
                    let photo = pool.get(ph.pool_index as usize)?.clone();
                    let (note, author) = self.notes[ph.note as usize];
                    Some(bulk::NotePhoto {
                        id: ph.id,
                        note,
                        owner: self.accounts[author as usize],
                        position: usize::from(ph.position),
                        photo,
                        alt: ph.alt.clone(),
                        created_at: ph.at,
                    })
                })
                .collect();
            self.timed("photo rows", bulk::note_photos(self.ctx, &photos)).await?;
        }
        Ok(())
    }

    async fn day(
        &mut self,
        pop: &Population,
        day: Day,
        last: bool,
        progress: &mut impl FnMut(&Progress),
    ) -> Result<(), SeedError> {
        // Notes and comments share the status id space: take ids in one time-ordered pass.
        let (mut ni, mut ci) = (0, 0);
        let mut note_ids = Vec::with_capacity(day.notes.len());
        let mut comment_ids = Vec::with_capacity(day.comments.len());
        while ni < day.notes.len() || ci < day.comments.len() {
            let take_note = match (day.notes.get(ni), day.comments.get(ci)) {
                (Some(a), Some(b)) => a.at <= b.at,
                (Some(_), None) => true,
                _ => false,
            };
            if take_note {
                note_ids.push(self.ids.statuses.next(self.at(day.notes[ni].at)).0);
                ni += 1;
            } else {
                comment_ids.push(self.ids.statuses.next(self.at(day.comments[ci].at)).0);
                ci += 1;
            }
        }
        for (note, id) in day.notes.iter().zip(&note_ids) {
            debug_assert_eq!(note.id as usize, self.notes.len());
            self.notes.push((*id, note.author));
        }
        for (comment, id) in day.comments.iter().zip(&comment_ids) {
            debug_assert_eq!(comment.id as usize, self.comments.len());
            self.comments.push((*id, comment.author));
        }

        for chunk in day.notes.chunks(POST_BATCH) {
            let batch: Vec<bulk::Note> = chunk.iter().map(|note| self.note(note)).collect();
            self.timed("notes", bulk::notes(self.ctx, &batch, false)).await?;
            self.totals.notes += n(batch.len());
            progress(&self.totals);
        }
        for chunk in day.comments.chunks(POST_BATCH) {
            let batch: Vec<bulk::Comment> = chunk
                .iter()
                .map(|c| {
                    let parent = c.parent.map(|p| self.comments[p as usize]);
                    bulk::Comment {
                        id: self.comments[c.id as usize].0,
                        note: self.notes[c.note as usize].0,
                        author: self.accounts[c.author as usize],
                        parent: parent.map(|(id, _)| id),
                        reply_to: parent.map(|(_, who)| self.accounts[who as usize]),
                        text: c.text.clone(),
                        language: Some(c.language.to_owned()),
                        created_at: self.at(c.at),
                    }
                })
                .collect();
            self.timed("comments", bulk::comments(self.ctx, &batch)).await?;
            self.totals.comments += n(batch.len());
            progress(&self.totals);
        }
        let mut notices = Vec::new();
        let mut likes = Vec::with_capacity(day.likes.len());
        for l in &day.likes {
            let at = self.at(l.at);
            let (note, author) = self.notes[l.note as usize];
            let edge = Edge {
                id: self.ids.likes.next(at).0,
                actor: self.accounts[l.who as usize],
                target: note,
                at,
            };
            if last {
                let to = self.accounts[author as usize];
                notices.push(notice(at, to, "favourite", edge.actor, Some(note), None));
            }
            likes.push(edge);
        }
        by_key(&mut likes);
        for chunk in likes.chunks(EDGE_BATCH) {
            self.timed("likes", bulk::likes(self.ctx, chunk)).await?;
            self.totals.likes += n(chunk.len());
            progress(&self.totals);
        }
        self.collects(&day, last, &mut notices, progress).await?;
        let mut likes: Vec<Edge> = day
            .comment_likes
            .iter()
            .map(|l| {
                let at = self.at(l.at);
                Edge {
                    id: self.ids.likes.next(at).0,
                    actor: self.accounts[l.who as usize],
                    target: self.comments[l.comment as usize].0,
                    at,
                }
            })
            .collect();
        by_key(&mut likes);
        for chunk in likes.chunks(EDGE_BATCH) {
            self.timed("comment likes", bulk::comment_likes(self.ctx, chunk)).await?;
            self.totals.comment_likes += n(chunk.len());
        }
        if last {
            self.last_day_notices(pop, &day, notices).await?;
        }
        self.totals.day = day.index + 1;
        progress(&self.totals);
        Ok(())
    }

    fn note(&mut self, note: &crate::PlannedNote) -> bulk::Note {
        let (id, author) = self.notes[note.id as usize];
        let at = self.at(note.at);
        for (position, ph) in note.photos.iter().enumerate() {
            self.photos.push(PlannedPhoto {
                id: self.ids.media.next(at).0,
                note: note.id,
                position: u8::try_from(position).unwrap_or(u8::MAX),
                pool_index: ph.pool_index,
                alt: note.title.clone(),
                at,
            });
        }
        bulk::Note {
            id,
            author: self.accounts[author as usize],
            created_at: at,
            title: note.title.clone(),
            text: note.text.clone(),
            visibility: match note.visibility {
                Visibility::Public => "public",
                Visibility::Unlisted => "unlisted",
                Visibility::Private => "private",
            }
            .to_owned(),
            language: Some(note.language.to_owned()),
            // Attached once the pool is ready.
            photos: Vec::new(),
        }
    }

    async fn collects(
        &mut self,
        day: &Day,
        last: bool,
        notices: &mut Vec<Notice>,
        progress: &mut impl FnMut(&Progress),
    ) -> Result<(), SeedError> {
        // Boards are made on first use: the default one, or a named public one.
        let mut new_boards = Vec::new();
        for c in &day.collects {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                self.boards.entry((c.who, c.board))
            {
                let at = self.start + c.at;
                let id = self.ids.boards.next(at).0;
                slot.insert(id);
                new_boards.push(BoardRow {
                    id,
                    owner_id: self.accounts[c.who as usize],
                    name: c.board.unwrap_or("").to_owned(),
                    is_default: i64::from(c.board.is_none()),
                    visibility: if c.board.is_some() { "public" } else { "private" }.to_owned(),
                    created_at: at,
                    notes_count: 0,
                });
            }
        }
        for chunk in new_boards.chunks(EDGE_BATCH) {
            bulk::boards(self.ctx, chunk).await?;
        }
        let mut rows = Vec::with_capacity(day.collects.len());
        for c in &day.collects {
            let at = self.at(c.at);
            let (note, author) = self.notes[c.note as usize];
            let row = Collect {
                id: self.ids.collects.next(at).0,
                account: self.accounts[c.who as usize],
                note,
                board: self.boards[&(c.who, c.board)],
                at,
            };
            if last {
                let to = self.accounts[author as usize];
                notices.push(notice(at, to, "collect", row.account, Some(note), None));
            }
            rows.push(row);
        }
        rows.sort_unstable_by_key(|c| (c.account, c.note));
        for chunk in rows.chunks(EDGE_BATCH) {
            self.timed("collects", bulk::collects(self.ctx, chunk)).await?;
            self.totals.collects += n(chunk.len());
            progress(&self.totals);
        }
        Ok(())
    }

    /// The last day's notifications, as the live writes would have made them: likes, collects,
    /// comments on one's note, replies to one's comment, new followers.
    async fn last_day_notices(
        &mut self,
        pop: &Population,
        day: &Day,
        mut raw: Vec<Notice>,
    ) -> Result<(), SeedError> {
        for c in &day.comments {
            let at = self.at(c.at);
            let (comment, author) = self.comments[c.id as usize];
            let (note, note_author) = self.notes[c.note as usize];
            let by = self.accounts[author as usize];
            let to = match c.parent {
                Some(p) => (self.accounts[self.comments[p as usize].1 as usize], "reply"),
                None => (self.accounts[note_author as usize], "comment"),
            };
            raw.push(notice(at, to.0, to.1, by, Some(note), Some(comment)));
        }
        let from = i64::from(day.index) * DAY_MS;
        for f in pop.follows.iter().filter(|f| f.at >= from) {
            let at = self.at(f.at);
            let (by, to) = (self.accounts[f.follower as usize], self.accounts[f.followee as usize]);
            raw.push(notice(at, to, "follow", by, None, None));
        }
        raw.retain(|r| r.recipient != r.actor);
        raw.sort_by_key(|r| r.at);
        for r in &mut raw {
            r.id = self.ids.notifications.next(r.at).0;
        }
        for chunk in raw.chunks(EDGE_BATCH) {
            self.timed("notifications", bulk::notices(self.ctx, chunk)).await?;
        }
        self.totals.notifications += n(raw.len());
        Ok(())
    }
}

/// Into `feed`, the newest `depth` notes (id, author) of `own` and `followees`, oldest first,
/// from each author's notes in id order.
fn newest_of(
    followees: &[u32],
    own: u32,
    by_author: &[Vec<i64>],
    depth: usize,
    feed: &mut Vec<(i64, u32)>,
) {
    feed.clear();
    for &author in followees.iter().chain(std::iter::once(&own)) {
        let notes = &by_author[author as usize];
        feed.extend(notes[notes.len().saturating_sub(depth)..].iter().map(|&id| (id, author)));
    }
    if feed.len() > depth {
        let older = feed.len() - depth;
        feed.select_nth_unstable_by_key(older, |e| e.0);
        feed.drain(..older);
    }
    feed.sort_unstable_by_key(|e| e.0);
}

/// A note's photo to attach once the pool is ready.
struct PlannedPhoto {
    id: i64,
    /// Note index.
    note: u64,
    position: u8,
    pool_index: u32,
    alt: String,
    at: i64,
}

/// The photo pool through the real intake, on all cores but one (the writer's), in index order.
async fn photo_pool(ctx: Ctx, p: Params) -> Result<Vec<bulk::PoolPhoto>, SeedError> {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let workers = cores.saturating_sub(1).max(1);
    let params = Arc::new(p);
    let mut made: Vec<Option<bulk::PoolPhoto>> = vec![None; params.photo_pool_size as usize];
    let mut pending = JoinSet::new();
    for index in 0..params.photo_pool_size {
        if pending.len() >= workers {
            collect_photo(&mut pending, &mut made).await?;
        }
        let (ctx, params) = (ctx.clone(), Arc::clone(&params));
        pending.spawn(async move {
            let spec = pool_photo(&params, index);
            let bytes = tokio::task::spawn_blocking(move || {
                nb_app::media::sample_photo(spec.seed, spec.width, spec.height)
            })
            .await
            .map_err(|e| SeedError::Photo(e.to_string()))?
            .map_err(|e| SeedError::Photo(e.to_string()))?;
            Ok::<_, SeedError>((index, bulk::pool_photo(&ctx, bytes).await?))
        });
    }
    while !pending.is_empty() {
        collect_photo(&mut pending, &mut made).await?;
    }
    Ok(made.into_iter().flatten().collect())
}

async fn collect_photo(
    pending: &mut JoinSet<Result<(u32, bulk::PoolPhoto), SeedError>>,
    made: &mut [Option<bulk::PoolPhoto>],
) -> Result<(), SeedError> {
    if let Some(done) = pending.join_next().await {
        let (index, photo) = done.map_err(|e| SeedError::Photo(e.to_string()))??;
        made[index as usize] = Some(photo);
    }
    Ok(())
}

/// Sort edges by primary key (actor, then target), the order of the table's B-tree.
fn by_key(edges: &mut [Edge]) {
    edges.sort_unstable_by_key(|e| (e.actor, e.target));
}

/// A notification to write, its id given once all of the day's are in time order.
fn notice(
    at: i64,
    recipient: i64,
    kind: &'static str,
    actor: i64,
    note: Option<i64>,
    comment: Option<i64>,
) -> Notice {
    Notice { id: 0, recipient, kind, actor, note, comment, at }
}

/// The simulation start that makes the last simulated day end at `now_ms` (rounded down to the
/// minute, so two runs in the same minute agree).
pub fn start_for(p: &Params, now_ms: i64) -> i64 {
    now_ms - now_ms.rem_euclid(60_000) - i64::from(p.days) * DAY_MS
}

#[cfg(test)]
mod tests {
    use super::newest_of;

    #[test]
    fn a_home_feed_keeps_the_newest_notes_of_oneself_and_the_followed() {
        // Authors 0..3; 0 follows 1 and 2, not 3.
        let by_author = vec![vec![5, 9], vec![1, 2, 3, 8], vec![4, 6, 7], vec![10, 11]];
        let mut feed = Vec::new();
        newest_of(&[1, 2], 0, &by_author, 4, &mut feed);
        assert_eq!(feed, [(6, 2), (7, 2), (8, 1), (9, 0)]);
        newest_of(&[1, 2], 0, &by_author, 100, &mut feed);
        let ids: Vec<i64> = feed.iter().map(|e| e.0).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        newest_of(&[], 3, &by_author, 1, &mut feed);
        assert_eq!(feed, [(11, 3)]);
    }
}
