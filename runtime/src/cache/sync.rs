use super::base::{Base, MokaHasher, NotCached, Settled, configure_moka};
use super::config::CacheConfig;
use super::entry::Entry;
use super::front;
use super::mode::Mode;
use super::stats::CacheStats;
use super::stored_key::StoredKey;
use std::sync::{Arc, OnceLock};

/// The cache behind a sync `#[cached]` function: moka's `sync::Cache`, keyed by the
/// arguments' fingerprint, with a per-thread front table for hits.
///
/// `#[cached]` puts one in a `static` and hands it out through the function's
/// `*_cache()` companion, where its [`stats`](Self::stats) and
/// [`run_pending_tasks`](Self::run_pending_tasks) are useful. Its other methods
/// are what the generated code calls, and are hidden.
///
/// ```
/// #[unokit::cached]
/// fn square(n: u64) -> u64 {
///     n * n
/// }
///
/// assert_eq!(square(12), 144);
/// assert_eq!(square(12), 144);
/// let stats = square_cache().stats();
/// assert_eq!((stats.hits, stats.misses), (1, 1));
/// ```
pub struct SyncFnCache<K, V> {
    base: Base,
    state: OnceLock<State<K, V>>,
}

struct State<K, V> {
    owner: usize,
    moka: moka::sync::Cache<u64, Arc<Entry<K, V>>, MokaHasher>,
}

impl<K, V> SyncFnCache<K, V>
where
    K: StoredKey,
    V: Clone + Send + Sync + 'static,
{
    /// An empty cache; moka's is built on first use.
    #[must_use]
    #[doc(hidden)]
    pub const fn new(config: CacheConfig) -> Self {
        Self {
            base: Base::new(config),
            state: OnceLock::new(),
        }
    }

    fn state(&self) -> &State<K, V> {
        self.state.get_or_init(|| State {
            owner: front::new_owner(),
            moka: configure_moka!(moka::sync::Cache::builder(), self.base.config),
        })
    }

    /// The cached value for the key that `is_key` recognises, without waiting.
    #[inline]
    #[doc(hidden)]
    pub fn get(&self, fingerprint: u64, is_key: impl Fn(&K) -> bool) -> Option<V> {
        let state = self.state();
        if let Some(value) = self.base.front_hit(state.owner, fingerprint, &is_key) {
            return Some(value);
        }
        let entry = state.moka.get(&fingerprint)?;
        if !self.base.is_live(&entry) {
            // Computed before an `invalidate_all` that moka could not see: it would
            // keep the key from being cached again.
            self.invalidate(fingerprint);
            return None;
        }
        self.base.moka_hit(state.owner, fingerprint, &entry, is_key)
    }

    /// The cached value for `key`, or `body`'s result, stored if `M` says so.
    ///
    /// Concurrent calls for one key run `body` once; the others wait and share its
    /// value. When the value is not to be cached (an `Err`, a `None`), the waiting
    /// callers run their own `body`, since an error cannot in general be cloned.
    #[doc(hidden)]
    pub fn get_or_compute<R, M: Mode<R, Value = V>>(
        &self,
        fingerprint: u64,
        key: K,
        _mode: M,
        body: impl FnOnce() -> R,
    ) -> R {
        let state = self.state();
        let generation = self.base.generation();
        let mut pending = Some((key, body));
        let mut uncached = None;
        let outcome = state.moka.try_get_with(fingerprint, || {
            let (key, body) = pending.take().expect("moka runs init once");
            match M::split(body()) {
                Ok(value) => Ok(Arc::new(Entry::new(key, value, generation))),
                Err(returned) => {
                    uncached = Some(returned);
                    Err(NotCached)
                }
            }
        });
        match self.base.settle::<K, V, R, M, _>(
            state.owner,
            fingerprint,
            outcome,
            pending,
            uncached,
        ) {
            Settled::Return(returned) => returned,
            Settled::RunBody(body) => body(),
        }
    }

    /// Stores `value` for `key`, replacing what was there.
    #[doc(hidden)]
    pub fn insert(&self, fingerprint: u64, key: K, value: V) {
        let state = self.state();
        let entry = Arc::new(Entry::new(key, value, self.base.generation()));
        if let Some(replaced) = state.moka.remove(&fingerprint) {
            replaced.kill();
        }
        state.moka.insert(fingerprint, Arc::clone(&entry));
        self.base.remember(state.owner, fingerprint, &entry);
    }

    /// Removes the entry stored under `fingerprint`.
    #[doc(hidden)]
    pub fn invalidate(&self, fingerprint: u64) {
        if let Some(removed) = self.state().moka.remove(&fingerprint) {
            removed.kill();
        }
    }

    /// Removes every entry.
    pub fn invalidate_all(&self) {
        self.base.next_generation();
        if let Some(state) = self.state.get() {
            state.moka.invalidate_all();
        }
    }

    /// Hits, misses and entries so far.
    pub fn stats(&self) -> CacheStats {
        self.base.stats(self.entry_count())
    }

    /// The number of entries, as of moka's last maintenance.
    pub fn entry_count(&self) -> u64 {
        self.state.get().map_or(0, |state| state.moka.entry_count())
    }

    /// Runs moka's pending maintenance now: evictions, expirations, counts.
    pub fn run_pending_tasks(&self) {
        if let Some(state) = self.state.get() {
            state.moka.run_pending_tasks();
        }
    }

    /// The configuration the cache was built with.
    pub fn config(&self) -> CacheConfig {
        self.base.config
    }
}
