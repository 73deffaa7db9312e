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

/// Rows per batch of likes, collects and follows (one transaction each).
const EDGE_BATCH: usize = 20_000;
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
    /// Time per stage (the model, members, follows, the photo pool, the days of activity), then
    /// the days' write time per kind of row.
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
    w.members(&pop, password_hash).await?;
    progress(&w.totals);
    mark("members", &mut phases);
    w.follows(&pop).await?;
    progress(&w.totals);
    mark("follows", &mut phases);
    w.photos(p).await?;
    progress(&w.totals);
    mark("photos", &mut phases);
    for day in days(p, &pop) {
        let last = day.index + 1 == p.days;
        w.day(&pop, day, last, &mut progress).await?;
    }
    mark("days", &mut phases);
    if fresh {
        ctx.store.restore_load_indexes().await.map_err(nb_app::AppError::from)?;
        mark("indexes", &mut phases);
    }
    // Home feeds in one sorted pass: much faster than fanning out each note as it is written.
    bulk::rebuild_home_feeds(ctx).await?;
    mark("home feeds", &mut phases);
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

/// The resident posting most (by propensity) among normal accounts: a lively profile to try.
fn sample_member(pop: &Population) -> String {
    pop.people
        .iter()
        .filter(|q| q.kind == crate::Kind::Normal && q.community == crate::Community::Resident)
        .max_by(|a, b| a.propensities.post.total_cmp(&b.propensities.post))
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
    pool: Vec<bulk::PoolPhoto>,
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
            pool: Vec::new(),
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
        for chunk in pop.follows.chunks(EDGE_BATCH) {
            let edges: Vec<Edge> = chunk
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
            bulk::follows(self.ctx, &edges).await?;
            self.totals.follows += n(edges.len());
        }
        Ok(())
    }

    /// The photo pool, through the real intake, a few images at once.
    async fn photos(&mut self, p: &Params) -> Result<(), SeedError> {
        let workers = std::thread::available_parallelism().map_or(2, |c| c.get());
        let mut pending = JoinSet::new();
        let mut made: Vec<Option<bulk::PoolPhoto>> = vec![None; p.photo_pool_size as usize];
        let params = Arc::new(p.clone());
        for index in 0..p.photo_pool_size {
            if pending.len() >= workers {
                self.collect_photo(&mut pending, &mut made).await?;
            }
            let (ctx, params) = (self.ctx.clone(), Arc::clone(&params));
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
            self.collect_photo(&mut pending, &mut made).await?;
        }
        self.pool = made.into_iter().flatten().collect();
        Ok(())
    }

    async fn collect_photo(
        &mut self,
        pending: &mut JoinSet<Result<(u32, bulk::PoolPhoto), SeedError>>,
        made: &mut [Option<bulk::PoolPhoto>],
    ) -> Result<(), SeedError> {
        if let Some(done) = pending.join_next().await {
            let (index, photo) = done.map_err(|e| SeedError::Photo(e.to_string()))??;
            made[index as usize] = Some(photo);
            self.totals.photos += 1;
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
        for chunk in day.likes.chunks(EDGE_BATCH) {
            let mut edges = Vec::with_capacity(chunk.len());
            for l in chunk {
                let at = self.at(l.at);
                let (note, author) = self.notes[l.note as usize];
                let edge = Edge {
                    id: self.ids.likes.next(at).0,
                    actor: self.accounts[l.who as usize],
                    target: note,
                    at,
                };
                if last {
                    notices.push(notice(
                        at,
                        self.accounts[author as usize],
                        "favourite",
                        edge.actor,
                        Some(note),
                        None,
                    ));
                }
                edges.push(edge);
            }
            self.timed("likes", bulk::likes(self.ctx, &edges)).await?;
            self.totals.likes += n(edges.len());
            progress(&self.totals);
        }
        self.collects(&day, last, &mut notices, progress).await?;
        for chunk in day.comment_likes.chunks(EDGE_BATCH) {
            let edges: Vec<Edge> = chunk
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
            self.timed("comment likes", bulk::comment_likes(self.ctx, &edges)).await?;
            self.totals.comment_likes += n(edges.len());
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
        let photos = note
            .photos
            .iter()
            .filter_map(|ph| self.pool.get(ph.pool_index as usize))
            .map(|photo| (self.ids.media.next(at).0, photo.clone(), note.title.clone()))
            .collect();
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
            photos,
        }
    }

    async fn collects(
        &mut self,
        day: &Day,
        last: bool,
        notices: &mut Vec<Notice>,
        progress: &mut impl FnMut(&Progress),
    ) -> Result<(), SeedError> {
        for chunk in day.collects.chunks(EDGE_BATCH) {
            // Boards are made on first use: the default one, or a named public one.
            let mut new_boards = Vec::new();
            for c in chunk {
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
            bulk::boards(self.ctx, &new_boards).await?;
            let mut rows = Vec::with_capacity(chunk.len());
            for c in chunk {
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
                    notices.push(notice(
                        at,
                        self.accounts[author as usize],
                        "collect",
                        row.account,
                        Some(note),
                        None,
                    ));
                }
                rows.push(row);
            }
            self.timed("collects", bulk::collects(self.ctx, &rows)).await?;
            self.totals.collects += n(rows.len());
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
