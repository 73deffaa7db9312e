//! # nb-sim: the Notebridge population model
//!
//! A seeded, deterministic model of a bilingual lifestyle-notes community: who is there, who
//! follows whom, and what everyone posts, likes, collects and comments, day by day. The model is
//! pure Rust without I/O; [`seed`] writes it through the project's own use cases.
//!
//! ```
//! let p = nb_sim::Params { users: 300, days: 2, ..nb_sim::Params::default() };
//! p.validate().unwrap();
//! let pop = nb_sim::population(&p);
//! for day in nb_sim::days(&p, &pop) {
//!     assert!(day.notes.iter().all(|n| n.at >= i64::from(day.index) * nb_sim::DAY_MS));
//! }
//! ```
//!
//! ## Determinism
//!
//! The same [`Params`] (seed included) give the same [`Population`] and the same [`Day`]s, on
//! every run. All randomness is `ChaCha8Rng` (stable across `rand_chacha` releases), split into
//! independent streams (people, follows, each day's activity, each note's and comment's text), and
//! the few distributions are implemented in this crate. Floating-point `ln`/`exp` come from the
//! platform's maths library; a last-bit difference there could in principle flip a rare draw on
//! another platform.
//!
//! ## Time
//!
//! Times are milliseconds from the simulation start. Day `d` covers `[d·DAY_MS, (d+1)·DAY_MS)`.
//! Each person has a UTC offset from their region, and posting and engagement follow a daily
//! curve in local time (quiet at night, peaks at lunch and in the evening).
//!
//! ## People ([`population`])
//!
//! - **Communities.** `resident_share` of the people are residents: mostly `zh-CN` (a fifth in CN
//!   and 40 % in TW and HK also `en`; in SG and MY all, 40 % `en` first), regions CN (85 %), TW, HK,
//!   SG, MY; they joined uniformly over the `resident_history_days` before day 0. The rest is the
//!   influx wave: `en` (one in ten also `zh-CN`), regions US (70 %), GB, CA, AU and a few others.
//! - **Arrival curve.** Wave arrival times are exponential, with the rate at which
//!   `wave_front_share` (0.85) of an unbounded wave would arrive by `wave_front_days` (3.0),
//!   conditioned on arriving within the span; [`Params::expected_wave_share_by_front`] gives the
//!   resulting share by the front (0.86 for 7 days).
//! - **Departures.** `departure_share` of the wave gets an `active_until` 0.5 to 3 days after
//!   joining (log-uniform); after it they neither post, like, collect, comment nor follow.
//! - **Kinds.** `formulaic_share` post near-copies of one personal template
//!   ([`Kind::Formulaic`]), `spam_share` post link and contact bait, `rule_breaker_share` put mild,
//!   made-up insults and harassment lines in half their notes and a third of their comments. The
//!   kind on [`Person`] and the [`Violation`] on notes and comments are the ground truth for
//!   moderation tests.
//! - **Interests.** A weight per [`Topic`] (ten topics), log-normal around a community prior, so
//!   most people care about two or three topics.
//! - **Propensities.** Relative tendencies to post, like, collect and comment are heavy-tailed (a
//!   third never post, a few post a lot; spam and formulaic accounts post most). They are scaled so
//!   that the *expected* totals equal `users × days × notes_per_user_day` (and likewise for likes,
//!   collects = likes × `collects_per_like`, comments = likes × `comments_per_like`), whoever is
//!   present: totals scale linearly with users and days. A person's [`Propensities`] are expected
//!   events per day present, at their base rate.
//! - **Newcomer boost.** A wave member's activity is multiplied by `1 + 1.5·exp(-days since joining
//!   / 1.5)`: the wave is loudest on arrival and its activity recedes afterwards, even among those
//!   who stay (the scaling above accounts for it).
//! - **Popularity.** A heavy-tailed (Pareto, α = 1.3) attractiveness per person, low for spam.
//!
//! ## Follows
//!
//! Each person follows a log-normal number of accounts (mean `follows_per_user`, spam ×3). For
//! each follow the target community is the follower's own with probability `homophily`, the other
//! otherwise; within it the target is drawn in proportion to popularity (a static-fitness form of
//! preferential attachment: popular accounts gather followers, giving a heavy-tailed follower
//! distribution). A follow happens after both people joined and while the follower is active: a
//! third right after the follower arrives (onboarding), the rest uniformly over the time they share.
//! No self-follows, no duplicates. Follows are sorted by time.
//!
//! ## Activity ([`days`])
//!
//! Generated one day at a time (the iterator keeps only the last `engagement_window_days` of
//! notes and each person's likes and collects on them), so 1M notes and 20M likes never sit in
//! memory at once. Each active person's counts for the day are Poisson around their propensity
//! times the part of the day they are present.
//!
//! - **Notes** are on a topic drawn from the author's interests, in the author's first language
//!   (bilingual people sometimes use their second), mixed-language for 7 % of one-language and 35 %
//!   of bilingual authors (70 % on language exchange). A wave member's first note is often a hello.
//!   0–9 photos from the pool (10 % text-only, mostly 1–4), visibility mostly public.
//! - **Likes and collects** pick notes from the window: a share `follow_feed_share` of likes from
//!   the home feed (a recent note of a followee), the rest Explore-style: topic from the person's
//!   interests (15 % any topic), language group their own with probability `engagement_homophily`,
//!   then a note in proportion to `popularity^0.5 × quality × exp(-age / recency_days)` among notes
//!   already posted. Half of collects go to notes the person liked. (who, note) is unique across
//!   all days for likes and for collects: a note leaves the window after `engagement_window_days`
//!   and each person's set within the window is tracked. Nobody likes or collects their own note.
//! - **Comments** are short reactions and questions in the commenter's language on notes drawn the
//!   same way; about a third answer an earlier top-level comment of the note (often with an
//!   `@handle`), and authors answer comments on their own notes. Replies are two levels only.
//! - **Comment likes** follow each comment on the same day, from the note's author and other
//!   active people.
//! - **Visibility.** 95 % of notes are public, 3 % unlisted, 2 % followers-only. Explore-style
//!   picks only see public notes; likes, collects and comments on the others come only from people
//!   who follow the author by then, and only the author likes comments on them.
//!
//! ## Text
//!
//! Titles, texts, tags, names and bios come from templates and vocabularies written for this crate
//! (`vocab.rs`), in Simplified Chinese and English, with mixed-language lines, slang, emoji and
//! language-exchange posts. Handles match `[a-z0-9_]{3,30}` and are unique.
//!
//! ## Scale
//!
//! `Params::default()` (100k people, 7 days): about 5M follows, 1M notes, 20M likes, 5M collects,
//! 2M comments and 1M comment likes.

