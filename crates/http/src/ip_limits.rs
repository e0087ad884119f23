//! Per-IP token buckets kept in memory, with the map of addresses pruned as it is used.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::NoOpMiddleware,
    state::keyed::DefaultKeyedStateStore,
};

/// Every this many checks, addresses whose bucket is full again are dropped from the map.
pub const PRUNE_EVERY: u64 = 1024;

/// One quota per client address (per instance).
pub struct IpLimiter<C: Clock = DefaultClock> {
    limiter: RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, C, NoOpMiddleware<C::Instant>>,
    checks: AtomicU64,
}

impl IpLimiter {
    /// `per_second` requests per second per address with bursts of `burst`.
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self::with_clock(per_second, burst, DefaultClock::default())
    }
}

impl<C: Clock> IpLimiter<C> {
    fn with_clock(per_second: u32, burst: u32, clock: C) -> Self {
        let per_second = NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(per_second).allow_burst(burst);
        Self {
            limiter: RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one token for `ip`, or says how long to wait (at least a second, for `Retry-After`).
    /// Every [`PRUNE_EVERY`] calls the map is pruned first, so it holds only recently active addresses.
    pub fn check(&self, ip: &IpAddr) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.prune();
        }
        self.limiter.check_key(ip).map_err(|not_until| {
            not_until.wait_time_from(self.limiter_clock_now()).max(Duration::from_secs(1))
        })
    }

    /// Drops addresses whose bucket is indistinguishable from a fresh one and releases the memory.
    pub fn prune(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }

    /// Addresses currently held.
    pub fn tracked(&self) -> usize {
        self.limiter.len()
    }

    fn limiter_clock_now(&self) -> C::Instant {
        self.limiter.clock().now()
    }
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    fn ip(n: u32) -> IpAddr {
        IpAddr::from(n.to_be_bytes())
    }

    #[test]
    fn the_burst_is_granted_then_refused_with_a_wait_of_at_least_a_second() {
        let limiter = IpLimiter::with_clock(1, 3, FakeRelativeClock::default());
        for _ in 0..3 {
            assert_eq!(limiter.check(&ip(1)), Ok(()));
        }
        assert!(limiter.check(&ip(1)).is_err_and(|wait| wait >= Duration::from_secs(1)));
        assert_eq!(limiter.check(&ip(2)), Ok(()), "another address has its own bucket");
    }

    #[test]
    fn pruning_forgets_addresses_whose_bucket_refilled_and_keeps_busy_ones() {
        let clock = FakeRelativeClock::default();
        let limiter = IpLimiter::with_clock(10, 5, clock.clone());
        for n in 0..500 {
            assert_eq!(limiter.check(&ip(n)), Ok(()));
        }
        assert_eq!(limiter.tracked(), 500);
        clock.advance(Duration::from_secs(2));
        for _ in 0..5 {
            let _ = limiter.check(&ip(7));
        }
        limiter.prune();
        assert_eq!(limiter.tracked(), 1, "only the address still inside its window is kept");
    }

    #[test]
    fn the_map_is_pruned_by_use_alone() {
        let clock = FakeRelativeClock::default();
        let limiter = IpLimiter::with_clock(10, 5, clock.clone());
        for n in 0..u32::try_from(PRUNE_EVERY).unwrap_or(1024) - 1 {
            let _ = limiter.check(&ip(n));
        }
        clock.advance(Duration::from_secs(2));
        let _ = limiter.check(&ip(u32::MAX));
        assert!(limiter.tracked() <= 1, "{} addresses kept", limiter.tracked());
    }
}
