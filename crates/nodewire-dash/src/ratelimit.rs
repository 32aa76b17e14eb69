//! Dash's rate limit on node requests, without IO: EiluneKit v0.1.8's `RateLimit` middleware
//! (`http/middleware/ratelimit.go`) over go-chi `httprate` v0.15.0's in-memory sliding-window
//! counter (`limiter.go`, `local_counter.go`).
//!
//! Which requests count depends on the Dash release ([`RateLimitMode`]):
//!
//! - **Dash 0.2.0** ([`RateLimitMode::AllRequests`]): every request that reaches a node route
//!   and passes the JSON content-type check counts, successful pushes included, at
//!   600 a minute (`internal/config/constants.go:36-37`) per client /24 (IPv4) or /40 (IPv6)
//!   (`internal/transport/http/api/node/router.go:13-24,29-31`). About 30 nodes pushing every
//!   3 s behind one NAT'd /24 are enough to be refused (contract §9, §11.5).
//! - **Newer Dash** (after 0.2.7, commit `165fd15b`; [`RateLimitMode::FailedAuth`]): only
//!   failed authentication counts, a missing/empty or unknown `X-Node-Secret`, with the same
//!   numbers and key (`internal/transport/http/api/node/shared.go:19-32,55-62`; its test
//!   `shared_test.go:12-37` sends 600 failures, then a 400, then sees 429 on the 601st
//!   failure and 401 from another /24). Valid node requests never consume the budget.
//!
//! The algorithm is `httprate`'s: windows are aligned to multiples of the window length
//! since Go's zero time (`time.Truncate`, `limiter.go:72,153-155`), the rate is
//! `previous × (window − elapsed) / window + current`, rounded half away from zero
//! (`limiter.go:89,162-163`), and a request is refused when `rate + 1 > limit`
//! (`limiter.go:96`). A refused request is not counted; an allowed one is
//! (`limiter.go:104`). So the 601st request inside a fresh window is refused, and a full
//! previous window keeps weighing on the next one until it slides out.
//!
//! Refusal is `429` with `{"code":"rate_limited","message":"too many requests"}`
//! (`ratelimit.go:52-55`) and `Retry-After: <window seconds>` (`limiter.go:100`). Every
//! request the limiter sees gets `X-RateLimit-Limit`, `X-RateLimit-Reset` (Unix seconds at
//! the end of the current window) and `X-RateLimit-Remaining` (`limiter.go:79-80,97,112`).
//!
//! Memory is bounded: like `httprate`, only the current and previous windows are kept
//! (`local_counter.go:74-92`), and at most [`RateLimitOptions::max_keys`] keys are tracked at
//! once; when a new key arrives at the cap, the key with the fewest counted requests is
//! forgotten first, so a flood of distinct addresses evicts its own one-request keys and not
//! a busy node's bucket. (`httprate` has no cap; this is a deliberate difference.)
//!
//! Time is passed in: [`RateLimiter::check`] takes the caller's `SystemTime`.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue, header};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::clientip;

/// Dash's limit, requests per window (`NodeRateLimitRequests`, `internal/config/constants.go:36`).
pub const NODE_RATE_LIMIT_REQUESTS: u32 = 600;

/// Dash's window (`NodeRateLimitWindow`, `internal/config/constants.go:37`).
pub const NODE_RATE_LIMIT_WINDOW: Duration = Duration::from_secs(60);

/// The IPv4 prefix a bucket covers (`RateLimitKeyByIP(24, 40, …)`, Dash `router.go:18`).
pub const IPV4_PREFIX_BITS: u8 = 24;

/// The IPv6 prefix a bucket covers (`RateLimitKeyByIP(24, 40, …)`, Dash `router.go:18`).
pub const IPV6_PREFIX_BITS: u8 = 40;

/// The most keys tracked at once by default.
pub const DEFAULT_MAX_KEYS: usize = 65_536;