mod activity;
pub mod bench;
mod params;
mod population;
mod rng;
mod seed;
mod text;
mod vocab;

pub use activity::{Days, days};
pub use params::{DAY_MS, HOUR_MS, MAX_DAYS, MAX_USERS, Params, ParamsError};
pub use population::population;
pub use seed::{Progress, Report, SIM_PASSWORD, SeedError, seed, start_for};

/// The Chinese language tag of the model.
pub const ZH_CN: &str = "zh-CN";
/// The English language tag of the model.
pub const EN: &str = "en";
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest note or comment text, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 30;
/// Longest handle.
pub const MAX_HANDLE_CHARS: usize = 30;
/// Most photos on a note.
pub const MAX_PHOTOS: usize = 9;

/// The two communities of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Community {
    /// Present before the simulation starts; mostly Chinese-speaking.
    Resident,
    /// Arrives during the simulation; mostly English-speaking.
    Wave,
}

/// How a person behaves, as ground truth for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Normal,
    /// Posts near-copies of one personal template; `template` is on each of their notes.
    Formulaic {
        template: u32,
    },
    /// Posts and comments link and contact bait.
    Spam,
    /// Puts insults and harassment (harmless placeholders) in some notes and comments.
    RuleBreaker,
}

/// The topics of interests and notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    Food,
    Travel,
    Pets,
    Fashion,
    Beauty,
    Study,
    DailyLife,
    LanguageExchange,
    Fitness,
    Home,
}

impl Topic {
    pub const COUNT: usize = 10;
    pub const ALL: [Topic; Topic::COUNT] = [
        Topic::Food,
        Topic::Travel,
        Topic::Pets,
        Topic::Fashion,
        Topic::Beauty,
        Topic::Study,
        Topic::DailyLife,
        Topic::LanguageExchange,
        Topic::Fitness,
        Topic::Home,
    ];

    /// A stable latin key (`"food"`, `"language_exchange"`).
    pub fn key(self) -> &'static str {
        match self {
            Topic::Food => "food",
            Topic::Travel => "travel",
            Topic::Pets => "pets",
            Topic::Fashion => "fashion",
            Topic::Beauty => "beauty",
            Topic::Study => "study",
            Topic::DailyLife => "daily_life",
            Topic::LanguageExchange => "language_exchange",
            Topic::Fitness => "fitness",
            Topic::Home => "home",
        }
    }
}

/// Expected events per day the person is present (see the crate doc for how they are scaled).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Propensities {
    pub post: f32,
    pub like: f32,
    pub collect: f32,
    pub comment: f32,
}

/// One account.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// `[a-z0-9_]{3,30}`, unique.
    pub handle: String,
    /// In the person's script; at most 30 characters.
    pub display_name: String,
    /// A short bio in the person's first language.
    pub bio: String,
    pub community: Community,
    /// BCP 47 tags, the first being the interface language: `"zh-CN"` and/or `"en"`.
    pub languages: Vec<&'static str>,
    /// ISO 3166 alpha-2 home region.
    pub region: &'static str,
    /// Offset of the person's local time from simulation time, in minutes (the daily curve).
    pub utc_offset_min: i32,
    /// Ms from the simulation start; residents negative, the wave in `[0, days·DAY_MS)`.
    pub joined_at: i64,
    /// For departing wave members, when they go quiet (may lie past the span). `None`: stays.
    pub active_until: Option<i64>,
    pub kind: Kind,
    /// Weight per topic, indexed by `Topic as usize`, summing to 1.
    pub interests: [f32; Topic::COUNT],
    pub propensities: Propensities,
    /// Relative attractiveness (Pareto, minimum 1; spam 0.05): drives followers and engagement.
    pub popularity: f32,
}

