//! Activity, one simulated day at a time.

use std::collections::{HashMap, VecDeque};

use rand_chacha::ChaCha8Rng;

use crate::params::{DAY_MS, HOUR_MS, Params};
use crate::rng::{Draw, Stream, rng};
use crate::text::{self, CommentSpec, L, NoteSpec, Style};
use crate::{
    Collect, CommentLike, Community, Day, Kind, Like, MAX_PHOTOS, Person, PhotoRef, PlannedComment,
    PlannedNote, Population, Topic, Violation, Visibility,
};

/// Hard limits on one person's events in one day (the propensities are capped lower).
const MAX_NOTES_PER_DAY: u32 = 100;
const MAX_LIKES_PER_DAY: u32 = 5000;
const MAX_COLLECTS_PER_DAY: u32 = 1000;
const MAX_COMMENTS_PER_DAY: u32 = 300;
/// Attempts to find a note someone has not yet liked (or collected) before giving up on the event.
const ATTEMPTS: usize = 6;

/// Relative activity by local hour: quiet at night, peaks at lunch and in the evening.
const HOURLY: [f64; 24] = [
    0.55, 0.35, 0.2, 0.15, 0.12, 0.15, 0.3, 0.5, 0.7, 0.75, 0.75, 0.85, 1.0, 0.95, 0.75, 0.7, 0.7,
    0.75, 0.85, 0.95, 1.0, 1.0, 0.95, 0.8,
];

/// Photos per note: 0 (text only) to 9, mostly 1–4, nine (a full grid) a little more than eight.
const PHOTO_WEIGHTS: [f64; MAX_PHOTOS + 1] =
    [10.0, 27.0, 18.0, 16.0, 12.0, 5.0, 4.0, 2.0, 1.5, 4.5];

/// Generate the activity of `pop` over `p.days` days, one [`Day`] per iteration.
///
/// Use the same `p` that made `pop`. Out-of-range parameters are clamped.
pub fn days<'a>(p: &Params, pop: &'a Population) -> Days<'a> {
    Days::new(p, pop)
}

/// The iterator behind [`days`]. It keeps the notes of the engagement window and, per person, the
/// notes they liked and collected within it.
pub struct Days<'a> {
    p: Params,
    people: &'a [Person],
    day: u32,
    next_note: u64,
    next_comment: u64,
    /// Notes of the previous days still in the engagement window, one entry per day.
    window: VecDeque<Vec<NoteMeta>>,
    liked: Seen,
    collected: Seen,
    posted: Vec<bool>,
    /// Follows by follower, in time order (CSR); times in whole seconds, rounded up.
    follow_start: Vec<usize>,
    followee: Vec<u32>,
    follow_at_s: Vec<i32>,
    /// Top-level comments of the notes in the window.
    top_comments: HashMap<u64, Vec<(u64, u32)>>,
}

#[derive(Debug, Clone, Copy)]
struct NoteMeta {
    id: u64,
    author: u32,
    at: i64,
    topic: Topic,
    lang: L,
    public: bool,
    /// Author popularity and note quality; recency is applied per day.
    pull: f64,
}

/// Per person, the notes of the window they liked (or collected): sorted ids relative to `base`.
struct Seen {
    base: u64,
    sets: Vec<Vec<u32>>,
}

impl Seen {
    fn new(n: usize) -> Self {
        Self { base: 0, sets: vec![Vec::new(); n] }
    }

    fn rel(&self, id: u64) -> Option<u32> {
        id.checked_sub(self.base).and_then(|x| u32::try_from(x).ok())
    }

    fn contains(&self, who: u32, id: u64) -> bool {
        self.rel(id).is_some_and(|x| self.sets[who as usize].binary_search(&x).is_ok())
    }

    /// Record `id` for `who`; false if it was there already (or cannot be recorded).
    fn insert(&mut self, who: u32, id: u64) -> bool {
        let Some(x) = self.rel(id) else { return false };
        let set = &mut self.sets[who as usize];
        match set.binary_search(&x) {
            Ok(_) => false,
            Err(slot) => {
                set.insert(slot, x);
                true
            }
        }
    }

    /// A random note of `who`'s set.
    fn any(&self, r: &mut ChaCha8Rng, who: u32) -> Option<u64> {
        let set = &self.sets[who as usize];
        (!set.is_empty()).then(|| self.base + u64::from(set[r.index(set.len())]))
    }