/// `X-RateLimit-Limit` (`httprate` `limiter.go:23`).
pub const X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
/// `X-RateLimit-Remaining` (`httprate` `limiter.go:24`).
pub const X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
/// `X-RateLimit-Reset` (`httprate` `limiter.go:26`).
pub const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// EiluneKit's defaults when `Requests`/`Window` are not positive (`ratelimit.go:14-17,43-48`).
const DEFAULT_REQUESTS: u32 = 60;
const DEFAULT_WINDOW: Duration = Duration::from_secs(60);

/// Nanoseconds from Go's zero time (0001-01-01 UTC), which `time.Truncate` aligns to, to the
/// Unix epoch.
const GO_ZERO_TO_UNIX_NANOS: u128 = 62_135_596_800 * 1_000_000_000;

/// Which node requests count towards the limit, per the Dash release followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RateLimitMode {
    /// Dash 0.2.0: every node request (after the JSON content-type check) counts and is
    /// refused over the limit before anything else is looked at (`router.go:13-31`).
    AllRequests,
    /// Newer Dash: only failed authentication counts; the failure over the limit is answered
    /// `429` instead of `401` (`shared.go:19-32,55-62`).
    #[default]
    FailedAuth,
    /// No rate limit.
    Off,
}

impl RateLimitMode {
    /// The name [`FromStr`] reads: `0.2.0`, `newer` or `off`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::AllRequests => "0.2.0",
            Self::FailedAuth => "newer",
            Self::Off => "off",
        }
    }
}

impl fmt::Display for RateLimitMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rate-limit mode name that is none of `0.2.0`, `newer`, `off`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown rate-limit mode {0:?}: expected `0.2.0` (every request), `newer` (failed authentication only) or `off`"
)]
pub struct ParseRateLimitModeError(pub String);

impl FromStr for RateLimitMode {
    type Err = ParseRateLimitModeError;

    /// `0.2.0` (or `all-requests`), `newer` (or `failed-auth`), `off`; ASCII case ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "0.2.0" | "all-requests" => Ok(Self::AllRequests),
            "newer" | "failed-auth" => Ok(Self::FailedAuth),
            "off" => Ok(Self::Off),
            _ => Err(ParseRateLimitModeError(s.to_owned())),
        }
    }
}

/// How the receiver rate-limits (EiluneKit `RateLimitOptions` and `RateLimitKeyOptions`,
/// `ratelimit.go:19-32`, with Dash's values as defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitOptions {
    /// Which requests count (default [`RateLimitMode::FailedAuth`], newer Dash).
    pub mode: RateLimitMode,
    /// Requests allowed per window (default 600; `0` means EiluneKit's default, 60).
    pub requests: u32,
    /// The window (default one minute; zero means EiluneKit's default, one minute).
    pub window: Duration,
    /// Bits of an IPv4 client address that name its bucket (default 24; `0` or more than
    /// 32 means the whole address, `ratelimit.go:91-96`).
    pub ipv4_prefix_bits: u8,
    /// Bits of an IPv6 client address that name its bucket (default 40; `0` or more than
    /// 128 means the whole address).
    pub ipv6_prefix_bits: u8,
    /// Peers whose forwarded headers are believed (Dash's `http.trusted_proxies`; default
    /// none, so the connection's peer address is the client). See [`clientip`].
    pub trusted_proxies: Vec<IpNet>,
    /// The most keys tracked at once (default [`DEFAULT_MAX_KEYS`]; at least 1 is used).
    pub max_keys: usize,
}

impl Default for RateLimitOptions {
    fn default() -> Self {
        Self::new(RateLimitMode::default())
    }
}

impl RateLimitOptions {
    /// Dash's numbers with `mode`.
    pub fn new(mode: RateLimitMode) -> Self {
        Self {
            mode,
            requests: NODE_RATE_LIMIT_REQUESTS,
            window: NODE_RATE_LIMIT_WINDOW,
            ipv4_prefix_bits: IPV4_PREFIX_BITS,
            ipv6_prefix_bits: IPV6_PREFIX_BITS,
            trusted_proxies: Vec::new(),
            max_keys: DEFAULT_MAX_KEYS,
        }
    }
}