impl Person {
    /// The interface language.
    pub fn language(&self) -> &'static str {
        self.languages.first().copied().unwrap_or(EN)
    }

    /// Whether the person has joined and not yet departed at `t`.
    pub fn is_active_at(&self, t: i64) -> bool {
        t >= self.joined_at && self.active_until.is_none_or(|u| t < u)
    }

    /// The person's topics, strongest first.
    pub fn top_topics(&self) -> [Topic; Topic::COUNT] {
        let mut all = Topic::ALL;
        all.sort_by(|a, b| {
            self.interests[*b as usize].total_cmp(&self.interests[*a as usize]).then(a.cmp(b))
        });
        all
    }
}

/// `follower` follows `followee` (indices into [`Population::people`]) from `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Follow {
    pub follower: u32,
    pub followee: u32,
    pub at: i64,
}

/// Everyone, sorted by `joined_at` (residents first), and the follow graph sorted by time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Population {
    pub people: Vec<Person>,
    pub follows: Vec<Follow>,
}

/// Who may see a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Visibility {
    #[default]
    Public,
    Unlisted,
    Private,
}

/// What a moderation pipeline should find in a note or comment (ground truth).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Violation {
    /// Link or contact bait.
    Spam,
    /// Insults or harassment.
    Abuse,
}

/// A photo of a note: an image of the pool by index (see [`pool_photo`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PhotoRef {
    pub pool_index: u32,
}

/// How to generate pool image `index`: pass `seed`, `width` and `height` to the image generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PoolPhoto {
    pub seed: u64,
    pub width: u32,
    pub height: u32,
}

/// The pool image `index` of `p`'s pool: a seed and a size (portrait 3:4 most often, as on
/// RedNote, then square, 4:3 and 9:16; the long side 480–960 px).
pub fn pool_photo(p: &Params, index: u32) -> PoolPhoto {
    // SplitMix64 of (seed, index): cheap, stable, independent of the model's streams.
    let mut z = p.seed ^ (u64::from(index).wrapping_add(1)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let long = 480 + 160 * ((z >> 8) % 4) as u32;
    let (w, h) = match z % 10 {
        0..=4 => (long * 3 / 4, long),
        5..=6 => (long, long),
        7..=8 => (long, long * 3 / 4),
        _ => (long * 9 / 16, long),
    };
    PoolPhoto { seed: z, width: w, height: h }
}

/// A note to post.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedNote {
    /// Dense from 0 across all days, in time order.
    pub id: u64,
    /// Index into [`Population::people`].
    pub author: u32,
    pub at: i64,
    /// One line, at most 100 characters.
    pub title: String,
    /// At most 5000 characters; the tags are written at its end as `#tag` separated by spaces.
    pub text: String,
    /// The tags of `text`, without `#`.
    pub tags: Vec<&'static str>,
    pub topic: Topic,
    /// `"zh-CN"` or `"en"`: the main language of the text.
    pub language: &'static str,
    /// The text mixes in words of the other language.
    pub mixed: bool,
    /// 0 to 9 photos.
    pub photos: Vec<PhotoRef>,
    /// The formulaic template this note copies.
    pub template: Option<u32>,
    pub visibility: Visibility,
    pub violation: Option<Violation>,
}

/// `who` likes note `note` at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Like {
    pub who: u32,
    pub note: u64,
    pub at: i64,
}

/// `who` collects note `note` at `at` onto a board (`None`: the default board).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Collect {
    pub who: u32,
    pub note: u64,
    pub at: i64,
    pub board: Option<&'static str>,
}

/// A comment to post.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedComment {
    /// Dense from 0 across all days, in time order.
    pub id: u64,
    pub author: u32,
    pub note: u64,
    /// A top-level comment of the same note, posted earlier (smaller id, `at` not later).
    pub parent: Option<u64>,
    pub at: i64,
    pub text: String,
    pub language: &'static str,
    pub violation: Option<Violation>,
}

/// `who` likes comment `comment` at `at` (unique per pair; same day as the comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommentLike {
    pub who: u32,
    pub comment: u64,
    pub at: i64,
}

/// One simulated day of activity; every vector is sorted by `at`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Day {
    pub index: u32,
    pub notes: Vec<PlannedNote>,
    pub likes: Vec<Like>,
    pub collects: Vec<Collect>,
    pub comments: Vec<PlannedComment>,
    pub comment_likes: Vec<CommentLike>,
}