    /// Forget notes before `first_id` (they left the window), rebasing now and then so the
    /// relative ids stay small.
    fn prune(&mut self, first_id: u64) {
        let cut = first_id.saturating_sub(self.base);
        let rebase = cut > 1 << 30;
        for set in &mut self.sets {
            let k = set.partition_point(|&x| u64::from(x) < cut);
            set.drain(..k);
            if rebase {
                // `cut` fits: every kept entry is at least `cut` and is a u32.
                set.iter_mut().for_each(|x| *x -= cut as u32);
            }
        }
        if rebase {
            self.base = first_id;
        }
    }
}

/// Notes of one (language, topic), or all of them, with cumulative weights for drawing.
#[derive(Default)]
struct Bucket {
    entries: Vec<Entry>,
    at: Vec<i64>,
    /// `slots[s]`: how many notes were posted before `d0 + s·SLOT_MS` (today's slots).
    slots: Vec<u32>,
    /// Every `BLOCK`-th cumulative weight (the last of each full block): a small first level for
    /// the search, which stays in cache.
    coarse: Vec<f64>,
}

/// A note of a bucket: its cumulative weight and, on the same cache line, what a draw returns.
#[derive(Clone, Copy)]
struct Entry {
    cum: f64,
    pos: u32,
    author: u32,
}

/// A drawn note: its position in `Window::notes` and its author.
type Pick = (usize, u32);

/// Entries per block of the two-level search.
const BLOCK: usize = 64;

/// Granularity of the time index over today's notes.
const SLOT_MS: i64 = 5 * 60_000;
const SLOTS: usize = (DAY_MS / SLOT_MS) as usize;

impl Bucket {
    fn push(&mut self, pos: usize, m: &NoteMeta, weight: f64) {
        let cum = self.entries.last().map_or(0.0, |e| e.cum) + weight;
        self.entries.push(Entry { cum, pos: pos as u32, author: m.author });
        self.at.push(m.at);
    }

    /// Build the time index once every note is in.
    fn index(&mut self, d0: i64) {
        self.slots = (0..=SLOTS)
            .map(|s| self.at.partition_point(|&a| a < d0 + s as i64 * SLOT_MS) as u32)
            .collect();
        self.coarse = self.entries.chunks_exact(BLOCK).map(|c| c[BLOCK - 1].cum).collect();
    }

    /// A note posted at or before `t` (a time of the day starting at `d0`), in proportion to
    /// weight.
    fn draw(&self, r: &mut ChaCha8Rng, d0: i64, t: i64) -> Option<Pick> {
        let s = (((t - d0) / SLOT_MS).max(0) as usize).min(SLOTS - 1);
        let (lo, hi) = (self.slots[s] as usize, self.slots[s + 1] as usize);
        let k = lo + self.at[lo..hi].partition_point(|&a| a <= t);
        if k == 0 {
            return None;
        }
        let total = self.entries[k - 1].cum;
        if total <= 0.0 {
            return None;
        }
        let x = r.unit() * total;
        // The first block whose last weight exceeds x, among the blocks wholly below k.
        let full = k / BLOCK;
        let b = self.coarse[..full].partition_point(|&c| c <= x);
        let start = b * BLOCK;
        let end = ((b + 1) * BLOCK).min(k);
        let block = &self.entries[start..end];
        let i = block.partition_point(|e| e.cum <= x).min(block.len() - 1);
        Some((block[i].pos as usize, block[i].author))
    }
}

const BUCKETS: usize = 2 * Topic::COUNT;

/// The day's view of the window: every note in it, by (language, topic), and by author.
struct Window {
    /// Start of the day.
    d0: i64,
    notes: Vec<NoteMeta>,
    first_id: u64,
    buckets: Vec<Bucket>,
    all: Bucket,
    by_author_start: Vec<usize>,
    /// (time, position) of each author's notes, oldest first.
    by_author: Vec<(i64, u32)>,
}

fn bucket_index(lang: L, topic: Topic) -> usize {
    usize::from(lang == L::En) * Topic::COUNT + topic as usize
}

