use std::time::Duration;

/// How a function's cache is bounded: capacity (in entries, or in bytes) and expiry.
///
/// `const`, so `#[cached]` can build it in a `static`:
///
/// ```
/// use std::time::Duration;
/// use unokit::cache::CacheConfig;
///
/// const CONFIG: CacheConfig = CacheConfig::new().with_capacity(500).with_ttl(Duration::from_secs(30));
/// assert_eq!(CONFIG.capacity(), 500);
/// assert_eq!(CONFIG.ttl(), Some(Duration::from_secs(30)));
/// assert_eq!(CONFIG.tti(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    capacity: u64,
    max_bytes: Option<u64>,
    ttl: Option<Duration>,
    tti: Option<Duration>,
    /// The freshness policies (refresh-ahead, fail-safe, timeouts, jitter, a
    /// time to live for `None`), all off by default.
    pub(crate) policy: Policy,
    /// How many hot keys to rank; 0: hot keys are not tracked.
    hot_keys: u32,
}

/// The freshness policies of [`CacheConfig`]; fractions are in thousandths so
/// that the configuration stays `Eq` and `const`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Policy {
    pub(crate) refresh_ahead: Option<u16>,
    pub(crate) stale_if_error: Option<Duration>,
    pub(crate) error_backoff: Duration,
    pub(crate) timeout: Option<Duration>,
    pub(crate) hard_timeout: Option<Duration>,
    pub(crate) jitter: u16,
    pub(crate) none_ttl: Option<Duration>,
}

impl CacheConfig {
    /// The capacity when none is given: bounded, so that a forgotten `capacity` is
    /// not a memory leak.
    pub const DEFAULT_CAPACITY: u64 = 10_000;

    /// How long a key whose body failed is not retried when a stale value can be
    /// served instead ([`with_stale_if_error`](Self::with_stale_if_error)), when no
    /// other back-off is given: 5 seconds.
    pub const DEFAULT_ERROR_BACKOFF: Duration = Duration::from_secs(5);

