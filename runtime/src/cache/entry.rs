//! One cached result and what decides whether it may still be served.

use super::config::CacheConfig;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::Duration;
// tokio's clock is std's, except in a runtime whose time is paused
// (`tokio::time::pause`), where tests move it by hand.
use tokio::time::Instant;

/// One cached result with the owned key it was computed for.
///
/// Moka maps a key's keyed hash to its entry; a lookup compares the entry's key
/// with the call's borrowed arguments, so hash collisions never return
/// another key's value. Entries are shared by moka and by the threads' front
/// tables, so an entry that leaves moka is marked dead rather than freed.
///
/// Each entry carries its own deadlines, computed when it is stored: its time to
/// live may be jittered or be the shorter one of `None`, and the refresh-ahead
/// point is one comparison on the hit that reads the clock anyway.
///
/// The fields are in the order a hit reads them, and the refresh-ahead point,
/// which most hits do not read, last: among many keys a hit's entry is out of
/// the processor's caches, and each cache line it spans is a miss.
#[repr(C)]
pub(crate) struct Entry<K, V> {
    generation: u64,
    dead: AtomicBool,
    /// Set by the one hit that starts this entry's refresh-ahead.
    refreshing: AtomicBool,
    expires: Option<Instant>,
    pub(crate) key: K,
    pub(crate) value: V,
    refresh: Option<Instant>,
}

/// When an entry expires, and when a hit should refresh it ahead.
#[derive(Clone, Copy)]
pub(crate) struct Deadlines {
    pub(crate) expires: Option<Instant>,
    pub(crate) refresh: Option<Instant>,
}

/// What a hit found, for a cache with refresh-ahead.
pub(crate) enum Freshness {
    Fresh,
    /// Fresh, and this hit is the one that refreshes it.
    Refresh,
    Expired,
}

impl Deadlines {
    /// The deadlines of an entry stored now under `config`; `absent` is a cached
    /// `None`, which lives [`none_ttl`](CacheConfig::none_ttl) if given.
    pub(crate) fn of(config: &CacheConfig, absent: bool) -> Self {
        let ttl = if absent {
            config.none_ttl().or(config.ttl())
        } else {
            config.ttl()
        };
        let Some(ttl) = ttl else {
            return Self {
                expires: None,
                refresh: None,
            };
        };
        let ttl = jittered(ttl, config.jitter());
        let now = Instant::now();
        Self {
            expires: Some(now + ttl),
            refresh: config
                .refresh_ahead()
                .map(|permille| now + ttl * u32::from(permille) / 1000),
        }
    }
}

impl Deadlines {
    /// These deadlines, expiring no later than `cap` from now: an entry copied
    /// from the Redis tier must not outlive it there.
    pub(crate) fn capped(mut self, cap: Option<Duration>) -> Self {
        if let Some(cap) = cap {
            let latest = Instant::now() + cap;
            if self.expires.is_none_or(|expires| expires > latest) {
                self.expires = Some(latest);
            }
            if self.refresh.is_some_and(|refresh| refresh > latest) {
                self.refresh = Some(latest);
            }
        }
        self
    }
}

/// `ttl` moved by up to `permille` thousandths either way, at random.
fn jittered(ttl: Duration, permille: u16) -> Duration {
    if permille == 0 {
        return ttl;
    }
    // A splitmix64 step over a shared counter: spread, not secrecy.
    static STATE: AtomicU64 = AtomicU64::new(0x853C_49E6_748F_EA9B);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Relaxed);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    // A point in [0, 2 * permille] thousandths, in millionths for resolution.
    let span = u64::from(permille) * 2000 + 1;
    let offset = x % span;
    let micros_of = |parts: u64| ttl.as_nanos() * u128::from(parts) / 1_000_000;
    let low = ttl.as_nanos() - micros_of(u64::from(permille) * 1000);
    let nanos = low + micros_of(offset);
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

impl<K, V> Entry<K, V> {
    pub(crate) fn new(key: K, value: V, generation: u64, deadlines: Deadlines) -> Self {
        Self {
            generation,
            dead: AtomicBool::new(false),
            refreshing: AtomicBool::new(false),
            expires: deadlines.expires,
            key,
            value,
            refresh: deadlines.refresh,
        }
    }

    pub(crate) fn kill(&self) {
        self.dead.store(true, Relaxed);
    }

    pub(crate) fn is_dead(&self) -> bool {
        self.dead.load(Relaxed)
    }

    #[inline]
    pub(crate) fn is_live(&self, generation: u64) -> bool {
        !self.dead.load(Relaxed)
            && self.generation == generation
            && self.expires.is_none_or(|expires| Instant::now() < expires)
    }

    /// Like [`is_live`](Self::is_live), reading the clock once for both deadlines;
    /// claims the refresh when it is due and nobody has.
    #[inline]
    pub(crate) fn freshness(&self, generation: u64) -> Freshness {
        if self.dead.load(Relaxed) || self.generation != generation {
            return Freshness::Expired;
        }
        let Some(expires) = self.expires else {
            return Freshness::Fresh;
        };
        let now = Instant::now();
        if now >= expires {
            Freshness::Expired
        } else if self.refresh.is_some_and(|refresh| now >= refresh)
            && !self.refreshing.load(Relaxed)
            && !self.refreshing.swap(true, Relaxed)
        {
            Freshness::Refresh
        } else {
            Freshness::Fresh
        }
    }

    /// Lets the next hit refresh the entry again (the last refresh failed).
    pub(crate) fn release_refresh(&self) {
        self.refreshing.store(false, Relaxed);
    }

    /// Whether the entry expired less than `window` ago (and was not removed).
    pub(crate) fn is_stale_within(&self, generation: u64, window: Duration) -> bool {
        !self.dead.load(Relaxed)
            && self.generation == generation
            && self
                .expires
                .is_none_or(|expires| Instant::now() < expires + window)
    }
}

#[cfg(test)]
mod tests {
    use super::jittered;
    use std::time::Duration;

    #[test]
    fn jitter_stays_within_its_bounds_and_spreads() {
        let ttl = Duration::from_secs(100);
        let spread: Vec<Duration> = (0..1000).map(|_| jittered(ttl, 100)).collect();
        let (min, max) = (spread.iter().min().unwrap(), spread.iter().max().unwrap());
        assert!(*min >= Duration::from_secs(90) && *max <= Duration::from_secs(110));
        assert!(*max - *min > Duration::from_secs(15), "{min:?}..{max:?}");
        assert_eq!(jittered(ttl, 0), ttl);
    }
}
