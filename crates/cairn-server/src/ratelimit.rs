//! A token bucket per client address for requests that fail to
//! authenticate: each 401 on a mutating route is an audit entry, so without
//! a bound one client could grow the log (and its fsyncs) without limit.
//! Over the bound the answer is 429, and nothing is written.
//!
//! In memory, by IP address (a client's port changes per connection). The
//! table is bounded: when it grows past `MAX_ADDRESSES`, buckets that have
//! refilled are dropped first (they carry no state worth keeping), then the
//! whole table if that is not enough (a flood from that many addresses is
//! not one this bound can stop anyway).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

const MAX_ADDRESSES: usize = 10_000;

/// Failed authentications allowed per address: `per_minute`, in bursts of as many.
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` per address (0: no limit).
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip`; false when its bucket is empty.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let cap = f64::from(self.per_minute);
        let Ok(mut b) = self.buckets.lock() else {
            return true;
        };
        if b.len() >= MAX_ADDRESSES && !b.contains_key(&ip) {
            let rate = cap / 60.0;
            b.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < cap
            });
            if b.len() >= MAX_ADDRESSES {
                b.clear();
            }
        }
        let (tokens, at) = b.entry(ip).or_insert((cap, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * cap / 60.0).min(cap);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_then_the_rate_per_address() {
        let l = RateLimiter::new(6);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t = Instant::now();
        assert_eq!((0..10).filter(|_| l.allow(a, t)).count(), 6);
        assert!(l.allow(b, t), "another address has its own bucket");
        assert!(!l.allow(a, t + Duration::from_secs(5)));
        assert!(
            l.allow(a, t + Duration::from_secs(11)),
            "one token per 10 s"
        );
    }
}