impl Window {
    /// Draw from bucket `b` (or `all` for `BUCKETS`).
    fn draw(&self, r: &mut ChaCha8Rng, b: usize, t: i64) -> Option<Pick> {
        let bucket = self.buckets.get(b).unwrap_or(&self.all);
        bucket.draw(r, self.d0, t)
    }

    fn note(&self, id: u64) -> Option<&NoteMeta> {
        id.checked_sub(self.first_id).and_then(|k| self.notes.get(k as usize))
    }

    /// Positions (into `notes`) of `author`'s notes, oldest first.
    fn of_author(&self, author: u32) -> &[(i64, u32)] {
        let a = author as usize;
        match (self.by_author_start.get(a), self.by_author_start.get(a + 1)) {
            (Some(&s), Some(&e)) => &self.by_author[s..e],
            _ => &[],
        }
    }
}

/// An active person's presence on the day.
#[derive(Clone, Copy)]
struct Presence {
    who: u32,
    from: i64,
    to: i64,
    /// Expected activity in days at the base rate (see `population::presence`).
    weight: f64,
}

impl<'a> Days<'a> {
    fn new(p: &Params, pop: &'a Population) -> Self {
        let people = &pop.people[..];
        let n = people.len();
        let mut follow_start = vec![0usize; n + 1];
        let valid = |f: &&crate::Follow| (f.follower as usize) < n && (f.followee as usize) < n;
        for f in pop.follows.iter().filter(valid) {
            follow_start[f.follower as usize + 1] += 1;
        }
        for i in 0..n {
            follow_start[i + 1] += follow_start[i];
        }
        let total = follow_start[n];
        let mut fill = follow_start.clone();
        let mut followee = vec![0u32; total];
        let mut follow_at_s = vec![0i32; total];
        // Stable: each follower's follows stay in time order.
        for f in pop.follows.iter().filter(valid) {
            let k = &mut fill[f.follower as usize];
            followee[*k] = f.followee;
            // Before the start is all the same here (engagement starts at 0).
            follow_at_s[*k] =
                (f.at.max(-1000) + 999).div_euclid(1000).min(i64::from(i32::MAX)) as i32;
            *k += 1;
        }
        Self {
            p: p.clamped(),
            people,
            day: 0,
            next_note: 0,
            next_comment: 0,
            window: VecDeque::new(),
            liked: Seen::new(n),
            collected: Seen::new(n),
            posted: vec![false; n],
            follow_start,
            followee,
            follow_at_s,
            top_comments: HashMap::new(),
        }
    }

    fn generate(&mut self) -> Day {
        let p = self.p.clone();
        let d = self.day;
        let d0 = i64::from(d) * DAY_MS;
        let d1 = d0 + DAY_MS;
        let mut r = rng(p.seed, Stream::Activity, u64::from(d));

        // Keep the previous `window - 1` days; forget engagement on notes that left.
        while self.window.len() >= p.engagement_window_days as usize {
            self.window.pop_front();
        }
        let first_id = self.window.front().and_then(|v| v.first()).map_or(self.next_note, |m| m.id);
        self.liked.prune(first_id);
        self.collected.prune(first_id);
        self.top_comments.retain(|&note, _| note >= first_id);

        let present: Vec<Presence> = self
            .people
            .iter()
            .enumerate()
            .filter_map(|(i, x)| {
                let from = x.joined_at.max(d0);
                let to = x.active_until.unwrap_or(d1).min(d1);
                (from < to).then(|| Presence {
                    who: i as u32,
                    from,
                    to,
                    weight: crate::population::presence(x, from, to),
                })
            })
            .collect();

        let (notes, metas) = self.notes(&mut r, &present);
        self.window.push_back(metas);
        let w = self.build_window(first_id, d0);
        let likes = self.likes(&mut r, &present, &w);
        let collects = self.collects(&mut r, &present, &w);
        let comments = self.comments(&mut r, &present, &w);
        let comment_likes = self.comment_likes(&mut r, &present, &w, &comments);
        self.day += 1;
        Day { index: d, notes, likes, collects, comments, comment_likes }
    }

    /// A time in `[from, to)` along the daily curve of a person `offset_min` from simulation time.
    fn when(r: &mut ChaCha8Rng, pr: &Presence, offset_min: i32) -> i64 {
        let span = (pr.to - pr.from) as u64;
        for _ in 0..16 {
            let t = pr.from + r.below(span) as i64;
            let local = (t + i64::from(offset_min) * 60_000).rem_euclid(DAY_MS) / HOUR_MS;
            if r.unit() < HOURLY[local as usize] {
                return t;
            }
        }
        pr.from + r.below(span) as i64
    }

