//! Rate limits on logging in, registering and posting, keyed by the client's address.
//!
//! The client address is the socket peer, or the forwarded address (`X-Forwarded-For`) when the
//! peer is a trusted proxy (loopback and private ranges by default, as Rails trusts them for
//! Mastodon). Requests whose client is loopback are exempt, as in Mastodon's limiter: clients,
//! test suites and benchmarks on the machine itself run unthrottled, while members behind a
//! local reverse proxy are limited by their real address.
//!
//! Fixed windows counted in memory: a few lines, no dependency, and the `Retry-After` a client
//! needs falls out of the window's end. Each node limits on its own; behind a load balancer the
//! effective limit is per node, which is what these limits (abuse brakes, not quotas) need.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;

use crate::error::ApiError;
use crate::state::AppState;

/// `count` requests per `per` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub count: u32,
    pub per_secs: u64,
}

#[derive(Debug, Clone)]
pub struct RateLimits {
    /// `POST /oauth/token`.
    pub login: Limit,
    /// `POST /api/v1/accounts`.
    pub registration: Limit,
    /// `POST /api/v1/statuses`.
    pub posting: Limit,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            login: Limit { count: 25, per_secs: 300 },
            registration: Limit { count: 5, per_secs: 1800 },
            posting: Limit { count: 300, per_secs: 10_800 },
            trusted_proxies: [
                "127.0.0.0/8",
                "::1/128",
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "fc00::/7",
            ]
            .iter()
            .filter_map(|n| n.parse().ok())
            .collect(),
        }
    }
}

/// A window's start, its length and how many requests it has counted.
type Window = (Instant, Duration, u32);

/// Counters per (bucket, address).
#[derive(Debug, Default)]
pub struct Limiter {
    windows: Mutex<HashMap<(&'static str, IpAddr), Window>>,
    sweep_at: std::sync::atomic::AtomicUsize,
}

impl Limiter {
    /// Count one request; `Err(wait)` when over the limit.
    fn hit(&self, bucket: &'static str, addr: IpAddr, limit: Limit) -> Result<(), Duration> {
        let now = Instant::now();
        let per = Duration::from_secs(limit.per_secs);
        let mut map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        // Amortised clean-up: when the map has doubled since the last sweep, drop every window
        // that has ended (each by its own length).
        if map.len() > self.sweep_at.load(std::sync::atomic::Ordering::Relaxed) {
            map.retain(|_, (start, len, _)| now.duration_since(*start) < *len);
            self.sweep_at.store((map.len() * 2).max(10_000), std::sync::atomic::Ordering::Relaxed);
        }
        let entry = map.entry((bucket, addr)).or_insert((now, per, 0));
        if now.duration_since(entry.0) >= entry.1 {
            *entry = (now, per, 0);
        }
        if entry.2 >= limit.count {
            return Err(entry.1.saturating_sub(now.duration_since(entry.0)));
        }
        entry.2 += 1;
        Ok(())
    }
}

/// The address a request comes from (see the module docs).
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Walk the forwarded chain from the nearest hop; the first untrusted address is the client.
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    // Every hop trusted: take the nearest one, which the client cannot write.
    forwarded.iter().rev().find(|ip| !is_trusted(ip)).or(forwarded.last()).copied().unwrap_or(peer)
}

fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs().max(1);
    let mut res = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!("Too many requests; try again in {secs} seconds"),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

async fn limited(
    bucket: &'static str,
    limit: impl Fn(&RateLimits) -> Limit,
    state: AppState,
    peer: Option<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let limits = &state.config.rate_limits;
    let Some(peer) = peer else { return next.run(req).await };
    let addr = client_addr(peer.ip(), req.headers(), &limits.trusted_proxies);
    // Only a request made on this machine, not one whose header claims so, is exempt.
    if addr.is_loopback()
        && peer.ip().is_loopback()
        && !req.headers().contains_key("x-forwarded-for")
    {
        return next.run(req).await;
    }
    match state.limiter.hit(bucket, addr, limit(limits)) {
        Ok(()) => next.run(req).await,
        Err(wait) => too_many(wait),
    }
}

fn peer(req: &Request) -> Option<SocketAddr> {
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}

pub async fn login(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let p = peer(&req);
    limited("login", |l| l.login, s, p, req, next).await
}

pub async fn registration(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let p = peer(&req);
    limited("registration", |l| l.registration, s, p, req, next).await
}

pub async fn posting(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let p = peer(&req);
    limited("posting", |l| l.posting, s, p, req, next).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(xff).unwrap());
        h
    }

    #[test]
    fn forwarded_only_from_trusted_peers() {
        let trusted = RateLimits::default().trusted_proxies;
        let public: IpAddr = "198.51.100.7".parse().unwrap();
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(client_addr(public, &headers("203.0.113.1"), &trusted), public, "spoofed");
        assert_eq!(
            client_addr(local, &headers("203.0.113.1"), &trusted).to_string(),
            "203.0.113.1"
        );
        // Only trusted hops: the nearest counts, not what the client wrote first.
        assert_eq!(
            client_addr(local, &headers("203.0.113.1, 10.0.0.2"), &trusted).to_string(),
            "203.0.113.1"
        );
        assert_eq!(
            client_addr(local, &headers("127.0.0.1, 10.0.0.3"), &trusted).to_string(),
            "10.0.0.3"
        );
        // A client cannot hide behind a forged first hop: the nearest untrusted one counts.
        assert_eq!(
            client_addr(local, &headers("1.2.3.4, 203.0.113.9, 10.0.0.2"), &trusted).to_string(),
            "203.0.113.9"
        );
        assert_eq!(client_addr(local, &HeaderMap::new(), &trusted), local);
    }

    #[test]
    fn windows_count_and_reset() {
        let l = Limiter::default();
        let ip: IpAddr = "203.0.113.1".parse().unwrap();
        let lim = Limit { count: 2, per_secs: 60 };
        assert!(l.hit("x", ip, lim).is_ok());
        assert!(l.hit("x", ip, lim).is_ok());
        let wait = l.hit("x", ip, lim).unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(l.hit("y", ip, lim).is_ok(), "buckets are separate");
        assert!(l.hit("x", "203.0.113.2".parse().unwrap(), lim).is_ok(), "addresses too");
        let instant = Limit { count: 1, per_secs: 0 };
        assert!(l.hit("z", ip, instant).is_ok() && l.hit("z", ip, instant).is_ok(), "windows end");
    }
}
