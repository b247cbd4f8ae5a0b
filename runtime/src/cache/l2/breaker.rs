//! A circuit breaker: after a run of failures the tier is skipped for a while,
//! so that an unreachable Redis costs each call two atomic loads instead of a
//! timeout; then one call probes it.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Where the breaker stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls go to Redis.
    Closed,
    /// Calls skip Redis until the open time has passed.
    Open,
    /// The open time has passed: the next call probes Redis; its outcome closes
    /// or reopens the breaker.
    HalfOpen,
}

pub(crate) struct Breaker {
    threshold: u32,
    open_for: Duration,
    failures: AtomicU32,
    /// Milliseconds since [`epoch`] until which the breaker is open; 0: closed.
    open_until: AtomicU64,
    /// A probe is in flight while half-open.
    probing: AtomicBool,
    opened: AtomicU64,
}

impl Breaker {
    pub(crate) fn new(threshold: u32, open_for: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            open_for,
            failures: AtomicU32::new(0),
            open_until: AtomicU64::new(0),
            probing: AtomicBool::new(false),
            opened: AtomicU64::new(0),
        }
    }

    /// Whether this call may go to Redis: always while closed; never while
    /// open; once the open time has passed, for one probe at a time.
    #[inline]
    pub(crate) fn allow(&self) -> bool {
        let until = self.open_until.load(Ordering::Acquire);
        if until == 0 {
            return true;
        }
        if now_ms() < until {
            return false;
        }
        self.probing
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    pub(crate) fn succeeded(&self) {
        self.failures.store(0, Ordering::Relaxed);
        if self.open_until.load(Ordering::Acquire) != 0 {
            self.open_until.store(0, Ordering::Release);
            self.probing.store(false, Ordering::Release);
        }
    }

    pub(crate) fn failed(&self) {
        let probing = self.probing.load(Ordering::Acquire);
        let failures = self.failures.fetch_add(1, Ordering::AcqRel) + 1;
        if probing || failures >= self.threshold {
            let until = now_ms() + u64::try_from(self.open_for.as_millis()).unwrap_or(u64::MAX / 2);
            // Opening from closed, or reopening after a failed probe.
            if self.open_until.swap(until, Ordering::AcqRel) == 0 || probing {
                self.opened.fetch_add(1, Ordering::Relaxed);
            }
            self.probing.store(false, Ordering::Release);
        }
    }

    pub(crate) fn state(&self) -> BreakerState {
        match self.open_until.load(Ordering::Acquire) {
            0 => BreakerState::Closed,
            until if now_ms() < until => BreakerState::Open,
            _ => BreakerState::HalfOpen,
        }
    }

    /// How many times the breaker has opened.
    pub(crate) fn times_opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }
}

/// Milliseconds since the first call, at least 1 (0 means "closed").
fn now_ms() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX / 2) + 1
}

#[cfg(test)]
mod tests {
    use super::{Breaker, BreakerState};
    use std::time::Duration;

    #[test]
    fn opens_after_the_threshold_then_lets_one_probe_through() {
        let breaker = Breaker::new(3, Duration::from_millis(30));
        for _ in 0..2 {
            assert!(breaker.allow());
            breaker.failed();
        }
        assert_eq!(breaker.state(), BreakerState::Closed);
        breaker.failed();
        assert_eq!(breaker.state(), BreakerState::Open);
        assert!(!breaker.allow());
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(breaker.state(), BreakerState::HalfOpen);
        assert!(breaker.allow(), "one probe");
        assert!(!breaker.allow(), "only one");
        breaker.failed();
        assert_eq!(
            breaker.state(),
            BreakerState::Open,
            "a failed probe reopens"
        );
        std::thread::sleep(Duration::from_millis(40));
        assert!(breaker.allow());
        breaker.succeeded();
        assert_eq!(breaker.state(), BreakerState::Closed);
        assert!(breaker.allow() && breaker.allow());
        assert_eq!(breaker.times_opened(), 2);
    }
}
