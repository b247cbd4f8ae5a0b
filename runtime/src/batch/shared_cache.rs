use crate::cache::CacheConfig;
use crate::cache::entry::Deadlines;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
// tokio's clock is std's, except in a runtime whose time is paused.
use tokio::time::Instant;

/// A moka cache of loaded values that outlives one loader: loaders made per
/// request and given the same `SharedCache` fetch each key once until it expires
/// or is invalidated.
///
/// Cloning it is cheap and shares the cache.
///
/// The config's freshness policies that concern stored values apply:
/// [jitter](CacheConfig::with_jitter) spreads each entry's time to live, and
/// [`stale_if_error`](CacheConfig::with_stale_if_error) keeps an expired value
/// for that window, served to the keys of a failed batch instead of its error
/// and, for the [error back-off](CacheConfig::with_error_backoff), to later
/// loads without asking the batch function again;
/// [`refresh_ahead`](CacheConfig::with_refresh_ahead) makes the first load past
/// that point put the key in a batch, in the background, and answer from the
/// cache meanwhile.
///
/// ```
/// use std::time::Duration;
/// use unokit::batch::SharedCache;
/// use unokit::cache::CacheConfig;
///
/// let cache: SharedCache<u64, String> = SharedCache::new(CacheConfig::new().with_capacity(10_000).with_ttl(Duration::from_secs(60)));
/// cache.insert(1, "ada".to_owned());
/// assert_eq!(cache.get(&1).as_deref(), Some("ada"));
/// cache.invalidate(&1);
/// assert_eq!(cache.get(&1), None);
/// ```
pub struct SharedCache<K, V> {
    moka: moka::sync::Cache<K, Stored<V>, foldhash::fast::RandomState>,
    /// Shared, as the moka handle is: a loader's store stays small.
    config: Arc<CacheConfig>,
}

/// A value with its own deadline: moka keeps entries for the longest time to
/// live (jitter and stale window included), each entry for its own, shorter one.
#[derive(Clone)]
struct Stored<V> {
    value: V,
    expires: Option<Instant>,
    /// Until then a failed key serves its stale value without a batch.
    backoff_until: Option<Instant>,
    /// From then a hit refreshes the value ahead of its expiry (`refresh_ahead`).
    refresh: Option<Instant>,
    /// Set by the one hit that starts the refresh; shared by moka's clones.
    refreshing: Option<Arc<AtomicBool>>,
}

impl<V> Stored<V> {
    /// Fresh, or expired less than `window` ago.
    fn is_servable_stale(&self, now: Instant, window: Option<std::time::Duration>) -> bool {
        match (self.expires, window) {
            (None, _) => true,
            (Some(expires), Some(window)) => now < expires + window,
            (Some(expires), None) => now < expires,
        }
    }
}

impl<K, V> Clone for SharedCache<K, V> {
    fn clone(&self) -> Self {
        Self {
            moka: self.moka.clone(),
            config: Arc::clone(&self.config),
        }
    }
}

impl<K, V> SharedCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// An empty cache bounded by `config`'s capacity, time to live and time to
    /// idle, with its jitter and stale window.
    #[must_use]
    pub fn new(config: CacheConfig) -> Self {
        let mut builder = moka::sync::Cache::builder().max_capacity(config.capacity());
        if let Some(ttl) = config.moka_ttl() {
            builder = builder.time_to_live(ttl);
        }
        if let Some(tti) = config.tti() {
            builder = builder.time_to_idle(tti);
        }
        Self {
            moka: builder.build_with_hasher(foldhash::fast::RandomState::default()),
            config: Arc::new(config),
        }
    }

    /// The cached value of `key`: fresh, or stale while the key backs off after
    /// a failed batch.
    #[must_use]
    pub fn get(&self, key: &K) -> Option<V> {
        self.read(key, false).map(|(value, _)| value)
    }

    /// Like [`get`](Self::get), for a load: also says whether this hit is the
    /// one that refreshes the value ahead of its expiry.
    pub(crate) fn lookup(&self, key: &K) -> Option<(V, bool)> {
        self.read(key, true)
    }

    #[inline]
    fn read(&self, key: &K, claim_refresh: bool) -> Option<(V, bool)> {
        let stored = self.moka.get(key)?;
        // Without a time to live, no clock is read.
        let Some(expires) = stored.expires else {
            return Some((stored.value, false));
        };
        let now = Instant::now();
        if now < expires {
            let refresh = claim_refresh
                && stored.refresh.is_some_and(|refresh| now >= refresh)
                && stored.refreshing.as_ref().is_some_and(|refreshing| {
                    !refreshing.load(Relaxed) && !refreshing.swap(true, Relaxed)
                });
            return Some((stored.value, refresh));
        }
        let backing_off = stored.backoff_until.is_some_and(|until| now < until)
            && stored.is_servable_stale(now, self.config.stale_if_error());
        backing_off.then_some((stored.value, false))
    }

    /// Stores `value` for `key`, with a time to live of its own (jittered if
    /// the config says so).
    pub fn insert(&self, key: K, value: V) {
        let deadlines = Deadlines::of(&self.config, false);
        self.moka.insert(
            key,
            Stored {
                value,
                expires: deadlines.expires,
                backoff_until: None,
                refresh: deadlines.refresh,
                refreshing: deadlines.refresh.map(|_| Arc::new(AtomicBool::new(false))),
            },
        );
    }

    /// Forgets `key`.
    pub fn invalidate(&self, key: &K) {
        self.moka.invalidate(key);
    }

    /// Forgets every key.
    pub fn invalidate_all(&self) {
        self.moka.invalidate_all();
    }

    /// The number of entries, as of moka's last maintenance.
    #[must_use]
    pub fn entry_count(&self) -> u64 {
        self.moka.entry_count()
    }

    /// Runs moka's pending maintenance now: evictions, expirations, counts.
    pub fn run_pending_tasks(&self) {
        self.moka.run_pending_tasks();
    }
}

impl<K, V> SharedCache<K, V>
where
    K: Clone + Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Whether failed batches may be answered from stale values.
    pub(crate) fn serves_stale(&self) -> bool {
        self.config.stale_if_error().is_some()
    }

    /// After a failed batch: the value of `key` if it expired less than the
    /// `stale_if_error` window ago (or is still fresh), which then stands in for
    /// the error until the error back-off has passed. `None` without the policy.
    pub(crate) fn rescue(&self, key: &K) -> Option<V> {
        let window = self.config.stale_if_error()?;
        let stored = self.moka.get(key)?;
        let now = Instant::now();
        if !stored.is_servable_stale(now, Some(window)) {
            return None;
        }
        let value = stored.value.clone();
        let backoff_until = Some(now + self.config.error_backoff());
        // Only the value read above is marked: one stored meanwhile stays as is.
        self.moka
            .entry(key.clone())
            .and_compute_with(|current| match current {
                Some(entry) if entry.value().expires == stored.expires => {
                    moka::ops::compute::Op::Put(Stored {
                        backoff_until,
                        ..entry.into_value()
                    })
                }
                _ => moka::ops::compute::Op::Nop,
            });
        Some(value)
    }
}

impl<K, V> std::fmt::Debug for SharedCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCache")
            .field("entries", &self.moka.entry_count())
            .finish_non_exhaustive()
    }
}
