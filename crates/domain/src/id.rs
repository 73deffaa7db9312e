//! 64-bit, time-ordered ids shared by every kind of post.
//!
//! Layout: the millisecond timestamp in the high 48 bits, a 16-bit sequence in the low bits (as
//! Mastodon does). The sequence starts at a random offset each millisecond, so several nodes
//! writing to one database rarely collide; the store's primary keys catch the rare collision.
//! A seeded generator gives the same ids for the same sequence of calls.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(pub i64);

impl Id {
    /// The smallest id that could have been made at `ms`; used to turn times into cursors.
    pub fn floor_at(ms: i64) -> Id {
        Id(ms << 16)
    }

    pub fn timestamp_ms(self) -> i64 {
        self.0 >> 16
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Id {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse::<i64>().map(Id)
    }
}

#[derive(Debug)]
pub struct IdGenerator {
    state: Mutex<GenState>,
}

#[derive(Debug)]
struct GenState {
    rng: StdRng,
    last_ms: i64,
    seq: u16,
}

impl IdGenerator {
    pub fn new() -> Self {
        Self::with_rng(StdRng::from_os_rng())
    }

    pub fn seeded(seed: u64) -> Self {
        Self::with_rng(StdRng::seed_from_u64(seed))
    }

    fn with_rng(rng: StdRng) -> Self {
        Self { state: Mutex::new(GenState { rng, last_ms: i64::MIN, seq: 0 }) }
    }

    /// The next id for a post made at `now_ms`. Ids only grow, even if the clock steps back.
    pub fn next(&self, now_ms: i64) -> Id {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if now_ms > s.last_ms {
            s.last_ms = now_ms;
            s.seq = s.rng.random();
        }
        let id = Id((s.last_ms << 16) | i64::from(s.seq));
        s.seq = s.seq.wrapping_add(1);
        if s.seq == 0 {
            // The sequence wrapped inside one millisecond: borrow the next one to keep order.
            s.last_ms += 1;
        }
        id
    }
}

impl Default for IdGenerator {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_grow_and_carry_their_time() {
        let g = IdGenerator::seeded(7);
        let mut last = Id(0);
        for i in 0..200_000 {
            let id = g.next(1_700_000_000_000 + i / 1000);
            assert!(id > last, "{id} after {last}");
            last = id;
        }
        assert!(g.next(1_800_000_000_000).timestamp_ms() == 1_800_000_000_000);
    }

    #[test]
    fn same_seed_same_ids() {
        let a = IdGenerator::seeded(1);
        let b = IdGenerator::seeded(1);
        for t in 0..100 {
            assert_eq!(a.next(t * 3), b.next(t * 3));
        }
    }

    #[test]
    fn clock_stepping_back_keeps_order() {
        let g = IdGenerator::seeded(3);
        let a = g.next(10_000);
        let b = g.next(5_000);
        assert!(b > a);
    }
}
