//! Seeded randomness and the few distributions the model needs.
//!
//! Everything draws from [`ChaCha8Rng`], whose output stream `rand_chacha` keeps stable across
//! releases. The conversions below (integers in a range, floats, normal, Poisson) are written here
//! rather than taken from `rand`, so the model's output depends on the ChaCha stream alone and not on
//! how a `rand` release happens to implement its distributions.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// Independent streams of the one seed, so that changing how much one part of the model draws
/// does not shift what another part sees.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub(crate) enum Stream {
    People = 1,
    Follows = 2,
    Handles = 3,
    /// Per day, offset by the day index (`Activity + day`).
    Activity = 1 << 20,
    /// Per note, offset by the note id (`NoteText + id`).
    NoteText = 1 << 40,
    /// Per formulaic template, offset by the template id.
    Template = 1 << 41,
    /// Per comment, offset by the comment id.
    CommentText = 1 << 42,
}

/// The generator for `stream` (plus `offset`) of `seed`.
pub(crate) fn rng(seed: u64, stream: Stream, offset: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream((stream as u64).wrapping_add(offset));
    r
}

/// Small helpers over any [`RngCore`].
pub(crate) trait Draw: RngCore {
    /// Uniform in `[0, 1)`, 53 bits.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `(0, 1]`, for logarithms.
    fn unit_open(&mut self) -> f64 {
        1.0 - self.unit()
    }

    /// Uniform in `0..n` (`n > 0`; 0 when `n == 0`). Multiply-shift: the bias is below 2^-32 for
    /// the sizes used here.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index into a slice of length `n`.
    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi` (`lo <= hi`).
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// One word of a non-empty list.
    fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.index(items.len())]
    }

    /// Standard normal (Box–Muller, one of the pair).
    fn normal(&mut self) -> f64 {
        let u1 = self.unit_open();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal with the given mean (of the variable itself) and log-space sigma.
    fn lognormal_mean(&mut self, mean: f64, sigma: f64) -> f64 {
        let mu = mean.ln() - sigma * sigma / 2.0;
        (mu + sigma * self.normal()).exp()
    }

    /// Exponential with the given mean.
    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * self.unit_open().ln()
    }

    /// Poisson with mean `lambda`: exact (Knuth) below 30, normal approximation above.
    fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda <= 0.0 || !lambda.is_finite() {
            return 0;
        }
        if lambda < 30.0 {
            let limit = (-lambda).exp();
            let mut k = 0u32;
            let mut prod = self.unit_open();
            while prod > limit {
                k += 1;
                prod *= self.unit_open();
            }
            k
        } else {
            let x = lambda + lambda.sqrt() * self.normal() + 0.5;
            if x <= 0.0 { 0 } else { x.min(u32::MAX as f64) as u32 }
        }
    }

    /// An index drawn in proportion to `weights` (which need not sum to one). Returns the last
    /// index if every weight is zero.
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

impl<R: RngCore> Draw for R {}

/// Position in a cumulative-weight array for a draw `x` in `[0, cum.last())`: the first index whose
/// cumulative weight exceeds `x`.
pub(crate) fn search_cumulative(cum: &[f64], x: f64) -> usize {
    cum.partition_point(|&c| c <= x).min(cum.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_mean_is_right() {
        let mut r = rng(7, Stream::People, 0);
        for lambda in [0.3, 4.0, 80.0] {
            let n = 20_000;
            let sum: u64 = (0..n).map(|_| u64::from(r.poisson(lambda))).sum();
            let mean = sum as f64 / n as f64;
            assert!((mean - lambda).abs() < lambda * 0.05 + 0.02, "{lambda}: {mean}");
        }
    }

    #[test]
    fn streams_differ_and_repeat() {
        let a = rng(1, Stream::People, 0).next_u64();
        let b = rng(1, Stream::Follows, 0).next_u64();
        let c = rng(1, Stream::People, 0).next_u64();
        assert_ne!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn cumulative_search() {
        let cum = [1.0, 1.0, 3.0];
        assert_eq!(search_cumulative(&cum, 0.5), 0);
        assert_eq!(search_cumulative(&cum, 1.0), 2);
        assert_eq!(search_cumulative(&cum, 2.9), 2);
    }
}