/// The bucket a request is counted in (`RateLimitKeyByIP`, `ratelimit.go:77-88`); its
/// `Display` is the upstream key text (`v4:192.0.2.0/24`, `v6:2001:db8::/40`, `unknown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RateKey {
    /// An IPv4 client's network.
    V4(Ipv4Net),
    /// An IPv6 client's network (IPv4-mapped addresses from headers included, as in Go).
    V6(Ipv6Net),
    /// No client address: every such request shares this bucket.
    Unknown,
}

impl fmt::Display for RateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V4(net) => write!(f, "v4:{net}"),
            Self::V6(net) => write!(f, "v6:{net}"),
            Self::Unknown => f.write_str("unknown"),
        }
    }
}

/// What the limiter decided for one request, and the headers that say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitStatus {
    /// The bucket the request was counted in.
    pub key: RateKey,
    /// `false`: refuse with `429 rate_limited`.
    pub allowed: bool,
    /// The limit (`X-RateLimit-Limit`).
    pub limit: u32,
    /// Requests left in the window after this one (`X-RateLimit-Remaining`); when refused,
    /// `limit − rate`, which can be `0` or less.
    pub remaining: i64,
    /// Unix seconds at the end of the current window (`X-RateLimit-Reset`).
    pub reset: i64,
    /// The window in whole seconds, sent as `Retry-After` when refused.
    pub retry_after: u64,
}

impl RateLimitStatus {
    /// Sets `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` and, when the
    /// request is refused, `Retry-After`.
    pub fn apply(&self, headers: &mut HeaderMap) {
        headers.insert(X_RATELIMIT_LIMIT, HeaderValue::from(self.limit));
        headers.insert(X_RATELIMIT_REMAINING, HeaderValue::from(self.remaining));
        headers.insert(X_RATELIMIT_RESET, HeaderValue::from(self.reset));
        if !self.allowed {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(self.retry_after));
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    current: u32,
    previous: u32,
}

impl Bucket {
    fn weight(self) -> u64 {
        u64::from(self.current) + u64::from(self.previous)
    }
}

/// The two windows `httprate`'s local counter keeps, plus an order by weight for eviction.
#[derive(Debug, Default)]
struct Counters {
    /// The current window's index since Go's zero time.
    window: Option<u128>,
    buckets: HashMap<RateKey, Bucket>,
    by_weight: BTreeSet<(u64, RateKey)>,
}

impl Counters {
    /// `evict` (`local_counter.go:74-92`): the next window shifts current to previous,
    /// any other change forgets everything.
    fn advance(&mut self, window: u128) {
        match self.window {
            Some(w) if w == window => return,
            Some(w) if w.checked_add(1) == Some(window) => {
                self.buckets.retain(|_, b| {
                    b.previous = b.current;
                    b.current = 0;
                    b.previous > 0
                });
                self.by_weight = self.buckets.iter().map(|(k, b)| (b.weight(), *k)).collect();
            }
            _ => {
                self.buckets.clear();
                self.by_weight.clear();
            }
        }
        self.window = Some(window);
    }

    fn increment(&mut self, key: RateKey, max_keys: usize) {
        let old = self.buckets.get(&key).copied();
        if let Some(b) = old {
            self.by_weight.remove(&(b.weight(), key));
        } else {
            while self.buckets.len() >= max_keys.max(1) {
                let Some((_, evicted)) = self.by_weight.pop_first() else {
                    break;
                };
                self.buckets.remove(&evicted);
            }
        }
        let mut b = old.unwrap_or_default();
        b.current = b.current.saturating_add(1);
        self.buckets.insert(key, b);
        self.by_weight.insert((b.weight(), key));
    }
}

/// A sliding-window rate limiter keyed by client network (see the module docs).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use nodewire_dash::ratelimit::{RateLimitMode, RateLimitOptions, RateLimiter};
/// let limiter = RateLimiter::new(&RateLimitOptions::new(RateLimitMode::AllRequests));
/// let key = limiter.key_for(Some("192.0.2.10".parse().unwrap()));
/// assert_eq!(key.to_string(), "v4:192.0.2.0/24");
/// let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// for _ in 0..600 {
///     assert!(limiter.check(key, now).allowed);
/// }
/// assert!(!limiter.check(key, now).allowed);
/// ```
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    window_nanos: u128,
    ipv4_prefix_bits: u8,
    ipv6_prefix_bits: u8,
    trusted_proxies: Vec<IpNet>,
    max_keys: usize,
    counters: Mutex<Counters>,
}