    fn notes(
        &mut self,
        r: &mut ChaCha8Rng,
        present: &[Presence],
    ) -> (Vec<PlannedNote>, Vec<NoteMeta>) {
        let mut events: Vec<(i64, u32)> = Vec::new();
        for pr in present {
            let x = &self.people[pr.who as usize];
            let k = r.poisson(f64::from(x.propensities.post) * pr.weight).min(MAX_NOTES_PER_DAY);
            for _ in 0..k {
                events.push((Self::when(r, pr, x.utc_offset_min), pr.who));
            }
        }
        events.sort_unstable();
        let pool = self.p.photo_pool_size;
        let mut notes = Vec::with_capacity(events.len());
        let mut metas = Vec::with_capacity(events.len());
        for (at, author) in events {
            let id = self.next_note;
            self.next_note += 1;
            let x = &self.people[author as usize];
            let top = x.top_topics();
            let first = L::of_tag(x.language());
            let second = x.languages.get(1).map(|t| L::of_tag(t));
            let first_note = !self.posted[author as usize];
            self.posted[author as usize] = true;
            let (style, topic, lang, mixed) = match x.kind {
                Kind::Formulaic { template } => (Style::Formulaic(template), top[0], first, false),
                _ => {
                    let style = match x.kind {
                        Kind::Spam => Style::Spam,
                        Kind::RuleBreaker if r.chance(0.5) => Style::Abuse,
                        _ if first_note && x.community == Community::Wave && r.chance(0.6) => {
                            Style::Intro
                        }
                        _ => Style::Normal,
                    };
                    let topic = if style == Style::Intro {
                        if second.is_some() { Topic::LanguageExchange } else { Topic::DailyLife }
                    } else {
                        Topic::ALL[weighted_f32(r, &x.interests)]
                    };
                    // Language-exchange notes are written from the author's side: residents
                    // learn English, the wave learns Chinese.
                    let lang = match second {
                        Some(s) if topic != Topic::LanguageExchange && r.chance(0.25) => s,
                        _ => first,
                    };
                    let mixed_p = if style == Style::Spam {
                        0.0
                    } else if topic == Topic::LanguageExchange {
                        0.7
                    } else if second.is_some() {
                        0.35
                    } else {
                        0.07
                    };
                    (style, topic, lang, r.chance(mixed_p))
                }
            };
            let spec =
                NoteSpec { topic, lang, mixed, style, interests: (top[0], top[1]), home: first };
            let draft = text::note(self.p.seed, id, &spec);

            let count = r.weighted(&PHOTO_WEIGHTS);
            let mut photos: Vec<PhotoRef> = (0..count)
                .map(|_| PhotoRef { pool_index: r.below(u64::from(pool)) as u32 })
                .collect();
            // Formulaic and spam accounts reuse their cover photo.
            let cover = match x.kind {
                Kind::Formulaic { template } => Some(u64::from(template) * 7919),
                Kind::Spam => Some(u64::from(author) * 104_729),
                _ => None,
            };
            if let (Some(c), Some(first)) = (cover, photos.first_mut()) {
                first.pool_index = (c % u64::from(pool)) as u32;
            }
            let visibility = if x.kind == Kind::Spam {
                Visibility::Public
            } else {
                match r.weighted(&[0.95, 0.03, 0.02]) {
                    0 => Visibility::Public,
                    1 => Visibility::Unlisted,
                    _ => Visibility::Private,
                }
            };
            let quality = r.lognormal_mean(1.0, 0.8)
                * match draft.violation {
                    Some(Violation::Spam) => 0.1,
                    Some(Violation::Abuse) => 0.5,
                    None => 1.0,
                };
            metas.push(NoteMeta {
                id,
                author,
                at,
                topic,
                lang,
                public: visibility == Visibility::Public,
                pull: f64::from(x.popularity).sqrt() * quality,
            });
            notes.push(PlannedNote {
                id,
                author,
                at,
                title: draft.title,
                text: draft.text,
                tags: draft.tags,
                topic,
                language: lang.tag(),
                mixed,
                photos,
                template: match x.kind {
                    Kind::Formulaic { template } => Some(template),
                    _ => None,
                },
                visibility,
                violation: draft.violation,
            });
        }
        (notes, metas)
    }

