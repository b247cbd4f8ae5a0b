//! One cached result and what decides whether it may still be served.

use super::config::CacheConfig;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;
// tokio's clock is std's, except in a runtime whose time is paused
// (`tokio::time::pause`), where tests move it by hand.
use tokio::time::Instant;

/// One cached result with the owned key it was computed for, stored inline in
/// the [`Table`](super::table::Table).
///
/// The table maps a key's keyed hash to its entry; a lookup compares the entry's
/// key with the call's borrowed arguments, so hash collisions never return
/// another key's value. Moka holds only the entry's [`Stamp`], for its eviction
/// policy: when it lets the stamp go, its listener takes the entry with that
/// [`id`](Self::id) out of the table.
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
    /// Which entry of the key this is, so that moka's stamp of an entry that was
    /// replaced since never removes its successor.
    pub(crate) id: u64,
    expires: Deadline,
    pub(crate) key: K,
    pub(crate) value: V,
    /// When a hit should refresh it ahead; [`NEVER`] once the hit that starts the
    /// refresh has claimed it.
    refresh: AtomicI64,
}

/// What moka keeps of an entry: which one it is, and its weight when the cache
/// is bounded in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) id: u64,
    pub(crate) weight: u32,
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
        // Distinct for the process's life: 2^64 stores are never reached.
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Self {
            generation,
            id: NEXT_ID.fetch_add(1, Relaxed),
            expires: deadlines.expires.map_or(NEVER, Clock::nanos),
            key,
            value,
            refresh: AtomicI64::new(deadlines.refresh.map_or(NEVER, Clock::nanos)),
        }
    }

    #[inline]
    pub(crate) fn is_live(&self, generation: u64) -> bool {
        self.generation == generation && (self.expires == NEVER || Clock::now() < self.expires)
    }

    /// Like [`is_live`](Self::is_live), reading the clock once for both deadlines;
    /// claims the refresh when it is due and nobody has.
    #[inline]
    pub(crate) fn freshness(&self, generation: u64) -> Freshness {
        if self.generation != generation {
            return Freshness::Expired;
        }
        if self.expires == NEVER {
            return Freshness::Fresh;
        }
        let now = Clock::now();
        let refresh = self.refresh.load(Relaxed);
        if now >= self.expires {
            Freshness::Expired
        } else if now >= refresh
            && self
                .refresh
                .compare_exchange(refresh, NEVER, Relaxed, Relaxed)
                .is_ok()
        {
            Freshness::Refresh
        } else {
            Freshness::Fresh
        }
    }

    /// Lets the next hit refresh the entry again (the last refresh failed).
    pub(crate) fn release_refresh(&self) {
        // Any point already passed will do.
        self.refresh.store(Clock::now(), Relaxed);
    }

    /// Whether the entry expired less than `window` ago (and was not removed by
    /// an `invalidate_all`).
    pub(crate) fn is_stale_within(&self, generation: u64, window: Duration) -> bool {
        stale_within(self.generation, self.expires, generation, window)
    }

    /// The entry as an expired value that may still be served: a copy of the
    /// value, with what decides for how long.
    pub(crate) fn to_stale(&self) -> Stale<V>
    where
        V: Clone,
    {
        Stale {
            value: self.value.clone(),
            generation: self.generation,
            expires: self.expires,
        }
    }
}

/// A copy of an entry's value taken to be served stale (see [`Entry::to_stale`]):
/// the entry itself may be replaced or removed meanwhile.
pub(crate) struct Stale<V> {
    pub(crate) value: V,
    generation: u64,
    expires: Deadline,
}

impl<V> Stale<V> {
    /// Whether the entry expired less than `window` ago (and was not removed
    /// by an `invalidate_all`).
    pub(crate) fn is_stale_within(&self, generation: u64, window: Duration) -> bool {
        stale_within(self.generation, self.expires, generation, window)
    }
}

fn stale_within(stored: u64, expires: Deadline, generation: u64, window: Duration) -> bool {
    stored == generation
        && (expires == NEVER || Clock::now() < expires.saturating_add(Clock::span(window)))
}

/// A point in time on the [`Clock`]: 8 bytes where an `Option<Instant>` takes
/// 16, in every entry of the table.
type Deadline = i64;

/// No deadline: later than any [`Clock`] reading.
const NEVER: Deadline = i64::MAX;

/// The clock deadlines are kept on: signed nanoseconds from its first reading
/// in the process.
struct Clock;

impl Clock {
    fn origin() -> std::time::Instant {
        static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
        *ORIGIN.get_or_init(std::time::Instant::now)
    }

    #[inline]
    fn now() -> Deadline {
        Self::nanos(Instant::now())
    }

    /// `at` on this clock. A paused tokio clock may read earlier than the
    /// origin: those readings are negative.
    fn nanos(at: Instant) -> Deadline {
        let (at, origin) = (at.into_std(), Self::origin());
        match at.checked_duration_since(origin) {
            Some(after) => Self::span(after),
            None => -Self::span(origin.duration_since(at)),
        }
    }

    fn span(span: Duration) -> Deadline {
        // 292 years: a longer span is as good as never.
        i64::try_from(span.as_nanos()).unwrap_or(NEVER - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deadlines kept on the entry's clock compare as the instants they came
    /// from, also before the clock's origin (a paused tokio clock); a refresh is
    /// claimed by one hit, and again once released.
    #[test]
    fn deadlines_keep_their_order_and_a_refresh_is_claimed_once() {
        let now = Instant::now();
        assert!(Clock::nanos(now) < Clock::nanos(now + Duration::from_nanos(1)));
        if let Some(earlier) = now.checked_sub(Duration::from_secs(3600)) {
            assert!(Clock::nanos(earlier) < 0);
            assert!(Clock::nanos(earlier) < Clock::nanos(now));
        }
        let live = Entry::new(
            0,
            0,
            0,
            Deadlines {
                expires: Some(now + Duration::from_secs(60)),
                refresh: now.checked_sub(Duration::from_secs(1)),
            },
        );
        assert!(live.is_live(0) && !live.is_live(1));
        assert!(matches!(live.freshness(0), Freshness::Refresh));
        assert!(matches!(live.freshness(0), Freshness::Fresh));
        live.release_refresh();
        assert!(matches!(live.freshness(0), Freshness::Refresh));
        assert!(live.to_stale().is_stale_within(0, Duration::ZERO));
        if let Some(past) = now.checked_sub(Duration::from_secs(2)) {
            let expired = Entry::new(
                0,
                0,
                0,
                Deadlines {
                    expires: Some(past),
                    refresh: None,
                },
            );
            assert!(!expired.is_live(0));
            assert!(matches!(expired.freshness(0), Freshness::Expired));
            assert!(expired.is_stale_within(0, Duration::from_secs(60)));
            assert!(!expired.is_stale_within(0, Duration::from_secs(1)));
        }
    }

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