impl RateLimiter {
    /// A limiter with `options`' numbers, key and cap (the mode is the receiver's business).
    pub fn new(options: &RateLimitOptions) -> Self {
        let limit = if options.requests == 0 {
            DEFAULT_REQUESTS
        } else {
            options.requests
        };
        let window = if options.window.is_zero() {
            DEFAULT_WINDOW
        } else {
            options.window
        };
        Self {
            limit,
            window,
            window_nanos: window.as_nanos().max(1),
            ipv4_prefix_bits: normalize_bits(options.ipv4_prefix_bits, 32),
            ipv6_prefix_bits: normalize_bits(options.ipv6_prefix_bits, 128),
            trusted_proxies: options.trusted_proxies.iter().map(IpNet::trunc).collect(),
            max_keys: options.max_keys.max(1),
            counters: Mutex::new(Counters::default()),
        }
    }

    /// The bucket of a request from `remote` with `headers` (the client address per
    /// [`clientip::from_request`] with the trusted proxies, then its network).
    pub fn key(&self, remote: Option<IpAddr>, headers: &HeaderMap) -> RateKey {
        self.key_for(clientip::from_request(
            remote,
            headers,
            &self.trusted_proxies,
        ))
    }

    /// The bucket of a client address (`ratelimit.go:77-88`): its /24 (IPv4) or /40 (IPv6)
    /// network by default; no address is [`RateKey::Unknown`].
    pub fn key_for(&self, client: Option<IpAddr>) -> RateKey {
        match client {
            None => RateKey::Unknown,
            Some(IpAddr::V4(ip)) => Ipv4Net::new(ip, self.ipv4_prefix_bits)
                .map_or(RateKey::Unknown, |n| RateKey::V4(n.trunc())),
            Some(IpAddr::V6(ip)) => Ipv6Net::new(ip, self.ipv6_prefix_bits)
                .map_or(RateKey::Unknown, |n| RateKey::V6(n.trunc())),
        }
    }

    /// Checks one request in `key`'s bucket at `now` and counts it when it is allowed
    /// (`httprate` `OnLimit`, `limiter.go:71-114`). A `now` before 1970 counts as 1970.
    pub fn check(&self, key: RateKey, now: SystemTime) -> RateLimitStatus {
        let since_zero = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
            .saturating_add(GO_ZERO_TO_UNIX_NANOS);
        let window = since_zero / self.window_nanos;
        let elapsed = since_zero % self.window_nanos;
        let end = window.saturating_add(1).saturating_mul(self.window_nanos);
        let reset = i64::try_from(end.saturating_sub(GO_ZERO_TO_UNIX_NANOS) / 1_000_000_000)
            .unwrap_or(i64::MAX);

        let mut counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        counters.advance(window);
        let bucket = counters.buckets.get(&key).copied().unwrap_or_default();
        // limiter.go:162-163, in Go's order of float operations.
        let window_f = self.window_nanos as f64;
        let rate = f64::from(bucket.previous) * (window_f - elapsed as f64) / window_f
            + f64::from(bucket.current);
        let rate = rate.round() as i64;
        let limit = i64::from(self.limit);
        // limiter.go:96: refused when rate + 1 > limit.
        let allowed = rate < limit;
        if allowed {
            counters.increment(key, self.max_keys);
        }
        drop(counters);
        RateLimitStatus {
            key,
            allowed,
            limit: self.limit,
            remaining: if allowed {
                limit - rate - 1
            } else {
                limit - rate
            },
            reset,
            retry_after: self.window.as_secs(),
        }
    }