    fn build_window(&self, first_id: u64, d0: i64) -> Window {
        let notes: Vec<NoteMeta> = self.window.iter().flatten().copied().collect();
        let tau = self.p.recency_days * DAY_MS as f64;
        let mut buckets: Vec<Bucket> = (0..2 * Topic::COUNT).map(|_| Bucket::default()).collect();
        let mut all = Bucket::default();
        let n = self.people.len();
        let mut by_author_start = vec![0usize; n + 1];
        for (k, m) in notes.iter().enumerate() {
            by_author_start[m.author as usize + 1] += 1;
            if !m.public {
                continue;
            }
            let weight = m.pull * ((m.at - d0) as f64 / tau).exp();
            buckets[bucket_index(m.lang, m.topic)].push(k, m, weight);
            all.push(k, m, weight);
        }
        for i in 0..n {
            by_author_start[i + 1] += by_author_start[i];
        }
        let mut fill = by_author_start.clone();
        let mut by_author = vec![(0i64, 0u32); notes.len()];
        for (k, m) in notes.iter().enumerate() {
            let slot = &mut fill[m.author as usize];
            by_author[*slot] = (m.at, k as u32);
            *slot += 1;
        }
        for b in buckets.iter_mut().chain(std::iter::once(&mut all)) {
            b.index(d0);
        }
        Window { d0, notes, first_id, buckets, all, by_author_start, by_author }
    }

    /// Room for a day's events of one kind: the expectation plus a margin, so the vector rarely
    /// grows (and never doubles) while filling.
    fn expected(&self, present: &[Presence], rate: impl Fn(&Person) -> f32) -> usize {
        let e: f64 = present
            .iter()
            .map(|pr| f64::from(rate(&self.people[pr.who as usize])) * pr.weight)
            .sum();
        (e + 5.0 * e.sqrt() + 64.0) as usize
    }

    /// The chance that `who` engages with a note in their own language group.
    fn same_language(&self, who: &Person) -> f64 {
        let h = self.p.engagement_homophily;
        if who.languages.len() > 1 { (h + 0.5) / 2.0 } else { h }
    }

    /// An Explore-style pick for `who` at `t`: topic from interests, language group, then a note by
    /// recency-weighted pull.
    fn explore(&self, r: &mut ChaCha8Rng, w: &Window, who: u32, t: i64) -> Option<Pick> {
        let x = &self.people[who as usize];
        let topic = if r.chance(0.15) {
            Topic::ALL[r.index(Topic::COUNT)]
        } else {
            Topic::ALL[weighted_f32(r, &x.interests)]
        };
        let own = L::of_tag(x.language());
        let lang = if r.chance(self.same_language(x)) { own } else { own.other() };
        w.draw(r, bucket_index(lang, topic), t)
            .or_else(|| w.draw(r, bucket_index(lang.other(), topic), t))
            .or_else(|| w.draw(r, BUCKETS, t))
    }

    /// Whether `who` follows `author` at `t`.
    fn follows_by(&self, who: u32, author: u32, t: i64) -> bool {
        let (s, e) = (self.follow_start[who as usize], self.follow_start[who as usize + 1]);
        let known = self.follow_at_s[s..e].partition_point(|&a| i64::from(a) * 1000 <= t);
        self.followee[s..s + known].contains(&author)
    }

    /// A home-feed pick: a recent note (at or before `t`) of someone `who` follows by then.
    fn home(
        &self,
        r: &mut ChaCha8Rng,
        w: &Window,
        who: u32,
        t: i64,
        seen: Option<&Seen>,
    ) -> Option<Pick> {
        let (s, e) = (self.follow_start[who as usize], self.follow_start[who as usize + 1]);
        let known = self.follow_at_s[s..e].partition_point(|&a| i64::from(a) * 1000 <= t);
        if known == 0 {
            return None;
        }
        for _ in 0..3 {
            let author = self.followee[s + r.index(known)];
            let theirs = w.of_author(author);
            let upto = theirs.partition_point(|&(at, _)| at <= t);
            for &(_, k) in theirs[..upto].iter().rev().take(3) {
                if seen.is_none_or(|seen| !seen.contains(who, w.first_id + u64::from(k))) {
                    return Some((k as usize, author));
                }
            }
        }
        None
    }