    /// [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) entries, no expiry.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            capacity: Self::DEFAULT_CAPACITY,
            max_bytes: None,
            ttl: None,
            tti: None,
            policy: Policy {
                refresh_ahead: None,
                stale_if_error: None,
                error_backoff: Self::DEFAULT_ERROR_BACKOFF,
                timeout: None,
                hard_timeout: None,
                jitter: 0,
                none_ttl: None,
            },
            hot_keys: 0,
        }
    }

    /// At most `entries` entries; beyond that, moka evicts the least useful ones.
    #[must_use]
    pub const fn with_capacity(mut self, entries: u64) -> Self {
        self.capacity = entries;
        self
    }

    /// At most `bytes` bytes of keys and values, each entry weighed when it is
    /// stored; this bound replaces the entry [`capacity`](Self::capacity).
    ///
    /// For caches whose keys or values vary in size: an entry bound lets 10 000
    /// entries of 16 KiB keys hold 161 MiB. `#[cached(max_bytes = …)]` sets it,
    /// and weighs keys and values with [`Weigh`](super::Weigh): their inline size,
    /// what they own on the heap, and a fixed allowance per entry for the cache's
    /// own bookkeeping. An entry heavier than the whole bound is not kept. Only
    /// `#[cached]` caches weigh their entries; the other caches configured with a
    /// `CacheConfig` (the batch loader's, the relation cache) bound entries only.
    ///
    /// ```
    /// use unokit::cache::CacheConfig;
    ///
    /// const CONFIG: CacheConfig = CacheConfig::new().with_max_bytes(64 << 20);
    /// assert_eq!(CONFIG.max_bytes(), Some(64 << 20));
    /// ```
    #[must_use]
    pub const fn with_max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = Some(bytes);
        self
    }

    /// Entries expire this long after they were stored (their time to live).
    #[must_use]
    pub const fn with_ttl(mut self, time_to_live: Duration) -> Self {
        self.ttl = Some(time_to_live);
        self
    }

    /// Entries expire after going unread this long (their time to idle).
    #[must_use]
    pub const fn with_tti(mut self, time_to_idle: Duration) -> Self {
        self.tti = Some(time_to_idle);
        self
    }

    /// Refreshes an entry in the background once `permille` thousandths of its
    /// time to live have passed and a call reads it: that call, and every call
    /// until the refresh lands, gets the current value at once. One refresh runs
    /// per key at a time; a key nobody reads is not refreshed and expires. `async`
    /// functions with a [`ttl`](Self::with_ttl) only. `#[cached(refresh_ahead = 0.8)]`
    /// sets 800.
    ///
    /// ```
    /// use std::time::Duration;
    /// use unokit::cache::CacheConfig;
    ///
    /// const CONFIG: CacheConfig = CacheConfig::new().with_ttl(Duration::from_secs(60)).with_refresh_ahead(800);
    /// assert_eq!(CONFIG.refresh_ahead(), Some(800));
    /// ```
    #[must_use]
    pub const fn with_refresh_ahead(mut self, permille: u16) -> Self {
        self.policy.refresh_ahead = Some(permille);
        self
    }

    /// Fail-safe: when the body returns an `Err` and the key's value expired less
    /// than `window` ago, that value is returned instead (counted in
    /// [`CacheStats::stale`](super::CacheStats::stale)), and the key's body is not
    /// run again for the [error back-off](Self::with_error_backoff): the stale
    /// value is served meanwhile. Expired values are kept this long for it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use unokit::cache::CacheConfig;
    ///
    /// const CONFIG: CacheConfig = CacheConfig::new()
    ///     .with_ttl(Duration::from_secs(60))
    ///     .with_stale_if_error(Duration::from_secs(3600));
    /// assert_eq!(CONFIG.stale_if_error(), Some(Duration::from_secs(3600)));
    /// assert_eq!(CONFIG.error_backoff(), CacheConfig::DEFAULT_ERROR_BACKOFF);
    /// ```
    #[must_use]
    pub const fn with_stale_if_error(mut self, window: Duration) -> Self {
        self.policy.stale_if_error = Some(window);
        self
    }

    /// How long a failed key serves its stale value before its body runs again
    /// (default [`DEFAULT_ERROR_BACKOFF`](Self::DEFAULT_ERROR_BACKOFF)); also how
    /// long a failed refresh-ahead waits before the next one.
    #[must_use]
    pub const fn with_error_backoff(mut self, backoff: Duration) -> Self {
        self.policy.error_backoff = backoff;
        self
    }

    /// Soft timeout: a body slower than this, for a key with a stale value,
    /// returns the stale value and finishes in the background, storing its result.
    /// Stale values count for this as long as for
    /// [`with_stale_if_error`](Self::with_stale_if_error), or one time to live
    /// without it. Without a stale value the call keeps waiting.
    #[must_use]
    pub const fn with_timeout(mut self, soft: Duration) -> Self {
        self.policy.timeout = Some(soft);
        self
    }

    /// Hard timeout: a body slower than this returns the timeout error (the
    /// function's error built `From` a [`Timeout`](super::Timeout)), unless the
    /// soft timeout served a stale value first. The body is dropped.
    #[must_use]
    pub const fn with_hard_timeout(mut self, hard: Duration) -> Self {
        self.policy.hard_timeout = Some(hard);
        self
    }

    /// Spreads each entry's time to live by up to `permille` thousandths either
    /// way, at random, so that entries stored together do not expire together.
    /// `#[cached(jitter = "10%")]` sets 100.
    #[must_use]
    pub const fn with_jitter(mut self, permille: u16) -> Self {
        self.policy.jitter = permille;
        self
    }

    /// The time to live of cached `None` results (`#[cached(cache_none, none_ttl = "30s")]`),
    /// usually shorter than that of values.
    #[must_use]
    pub const fn with_none_ttl(mut self, time_to_live: Duration) -> Self {
        self.policy.none_ttl = Some(time_to_live);
        self
    }

    /// Tracks which keys are read most (a sampled count-min sketch on the hit
    /// path), ranks the `top` hottest for
    /// [`AsyncFnCache::hot_keys`](super::AsyncFnCache::hot_keys), and lets
    /// refresh-ahead refresh only hot keys (`#[cached(prewarm = N)]`).
    #[must_use]
    pub const fn with_hot_keys(mut self, top: u32) -> Self {
        self.hot_keys = top;
        self
    }

    /// How many hot keys the cache ranks, if it tracks them.
    #[must_use]
    pub const fn hot_keys(&self) -> Option<usize> {
        if self.hot_keys == 0 {
            None
        } else {
            Some(self.hot_keys as usize)
        }
    }

    /// The refresh-ahead point in thousandths of the time to live, if any.
    #[must_use]
    pub const fn refresh_ahead(&self) -> Option<u16> {
        self.policy.refresh_ahead
    }

    /// How long expired values are kept to be served when the body fails, if at all.
    #[must_use]
    pub const fn stale_if_error(&self) -> Option<Duration> {
        self.policy.stale_if_error
    }

    /// How long a failed key is not retried while it serves a stale value.
    #[must_use]
    pub const fn error_backoff(&self) -> Duration {
        self.policy.error_backoff
    }

    /// The soft and the hard timeout of the body, if any.
    #[must_use]
    pub const fn timeouts(&self) -> (Option<Duration>, Option<Duration>) {
        (self.policy.timeout, self.policy.hard_timeout)
    }

    /// The time to live jitter, in thousandths either way.
    #[must_use]
    pub const fn jitter(&self) -> u16 {
        self.policy.jitter
    }

    /// The time to live of cached `None` results, if it differs.
    #[must_use]
    pub const fn none_ttl(&self) -> Option<Duration> {
        self.policy.none_ttl
    }

    /// How long after it expires an entry may still be served stale: by the
    /// fail-safe, or by the soft timeout (one time to live without a fail-safe).
    pub(crate) fn stale_window(&self) -> Option<Duration> {
        match (self.policy.stale_if_error, self.policy.timeout) {
            (Some(window), _) => Some(window),
            (None, Some(_)) => self.ttl,
            (None, None) => None,
        }
    }

    /// The time to live moka enforces: the longest an entry may be kept, with
    /// jitter and the stale window; entries check their own, shorter deadline.
    pub(crate) fn moka_ttl(&self) -> Option<Duration> {
        let ttl = self.ttl?;
        let longest = ttl + ttl * u32::from(self.policy.jitter) / 1000;
        let longest = longest.max(self.policy.none_ttl.unwrap_or_default());
        Some(longest + self.stale_window().unwrap_or_default())
    }

    /// The maximum number of entries, unless [`max_bytes`](Self::max_bytes) bounds
    /// the cache instead.
    #[must_use]
    pub const fn capacity(&self) -> u64 {
        self.capacity
    }

    /// The bound in bytes, if the cache is bounded in bytes rather than entries.
    #[must_use]
    pub const fn max_bytes(&self) -> Option<u64> {
        self.max_bytes
    }

    /// The time to live, if any.
    #[must_use]
    pub const fn ttl(&self) -> Option<Duration> {
        self.ttl
    }

    /// The time to idle, if any.
    #[must_use]
    pub const fn tti(&self) -> Option<Duration> {
        self.tti
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self::new()
    }
}
