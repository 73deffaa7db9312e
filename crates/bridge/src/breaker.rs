//! A circuit breaker per engine: after `threshold` consecutive failed calls the engine is
//! skipped for `cool_down`; then one probe call is let through (half-open). A success closes
//! the circuit, a failure opens it again. A probe that never reports back (its caller was
//! cancelled) stops blocking after another cool-down.
//!
//! Time is `tokio::time::Instant`, so tests drive it with a paused clock.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { since: Instant },
}

/// See the module docs.
#[derive(Debug)]
pub struct Breaker {
    threshold: u32,
    cool_down: Duration,
    state: Mutex<State>,
}

/// What the breaker says about the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Closed: call.
    Yes,
    /// Half-open: call, as the one probe.
    Probe,
    /// Open: skip this engine.
    No,
}

impl Breaker {
    /// A closed breaker that opens after `threshold` (at least 1) consecutive failures.
    pub fn new(threshold: u32, cool_down: Duration) -> Breaker {
        Breaker {
            threshold: threshold.max(1),
            cool_down,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a call may go ahead now.
    pub fn admit(&self) -> Admit {
        let now = Instant::now();
        let mut s = self.lock();
        match *s {
            State::Closed { .. } => Admit::Yes,
            State::Open { until } if now < until => Admit::No,
            State::HalfOpen { since } if now < since + self.cool_down => Admit::No,
            State::Open { .. } | State::HalfOpen { .. } => {
                *s = State::HalfOpen { since: now };
                Admit::Probe
            }
        }
    }

    /// Report a successful call.
    pub fn success(&self) {
        *self.lock() = State::Closed { failures: 0 };
    }

    /// Report a failed call.
    pub fn failure(&self) {
        let now = Instant::now();
        let mut s = self.lock();
        *s = match *s {
            State::Closed { failures } if failures + 1 < self.threshold => {
                State::Closed { failures: failures + 1 }
            }
            _ => State::Open { until: now + self.cool_down },
        };
    }

    /// Whether calls are currently being skipped.
    pub fn is_open(&self) -> bool {
        !matches!(*self.lock(), State::Closed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn opens_after_threshold_and_probes_after_cool_down() {
        let b = Breaker::new(3, Duration::from_secs(30));
        b.failure();
        b.failure();
        assert_eq!(b.admit(), Admit::Yes);
        b.success();
        b.failure();
        b.failure();
        assert_eq!(b.admit(), Admit::Yes, "a success resets the count");
        b.failure();
        assert_eq!(b.admit(), Admit::No);
        tokio::time::advance(Duration::from_secs(29)).await;
        assert_eq!(b.admit(), Admit::No);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(b.admit(), Admit::Probe);
        assert_eq!(b.admit(), Admit::No, "one probe at a time");
        b.failure();
        assert_eq!(b.admit(), Admit::No, "a failed probe opens again");
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(b.admit(), Admit::Probe);
        b.success();
        assert_eq!(b.admit(), Admit::Yes);
        assert!(!b.is_open());
    }

    #[tokio::test(start_paused = true)]
    async fn a_lost_probe_does_not_block_forever() {
        let b = Breaker::new(1, Duration::from_secs(10));
        b.failure();
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(b.admit(), Admit::Probe);
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(b.admit(), Admit::Probe);
    }
}