    /// How many keys are tracked now.
    pub fn tracked_keys(&self) -> usize {
        self.counters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .buckets
            .len()
    }
}

/// `normalizeRateLimitPrefixBits` (`ratelimit.go:91-96`).
fn normalize_bits(bits: u8, max: u8) -> u8 {
    if bits == 0 || bits > max { max } else { bits }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minute boundary (1_800_000_000 is not one; 1_799_999_940 is).
    const T0: u64 = 1_799_999_940;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(T0 + secs)
    }

    fn limiter(options: RateLimitOptions) -> RateLimiter {
        RateLimiter::new(&options)
    }

    fn dash() -> RateLimiter {
        limiter(RateLimitOptions::new(RateLimitMode::AllRequests))
    }

    fn v4(l: &RateLimiter, ip: &str) -> RateKey {
        l.key_for(Some(ip.parse().unwrap()))
    }

    /// Sends `n` requests at `now` and returns how many were allowed.
    fn send(l: &RateLimiter, key: RateKey, now: SystemTime, n: u32) -> u32 {
        (0..n).filter(|_| l.check(key, now).allowed).count() as u32
    }

    #[test]
    fn windows_align_like_go() {
        assert_eq!(T0 % 60, 0);
        let l = dash();
        let s = l.check(RateKey::Unknown, at(59));
        assert_eq!(s.reset, (T0 + 60) as i64);
        assert_eq!(l.check(RateKey::Unknown, at(60)).reset, (T0 + 120) as i64);
    }

    #[test]
    fn six_hundred_pass_and_the_next_is_refused() {
        let l = dash();
        let key = v4(&l, "192.0.2.1");
        for i in 1..=600 {
            let s = l.check(key, at(5));
            assert!(s.allowed, "request {i} refused");
            assert_eq!(s.remaining, 600 - i64::from(i));
        }
        let s = l.check(key, at(59));
        assert!(!s.allowed);
        assert_eq!((s.remaining, s.retry_after, s.limit), (0, 60, 600));
        let mut headers = HeaderMap::new();
        s.apply(&mut headers);
        assert_eq!(headers[header::RETRY_AFTER], "60");
        assert_eq!(headers[X_RATELIMIT_LIMIT], "600");
        assert_eq!(headers[X_RATELIMIT_REMAINING], "0");
        assert_eq!(headers[X_RATELIMIT_RESET], (T0 + 60).to_string().as_str());
        // Refusals are not counted: still refused, still remaining 0.
        assert_eq!(l.check(key, at(59)).remaining, 0);
    }

    #[test]
    fn one_bucket_per_ipv4_24() {
        let l = dash();
        let a = v4(&l, "192.0.2.1");
        let b = v4(&l, "192.0.2.254");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "v4:192.0.2.0/24");
        assert_eq!(send(&l, a, at(1), 300), 300);
        assert_eq!(send(&l, b, at(1), 301), 300);
        let other = v4(&l, "192.0.3.1");
        assert_ne!(other, a);
        assert!(l.check(other, at(1)).allowed);
        assert!(!l.check(a, at(1)).allowed);
    }

    #[test]
    fn one_bucket_per_ipv6_40() {
        let l = dash();
        let a = v4(&l, "2001:db8:ab::1");
        let b = v4(&l, "2001:db8:ff:ffff::2");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "v6:2001:db8::/40");
        let c = v4(&l, "2001:db9::1");
        assert_ne!(a, c);
        assert_eq!(send(&l, a, at(0), 600), 600);
        assert!(!l.check(b, at(0)).allowed);
        assert!(l.check(c, at(0)).allowed);
        // A mapped IPv4 address from a header is IPv6 to Go's netip: `::/40`.
        assert_eq!(v4(&l, "::ffff:192.0.2.1").to_string(), "v6:::/40");
        assert_eq!(l.key_for(None).to_string(), "unknown");
    }

    #[test]
    fn the_window_slides() {
        let l = dash();
        let key = v4(&l, "198.51.100.9");
        assert_eq!(send(&l, key, at(10), 700), 600);
        // Next window's start: the full previous window still weighs 600.
        assert!(!l.check(key, at(60)).allowed);
        // Halfway through it, the previous window weighs 300: 300 more pass.
        assert_eq!(send(&l, key, at(90), 400), 300);
        // After a gap of more than one window nothing is remembered.
        assert_eq!(send(&l, key, at(240), 700), 600);
        // A clock that goes backwards starts over, as httprate does.
        assert_eq!(send(&l, key, at(0), 700), 600);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        let l = limiter(RateLimitOptions {
            requests: 3,
            ..RateLimitOptions::new(RateLimitMode::AllRequests)
        });
        let key = RateKey::Unknown;
        assert_eq!(send(&l, key, at(0), 3), 3);
        // 45 s into the next window: 3 × 15/60 = 0.75 → 1; two more pass.
        assert_eq!(send(&l, key, at(105), 3), 2);
        let l = limiter(RateLimitOptions {
            requests: 2,
            ..RateLimitOptions::new(RateLimitMode::AllRequests)
        });
        assert_eq!(send(&l, key, at(0), 1), 1);
        // 30 s in: 1 × 0.5 = 0.5 → 1; one more passes.
        assert_eq!(send(&l, key, at(90), 2), 1);
    }

    #[test]
    fn memory_is_bounded_and_busy_buckets_survive() {
        let l = limiter(RateLimitOptions {
            max_keys: 8,
            ..RateLimitOptions::new(RateLimitMode::AllRequests)
        });
        let busy = v4(&l, "203.0.113.1");
        assert_eq!(send(&l, busy, at(0), 590), 590);
        for n in 0..10_000u32 {
            let ip = std::net::Ipv4Addr::from(0x0a00_0000 + (n << 8));
            assert!(l.check(l.key_for(Some(ip.into())), at(1)).allowed);
            assert!(l.tracked_keys() <= 8);
        }
        // The busy bucket was never evicted: 10 more pass, the 11th does not.
        assert_eq!(send(&l, busy, at(2), 11), 10);
        // Old windows are dropped as time passes.
        l.check(busy, at(600));
        assert_eq!(l.tracked_keys(), 1);
    }

    #[test]
    fn defaults_and_normalization() {
        let l = limiter(RateLimitOptions {
            requests: 0,
            window: Duration::ZERO,
            ipv4_prefix_bits: 0,
            ipv6_prefix_bits: 200,
            ..RateLimitOptions::default()
        });
        assert_eq!(v4(&l, "192.0.2.7").to_string(), "v4:192.0.2.7/32");
        assert_eq!(v4(&l, "2001:db8::7").to_string(), "v6:2001:db8::7/128");
        assert_eq!(send(&l, RateKey::Unknown, at(0), 61), 60);
        assert_eq!(l.check(RateKey::Unknown, at(0)).retry_after, 60);
        let before_1970 = limiter(RateLimitOptions::default());
        assert!(
            before_1970
                .check(RateKey::Unknown, UNIX_EPOCH - Duration::from_secs(5))
                .allowed
        );
    }

    #[test]
    fn modes_parse_and_print() {
        for mode in [
            RateLimitMode::AllRequests,
            RateLimitMode::FailedAuth,
            RateLimitMode::Off,
        ] {
            assert_eq!(mode.to_string().parse::<RateLimitMode>(), Ok(mode));
        }
        assert_eq!("Failed-Auth".parse(), Ok(RateLimitMode::FailedAuth));
        assert_eq!(RateLimitMode::default(), RateLimitMode::FailedAuth);
        let e = "0.2.7".parse::<RateLimitMode>().unwrap_err();
        assert!(e.to_string().contains("\"0.2.7\""), "{e}");
    }
}