    fn likes(&mut self, r: &mut ChaCha8Rng, present: &[Presence], w: &Window) -> Vec<Like> {
        let mut out = Vec::with_capacity(self.expected(present, |x| x.propensities.like));
        // Person by person: each one's sets and follows stay in cache.
        for pr in present {
            let who = pr.who;
            let x = &self.people[who as usize];
            let k = r.poisson(f64::from(x.propensities.like) * pr.weight).min(MAX_LIKES_PER_DAY);
            for _ in 0..k {
                let t = Self::when(r, pr, x.utc_offset_min);
                let seen = &self.liked;
                let from_home = if r.chance(self.p.follow_feed_share) {
                    self.home(r, w, who, t, Some(seen))
                } else {
                    None
                };
                let pick = from_home.or_else(|| {
                    (0..ATTEMPTS).find_map(|_| {
                        let (k, author) = self.explore(r, w, who, t)?;
                        let id = w.first_id + k as u64;
                        (author != who && !seen.contains(who, id)).then_some((k, author))
                    })
                });
                let Some((k, author)) = pick else { continue };
                let id = w.first_id + k as u64;
                if author != who && self.liked.insert(who, id) {
                    out.push(Like { who, note: id, at: t });
                }
            }
        }
        out.sort_unstable_by_key(|l| (l.at, l.who, l.note));
        out
    }

    fn collects(&mut self, r: &mut ChaCha8Rng, present: &[Presence], w: &Window) -> Vec<Collect> {
        let mut out = Vec::with_capacity(self.expected(present, |x| x.propensities.collect));
        for pr in present {
            let who = pr.who;
            let x = &self.people[who as usize];
            let k =
                r.poisson(f64::from(x.propensities.collect) * pr.weight).min(MAX_COLLECTS_PER_DAY);
            for _ in 0..k {
                let t = Self::when(r, pr, x.utc_offset_min);
                let seen = &self.collected;
                // Half the time, something they liked.
                let from_likes = if r.chance(0.5) {
                    self.liked
                        .any(r, who)
                        .and_then(|id| w.note(id))
                        .filter(|m| m.at <= t && !seen.contains(who, m.id))
                        .filter(|m| m.public || self.follows_by(who, m.author, t))
                        .map(|m| ((m.id - w.first_id) as usize, m.author))
                } else {
                    None
                };
                let pick = from_likes.or_else(|| {
                    (0..ATTEMPTS).find_map(|_| {
                        let (k, author) = self.explore(r, w, who, t)?;
                        let id = w.first_id + k as u64;
                        (author != who && !seen.contains(who, id)).then_some((k, author))
                    })
                });
                let Some(m) = pick.map(|(k, _)| w.notes[k]) else { continue };
                if m.author == who || !self.collected.insert(who, m.id) {
                    continue;
                }
                let board = if r.chance(0.3) {
                    Some(r.word(L::of_tag(x.language()).of(m.topic).boards))
                } else {
                    None
                };
                out.push(Collect { who, note: m.id, at: t, board });
            }
        }
        out.sort_unstable_by_key(|c| (c.at, c.who, c.note));
        out
    }

