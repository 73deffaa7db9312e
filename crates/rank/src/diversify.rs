//! The re-rank that spreads authors out, so one prolific account cannot fill a screen.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use crate::Ranked;

/// `ranked` (best first) reordered so that no author appears more than `most` times in any
/// `window` consecutive places, as long as other authors are left to fill in. Each note keeps
/// its place or moves down to the first place where it fits; none is dropped.
pub fn diversify(ranked: Vec<Ranked>, window: usize, most: usize) -> Vec<Ranked> {
    let mut out: Vec<Ranked> = Vec::with_capacity(ranked.len());
    // Authors in the last `window` places and how often: at most `window` entries.
    let mut in_window: FxHashMap<i64, usize> =
        FxHashMap::with_capacity_and_hasher(window + 1, Default::default());
    // Notes that did not fit yet, best first.
    let mut waiting: VecDeque<Ranked> = VecDeque::new();
    let mut rest = ranked.into_iter().peekable();
    loop {
        let fits = |r: &Ranked| in_window.get(&r.author).copied().unwrap_or(0) < most;
        let next = if let Some(i) = waiting.iter().position(fits) {
            waiting.remove(i)
        } else if let Some(r) = rest.next() {
            if !fits(&r) {
                waiting.push_back(r);
                continue;
            }
            Some(r)
        } else {
            // Only over-represented authors are left: they go in their order.
            waiting.pop_front()
        };
        let Some(r) = next else { break };
        *in_window.entry(r.author).or_default() += 1;
        out.push(r);
        if out.len() >= window
            && let Some(gone) = out.get(out.len() - window)
            && let Some(n) = in_window.get_mut(&gone.author)
        {
            *n -= 1;
            if *n == 0 {
                in_window.remove(&gone.author);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Why;

    fn ranked(authors: &[i64]) -> Vec<Ranked> {
        let n = authors.len();
        authors
            .iter()
            .enumerate()
            .map(|(i, &author)| Ranked {
                note: i as i64,
                author,
                score: (n - i) as f64,
                why: Why::Fresh,
            })
            .collect()
    }

    fn authors(r: &[Ranked]) -> Vec<i64> {
        r.iter().map(|r| r.author).collect()
    }

    #[test]
    fn a_varied_ranking_is_unchanged() {
        let input = ranked(&[1, 2, 3, 1, 2, 3, 4]);
        assert_eq!(diversify(input.clone(), 4, 2), input);
    }

    #[test]
    fn a_run_of_one_author_is_broken_up() {
        let out = diversify(ranked(&[1, 1, 1, 1, 2, 3, 4, 5]), 4, 2);
        assert_eq!(authors(&out), [1, 1, 2, 3, 1, 1, 4, 5]);
    }

    #[test]
    fn every_window_holds_at_most_most_of_an_author_while_others_remain() {
        let input: Vec<i64> = (0..200).map(|i| if i % 3 == 0 { i % 7 } else { 1 }).collect();
        let out = diversify(ranked(&input), 10, 2);
        let mut notes: Vec<i64> = out.iter().map(|r| r.note).collect();
        notes.sort_unstable();
        assert_eq!(notes, (0..200).collect::<Vec<_>>(), "every note once");
        // Author 1 runs alone at the tail once the others are used up.
        let others_end = out.iter().rposition(|r| r.author != 1).unwrap_or(0);
        for w in out[..=others_end].windows(10) {
            let ones = w.iter().filter(|r| r.author == 1).count();
            assert!(ones <= 2 || w.iter().all(|r| r.author == 1), "{:?}", authors(w));
        }
    }

    #[test]
    fn one_author_alone_keeps_their_order() {
        let input = ranked(&[9, 9, 9, 9, 9]);
        assert_eq!(diversify(input.clone(), 10, 2), input);
    }
}
