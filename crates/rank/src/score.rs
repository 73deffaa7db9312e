//! One note's score for one viewer: a smoothed engagement rate that decays with age, raised by
//! the viewer's affinity (authors they follow, topics they like).

use rustc_hash::{FxHashMap, FxHashSet};

/// What the ranking keeps in memory of a note.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub note: i64,
    pub author: i64,
    /// Unix milliseconds.
    pub created_at: i64,
    pub likes: i64,
    pub collects: i64,
    pub comments: i64,
    pub photos: bool,
    /// [`tag_hash`] of each of the note's tag keys.
    pub tags: Box<[u64]>,
}

/// What the ranking knows of the viewer; the default is a signed-out visitor.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub id: Option<i64>,
    pub follows: FxHashSet<i64>,
    /// Tag hash → how much of the viewer's recent likes and collects carried it, the most liked
    /// topic being 1.
    pub topics: FxHashMap<u64, f64>,
}

/// Why a note is on the viewer's Explore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// By an author the viewer follows.
    Following,
    /// On a topic the viewer likes.
    Topic,
    /// Engaging for its age.
    Popular,
    /// New.
    Fresh,
}

impl Why {
    /// A stable name for the reason, for APIs and message keys.
    pub fn key(self) -> &'static str {
        match self {
            Why::Following => "following",
            Why::Topic => "topic",
            Why::Popular => "popular",
            Why::Fresh => "fresh",
        }
    }
}

const HOUR_MS: f64 = 3_600_000.0;
/// Every note starts as if it had this much engagement and were this many hours old: a new note
/// with one like does not outrank everything, and the rate stays finite at age zero.
const PRIOR_ENGAGEMENT: f64 = 1.0;
const PRIOR_HOURS: f64 = 2.0;
/// How fast the rate falls with age: as hours to the power 1.5 (Hacker News uses 1.8; notes
/// live longer than links). Written `h·√h`, a tenth of the time of `powf` over a pool.
fn gravity(hours: f64) -> f64 {
    hours * hours.sqrt()
}
const FOLLOWING_BOOST: f64 = 0.6;
const TOPIC_BOOST: f64 = 0.8;
/// Explore is a grid of pictures.
const PHOTO_BOOST: f64 = 0.1;
/// Engagement that counts as popular rather than fresh.
const POPULAR: f64 = 5.0;

/// A collect says more than a like, a comment more than either.
#[allow(clippy::cast_precision_loss)]
fn engagement(c: &Candidate) -> f64 {
    (c.likes.max(0) + 2 * c.collects.max(0) + 3 * c.comments.max(0)) as f64
}

/// The score of `c` for `viewer` at `now` (Unix milliseconds), and the main reason for it.
#[allow(clippy::cast_precision_loss)]
pub fn score(c: &Candidate, viewer: &Viewer, now: i64) -> (f64, Why) {
    let engagement = engagement(c);
    let age_hours = (now - c.created_at).max(0) as f64 / HOUR_MS;
    let rate = (engagement + PRIOR_ENGAGEMENT) / gravity(age_hours + PRIOR_HOURS);
    let following = c.author != 0 && viewer.follows.contains(&c.author);
    let topic = if viewer.topics.is_empty() {
        0.0
    } else {
        c.tags.iter().filter_map(|t| viewer.topics.get(t)).fold(0.0, |a: f64, &b| a.max(b))
    };
    let boost = 1.0
        + if following { FOLLOWING_BOOST } else { 0.0 }
        + TOPIC_BOOST * topic
        + if c.photos { PHOTO_BOOST } else { 0.0 };
    let why = if following {
        Why::Following
    } else if topic >= 0.25 {
        Why::Topic
    } else if engagement >= POPULAR {
        Why::Popular
    } else {
        Why::Fresh
    };
    (rate * boost, why)
}

/// A tag key's 64-bit FNV-1a hash: candidates carry tags as numbers, not strings.
pub fn tag_hash(key: &str) -> u64 {
    key.bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;
    const NOW: i64 = 1_000 * HOUR;

    fn note(hours_ago: i64, likes: i64) -> Candidate {
        Candidate {
            note: 1,
            author: 7,
            created_at: NOW - hours_ago * HOUR,
            likes,
            collects: 0,
            comments: 0,
            photos: false,
            tags: Box::new([tag_hash("美食")]),
        }
    }

    fn of(c: &Candidate, v: &Viewer) -> f64 {
        score(c, v, NOW).0
    }

    #[test]
    fn more_engagement_ranks_higher_at_the_same_age() {
        let v = Viewer::default();
        assert!(of(&note(5, 10), &v) > of(&note(5, 9), &v));
        let collected = Candidate { collects: 1, ..note(5, 0) };
        assert!(of(&collected, &v) > of(&note(5, 1), &v), "a collect outweighs a like");
    }

    #[test]
    fn newer_ranks_higher_at_the_same_engagement() {
        let v = Viewer::default();
        assert!(of(&note(1, 3), &v) > of(&note(2, 3), &v));
        assert!(of(&note(0, 0), &v) > of(&note(48, 0), &v));
        // Age is measured from now: a clock skewed into the future counts as age zero.
        assert!((of(&note(-5, 0), &v) - of(&note(0, 0), &v)).abs() < 1e-12);
    }

    #[test]
    fn engagement_can_outweigh_a_day_of_age() {
        let v = Viewer::default();
        assert!(of(&note(24, 200), &v) > of(&note(1, 0), &v));
        assert!(of(&note(24, 2), &v) < of(&note(1, 0), &v));
    }

    #[test]
    fn following_and_topics_raise_a_note_and_say_why() {
        let c = note(3, 2);
        let stranger = Viewer::default();
        let fan = Viewer { follows: [7].into_iter().collect(), ..Viewer::default() };
        let foodie = Viewer {
            topics: [(tag_hash("美食"), 1.0)].into_iter().collect(),
            ..Viewer::default()
        };
        assert!(of(&c, &fan) > of(&c, &stranger));
        assert!(of(&c, &foodie) > of(&c, &stranger));
        assert_eq!(score(&c, &fan, NOW).1, Why::Following);
        assert_eq!(score(&c, &foodie, NOW).1, Why::Topic);
        assert_eq!(score(&c, &stranger, NOW).1, Why::Fresh);
        assert_eq!(score(&note(3, 50), &stranger, NOW).1, Why::Popular);
    }

    #[test]
    fn tag_hashes_differ_and_are_stable() {
        assert_eq!(tag_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(tag_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(tag_hash("美食"), tag_hash("旅行"));
    }
}
