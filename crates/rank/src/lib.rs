//! Explore's ranking. Every candidate is scored in memory from its features and the viewer's
//! profile, the best are kept, and a re-rank spreads authors out. Pure: `nb-app` keeps the
//! candidates and the viewers' snapshots, and pages through the result.

mod diversify;
mod score;

pub use diversify::diversify;
pub use score::{Candidate, Viewer, Why, score, tag_hash};

/// No author more than [`PER_AUTHOR`] times in any [`WINDOW`] consecutive notes, while others
/// are left to fill in.
pub const WINDOW: usize = 10;
pub const PER_AUTHOR: usize = 2;

/// One place in a ranking, and why the note is there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub note: i64,
    pub author: i64,
    pub score: f64,
    pub why: Why,
}

/// The best `keep` of `candidates` for `viewer` at `now`, best first, authors spread out.
/// The viewer's own notes and those of authors `hidden` from them are left out. Equal scores go
/// newest note first, so the same inputs always give the same order.
pub fn rank(
    candidates: &[Candidate],
    viewer: &Viewer,
    hidden: impl Fn(i64) -> bool,
    now: i64,
    keep: usize,
) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = candidates
        .iter()
        .filter(|c| viewer.id != Some(c.author) && !hidden(c.author))
        .map(|c| {
            let (score, why) = score(c, viewer, now);
            Ranked { note: c.note, author: c.author, score, why }
        })
        .collect();
    let best_first = |a: &Ranked, b: &Ranked| b.score.total_cmp(&a.score).then(b.note.cmp(&a.note));
    if keep == 0 {
        return Vec::new();
    }
    if ranked.len() > keep {
        ranked.select_nth_unstable_by(keep - 1, best_first);
        ranked.truncate(keep);
    }
    ranked.sort_unstable_by(best_first);
    diversify(ranked, WINDOW, PER_AUTHOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;
    const NOW: i64 = 1_000 * HOUR;

    fn note(note: i64, author: i64, hours_ago: i64, likes: i64) -> Candidate {
        Candidate {
            note,
            author,
            created_at: NOW - hours_ago * HOUR,
            likes,
            collects: 0,
            comments: 0,
            photos: false,
            tags: Box::new([]),
        }
    }

    fn order(ranked: &[Ranked]) -> Vec<i64> {
        ranked.iter().map(|r| r.note).collect()
    }

    #[test]
    fn own_and_hidden_authors_are_left_out() {
        let cands = [note(1, 10, 1, 0), note(2, 11, 1, 0), note(3, 12, 1, 0)];
        let viewer = Viewer { id: Some(10), ..Viewer::default() };
        let ranked = rank(&cands, &viewer, |a| a == 12, NOW, 10);
        assert_eq!(order(&ranked), [2]);
    }

    #[test]
    fn keeps_the_best_only_in_order() {
        let cands: Vec<Candidate> = (0..50).map(|i| note(i, i, 1, i)).collect();
        let ranked = rank(&cands, &Viewer::default(), |_| false, NOW, 5);
        assert_eq!(order(&ranked), [49, 48, 47, 46, 45]);
        assert!(rank(&cands, &Viewer::default(), |_| false, NOW, 0).is_empty());
    }

    #[test]
    fn equal_scores_go_newest_note_first() {
        let cands: Vec<Candidate> = (0..6).map(|i| note(i, i, 3, 2)).collect();
        let ranked = rank(&cands, &Viewer::default(), |_| false, NOW, 10);
        assert_eq!(order(&ranked), [5, 4, 3, 2, 1, 0]);
    }

    #[test]
    fn a_prolific_author_is_spread_out() {
        // Author 1's six notes outscore everything else.
        let mut cands: Vec<Candidate> = (0..6).map(|i| note(i, 1, 1, 100 + i)).collect();
        cands.extend((10..16).map(|i| note(i, i, 1, i)));
        let ranked = rank(&cands, &Viewer::default(), |_| false, NOW, 20);
        let authors: Vec<i64> = ranked.iter().map(|r| r.author).collect();
        assert_eq!(authors[..2], [1, 1], "the best two stay on top");
        assert!(authors[2..8].iter().all(|&a| a != 1), "the others come next: {authors:?}");
        assert_eq!(ranked.len(), 12, "nothing is lost");
    }
}
