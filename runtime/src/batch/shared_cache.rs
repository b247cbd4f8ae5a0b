use crate::cache::CacheConfig;
use std::hash::Hash;

/// A moka cache of loaded values that outlives one loader: loaders made per
/// request and given the same `SharedCache` fetch each key once until it expires
/// or is invalidated.
///
/// Cloning it is cheap and shares the cache.
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
    moka: moka::sync::Cache<K, V, foldhash::fast::RandomState>,
}

impl<K, V> Clone for SharedCache<K, V> {
    fn clone(&self) -> Self {
        Self {
            moka: self.moka.clone(),
        }
    }
}

impl<K, V> SharedCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// An empty cache bounded by `config`'s capacity, time to live and time to idle.
    #[must_use]
    pub fn new(config: CacheConfig) -> Self {
        let mut builder = moka::sync::Cache::builder().max_capacity(config.capacity());
        if let Some(ttl) = config.ttl() {
            builder = builder.time_to_live(ttl);
        }
        if let Some(tti) = config.tti() {
            builder = builder.time_to_idle(tti);
        }
        Self {
            moka: builder.build_with_hasher(foldhash::fast::RandomState::default()),
        }
    }

    /// The cached value of `key`.
    #[must_use]
    pub fn get(&self, key: &K) -> Option<V> {
        self.moka.get(key)
    }

    /// Stores `value` for `key`.
    pub fn insert(&self, key: K, value: V) {
        self.moka.insert(key, value);
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

impl<K, V> std::fmt::Debug for SharedCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCache")
            .field("entries", &self.moka.entry_count())
            .finish_non_exhaustive()
    }
}