    fn comments(
        &mut self,
        r: &mut ChaCha8Rng,
        present: &[Presence],
        w: &Window,
    ) -> Vec<PlannedComment> {
        let mut events: Vec<(i64, u32)> = Vec::new();
        for pr in present {
            let x = &self.people[pr.who as usize];
            let k =
                r.poisson(f64::from(x.propensities.comment) * pr.weight).min(MAX_COMMENTS_PER_DAY);
            for _ in 0..k {
                events.push((Self::when(r, pr, x.utc_offset_min), pr.who));
            }
        }
        events.sort_unstable();
        let mut out = Vec::with_capacity(events.len());
        for (t, who) in events {
            let x = &self.people[who as usize];
            // Authors answer comments on their own notes.
            let mut target: Option<(usize, Option<(u64, u32)>)> = None;
            if r.chance(0.25) {
                let mine = w.of_author(who);
                let upto = mine.partition_point(|&(at, _)| at <= t);
                for &(_, k) in mine[..upto].iter().rev().take(5) {
                    let id = w.first_id + u64::from(k);
                    let others: Vec<(u64, u32)> = self
                        .top_comments
                        .get(&id)
                        .map(|v| v.iter().copied().filter(|c| c.1 != who).collect())
                        .unwrap_or_default();
                    if !others.is_empty() {
                        target = Some((k as usize, Some(others[r.index(others.len())])));
                        break;
                    }
                }
            }
            if target.is_none() {
                let pick = if r.chance(self.p.follow_feed_share) {
                    self.home(r, w, who, t, None)
                } else {
                    None
                };
                let pick = pick.or_else(|| {
                    (0..ATTEMPTS).find_map(|_| {
                        self.explore(r, w, who, t).filter(|&(_, author)| author != who)
                    })
                });
                let Some((k, _)) = pick else { continue };
                let parent = if r.chance(0.35) {
                    self.top_comments.get(&w.notes[k].id).and_then(|v| {
                        let c = v[r.index(v.len())];
                        (c.1 != who).then_some(c)
                    })
                } else {
                    None
                };
                target = Some((k, parent));
            }
            let Some((k, parent)) = target else { continue };
            let m = w.notes[k];
            let id = self.next_comment;
            self.next_comment += 1;
            let second = x.languages.get(1).map(|t| L::of_tag(t));
            let lang = match second {
                Some(s) if r.chance(0.25) => s,
                _ => L::of_tag(x.language()),
            };
            let mixed = r.chance(if second.is_some() { 0.3 } else { 0.08 });
            let style = match x.kind {
                Kind::Spam => Style::Spam,
                Kind::RuleBreaker if r.chance(1.0 / 3.0) => Style::Abuse,
                _ => Style::Normal,
            };
            let reply_to = parent.map(|c| self.people[c.1 as usize].handle.as_str());
            let spec = CommentSpec {
                topic: m.topic,
                lang,
                mixed,
                style,
                reply_to,
                own_note: m.author == who && parent.is_some(),
                home: L::of_tag(x.language()),
            };
            let (text, violation) = text::comment(self.p.seed, id, &spec);
            if parent.is_none() {
                self.top_comments.entry(m.id).or_default().push((id, who));
            }
            out.push(PlannedComment {
                id,
                author: who,
                note: m.id,
                parent: parent.map(|c| c.0),
                at: t,
                text,
                language: lang.tag(),
                violation,
            });
        }
        out
    }

    fn comment_likes(
        &self,
        r: &mut ChaCha8Rng,
        present: &[Presence],
        w: &Window,
        comments: &[PlannedComment],
    ) -> Vec<CommentLike> {
        let mut out = Vec::new();
        if present.is_empty() {
            return out;
        }
        let mut likers: Vec<u32> = Vec::new();
        for c in comments {
            let k = r.poisson(self.p.comment_likes_per_comment);
            likers.clear();
            let Some(note) = w.note(c.note) else { continue };
            for j in 0..k {
                // The note's author often likes comments on it; others only see public notes'
                // comments (followers-only notes stay among the author and those who commented).
                let who = if (j == 0 && r.chance(0.5)) || !note.public {
                    note.author
                } else {
                    present[r.index(present.len())].who
                };
                if who == c.author || likers.contains(&who) {
                    continue;
                }
                // `present` is in person order.
                let Ok(k) = present.binary_search_by_key(&who, |p| p.who) else { continue };
                let pr = present[k];
                let from = pr.from.max(c.at);
                if from >= pr.to {
                    continue;
                }
                likers.push(who);
                let at = from + r.below((pr.to - from) as u64) as i64;
                out.push(CommentLike { who, comment: c.id, at });
            }
        }
        out.sort_unstable_by_key(|l| (l.at, l.who, l.comment));
        out
    }
}

impl Iterator for Days<'_> {
    type Item = Day;

    fn next(&mut self) -> Option<Day> {
        if self.day >= self.p.days {
            return None;
        }
        Some(self.generate())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.p.days.saturating_sub(self.day) as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Days<'_> {}

/// An index drawn in proportion to `weights`.
fn weighted_f32(r: &mut ChaCha8Rng, weights: &[f32]) -> usize {
    let total: f32 = weights.iter().sum();
    let mut x = r.unit() as f32 * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}
