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
}

impl CacheConfig {
    /// The capacity when none is given: bounded, so that a forgotten `capacity` is
    /// not a memory leak.
    pub const DEFAULT_CAPACITY: u64 = 10_000;

    /// [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) entries, no expiry.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            capacity: Self::DEFAULT_CAPACITY,
            max_bytes: None,
            ttl: None,
            tti: None,
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
