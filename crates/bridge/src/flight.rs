//! Single-flight: concurrent requests for the same key share one engine call. The first
//! caller leads and does the work; the others follow and receive a clone of its result. If the
//! leader is dropped before it finishes (its request was cancelled), followers see `None` and
//! the caller decides what to do (the chain treats it as a failure of that engine and falls
//! back).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

/// In-flight calls by key.
#[derive(Debug)]
pub struct SingleFlight<K, V> {
    calls: Arc<Mutex<HashMap<K, watch::Receiver<Option<V>>>>>,
}

impl<K, V> Default for SingleFlight<K, V> {
    fn default() -> Self {
        SingleFlight { calls: Arc::new(Mutex::new(HashMap::new())) }
    }
}

/// The caller's role for one key.
pub enum Claim<K: Hash + Eq + Clone, V: Clone> {
    /// Do the work, then [`Leader::finish`].
    Lead(Leader<K, V>),
    /// Wait for the leader with [`Follower::wait`].
    Follow(Follower<V>),
}

/// The caller that does the work for a key.
pub struct Leader<K: Hash + Eq + Clone, V> {
    key: K,
    tx: watch::Sender<Option<V>>,
    calls: Arc<Mutex<HashMap<K, watch::Receiver<Option<V>>>>>,
}

/// A caller waiting for a leader.
pub struct Follower<V> {
    rx: watch::Receiver<Option<V>>,
}

impl<K: Hash + Eq + Clone, V: Clone> SingleFlight<K, V> {
    /// A new, empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lead the call for `key`, or follow the call already in flight.
    pub fn claim(&self, key: K) -> Claim<K, V> {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(rx) = calls.get(&key) {
            return Claim::Follow(Follower { rx: rx.clone() });
        }
        let (tx, rx) = watch::channel(None);
        calls.insert(key.clone(), rx);
        Claim::Lead(Leader { key, tx, calls: Arc::clone(&self.calls) })
    }

    /// How many keys are in flight.
    pub fn in_flight(&self) -> usize {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

impl<K: Hash + Eq + Clone, V> Leader<K, V> {
    /// Hand the result to every follower.
    pub fn finish(self, value: V) {
        self.tx.send_replace(Some(value));
        // Drop unregisters the key.
    }
}

impl<K: Hash + Eq + Clone, V> Drop for Leader<K, V> {
    fn drop(&mut self) {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.key);
    }
}

impl<V: Clone> Follower<V> {
    /// The leader's result, or `None` if the leader gave up.
    pub async fn wait(mut self) -> Option<V> {
        self.rx.wait_for(Option::is_some).await.ok().and_then(|v| v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn followers_get_the_leaders_result() {
        let sf: SingleFlight<u32, String> = SingleFlight::new();
        let Claim::Lead(leader) = sf.claim(1) else { panic!("first claim leads") };
        let Claim::Follow(f1) = sf.claim(1) else { panic!("second claim follows") };
        let Claim::Follow(f2) = sf.claim(1) else { panic!("third claim follows") };
        assert!(matches!(sf.claim(2), Claim::Lead(_)), "other keys are independent");
        let waiting = tokio::spawn(f1.wait());
        leader.finish("done".into());
        assert_eq!(waiting.await.ok().flatten().as_deref(), Some("done"));
        assert_eq!(f2.wait().await.as_deref(), Some("done"));
        assert_eq!(sf.in_flight(), 0);
        assert!(matches!(sf.claim(1), Claim::Lead(_)), "a finished key starts afresh");
    }

    #[tokio::test]
    async fn a_dropped_leader_releases_followers() {
        let sf: SingleFlight<u32, u32> = SingleFlight::new();
        let Claim::Lead(leader) = sf.claim(7) else { panic!() };
        let Claim::Follow(f) = sf.claim(7) else { panic!() };
        drop(leader);
        assert_eq!(f.wait().await, None);
        assert_eq!(sf.in_flight(), 0);
    }
}
