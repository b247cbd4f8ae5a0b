use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

/// A snapshot of a cache's counters.
///
/// ```
/// use unokit::cache::CacheStats;
///
/// let stats = CacheStats { hits: 3, misses: 1, entries: 1, ..CacheStats::default() };
/// assert_eq!(stats.hit_rate(), 0.75);
/// assert_eq!(CacheStats::default().hit_rate(), 0.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Calls answered from the cache, including calls that waited for another
    /// caller computing the same key.
    pub hits: u64,
    /// Calls that the in-process cache did not answer: they ran the function's
    /// body, or, with `#[cached(l2)]`, were answered from Redis
    /// ([`l2_hits`](Self::l2_hits)).
    pub misses: u64,
    /// Entries in the cache. Moka counts them as it applies pending writes, so the
    /// number can lag; `run_pending_tasks` brings it up to date.
    pub entries: u64,
    /// Calls answered with an expired value because the body failed
    /// (`stale_if_error`) or was slow (`timeout`); counted apart from hits and
    /// misses.
    pub stale: u64,
    /// With `#[cached(l2)]`: local misses answered from the Redis tier.
    pub l2_hits: u64,
    /// With `#[cached(l2)]`: local misses that Redis had no usable entry for.
    pub l2_misses: u64,
    /// With `#[cached(l2)]`: local misses served without Redis, because no
    /// tier is installed ([`l2::install`](crate::cache::l2::install)) or it
    /// failed, timed out or was skipped by its open breaker. A function whose
    /// counts all land here runs on its in-process cache alone.
    pub l2_unavailable: u64,
    /// With `#[cached(l2)]`: computed values stored in Redis (written behind
    /// the caller).
    pub l2_writes: u64,
    /// With `#[cached(l2)]`: local misses that Redis did not answer within
    /// the tier's [`hedge_after`](crate::cache::l2::TierConfig::with_hedge_after),
    /// so that the body started too. Their lookups still end, in the
    /// background, and are counted as they end (a hit, a miss, unavailable).
    pub l2_hedged: u64,
    /// With `#[cached(l2)]`: Redis hits recomputed ahead of their expiry
    /// (XFetch: the nearer the expiry and the slower the body, the likelier),
    /// so that a hot key is refreshed by about one caller across instances.
    pub l2_early: u64,
    /// Entries evicted to keep the cache within its capacity (in entries or
    /// bytes), as of moka's last maintenance; expired and invalidated entries
    /// are not counted.
    pub evictions: u64,
}

impl CacheStats {
    /// `hits / (hits + misses)`, or `0.0` before the first call.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn hit_rate(&self) -> f64 {
        let calls = self.hits + self.misses;
        if calls == 0 {
            0.0
        } else {
            self.hits as f64 / calls as f64
        }
    }
}

/// Hit and miss counters, striped by thread so that threads hitting one hot key
/// do not fight over one cache line.
pub(crate) struct Counters {
    stripes: [Stripe; STRIPES],
}

pub(crate) const STRIPES: usize = 8;

#[repr(align(128))]
struct Stripe {
    hits: AtomicU64,
    misses: AtomicU64,
    stale: AtomicU64,
}

impl Counters {
    pub(crate) const fn new() -> Self {
        Self {
            stripes: [const {
                Stripe {
                    hits: AtomicU64::new(0),
                    misses: AtomicU64::new(0),
                    stale: AtomicU64::new(0),
                }
            }; STRIPES],
        }
    }

    #[inline]
    pub(crate) fn hit(&self) {
        self.stripes[stripe()].hits.fetch_add(1, Relaxed);
    }

    pub(crate) fn miss(&self) {
        self.stripes[stripe()].misses.fetch_add(1, Relaxed);
    }

    pub(crate) fn stale(&self) {
        self.stripes[stripe()].stale.fetch_add(1, Relaxed);
    }

    pub(crate) fn snapshot(&self, entries: u64) -> CacheStats {
        let (hits, misses) = self.stripes.iter().fold((0, 0), |(hits, misses), stripe| {
            (
                hits + stripe.hits.load(Relaxed),
                misses + stripe.misses.load(Relaxed),
            )
        });
        let stale = self
            .stripes
            .iter()
            .map(|stripe| stripe.stale.load(Relaxed))
            .sum();
        CacheStats {
            hits,
            misses,
            entries,
            stale,
            ..CacheStats::default()
        }
    }
}

/// This thread's stripe, one of [`STRIPES`].
#[inline]
pub(crate) fn stripe() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static STRIPE: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    STRIPE
        .try_with(|stripe| {
            if stripe.get() == usize::MAX {
                stripe.set(NEXT.fetch_add(1, Relaxed) % STRIPES);
            }
            stripe.get()
        })
        .unwrap_or(0)
}
