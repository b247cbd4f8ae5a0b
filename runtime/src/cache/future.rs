use super::base::{Base, MokaHasher, NotCached, Settled, configure_moka};
use super::config::CacheConfig;
use super::entry::Entry;
use super::front;
use super::mode::Mode;
use super::stats::CacheStats;
use super::stored_key::StoredKey;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

/// The cache behind an `async` `#[cached]` function: moka's `future::Cache`, keyed
/// by the arguments' fingerprint, with a per-thread front table for hits.
///
/// Like [`SyncFnCache`](super::SyncFnCache), but waiting callers await instead of
/// blocking their thread, and a hit never awaits: it is answered from the
/// calling thread's front table.
///
/// ```
/// #[unokit::cached]
/// async fn greet(name: &str) -> String {
///     format!("hello {name}")
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// assert_eq!(greet("ada").await, "hello ada");
/// assert_eq!(greet("ada").await, "hello ada");
/// assert_eq!(greet_cache().stats().misses, 1);
/// # });
/// ```
pub struct AsyncFnCache<K, V> {
    base: Base,
    state: OnceLock<State<K, V>>,
}

struct State<K, V> {
    owner: usize,
    moka: moka::future::Cache<u64, Arc<Entry<K, V>>, MokaHasher>,
}

impl<K, V> AsyncFnCache<K, V>
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
            moka: configure_moka!(moka::future::Cache::builder(), self.base.config),
        })
    }

    /// The value this thread last saw for the key that `is_key` recognises, if it is
    /// still valid. Never awaits; `None` means: ask [`get_or_compute`](Self::get_or_compute).
    #[inline]
    #[doc(hidden)]
    pub fn get(&self, fingerprint: u64, is_key: impl FnOnce(&K) -> bool) -> Option<V> {
        self.base.front_hit(self.state().owner, fingerprint, is_key)
    }

    /// The cached value for `key`, or the result of `body`'s future, stored if `M`
    /// says so.
    ///
    /// Concurrent calls for one key run `body` once; the others wait and share its
    /// value. When the value is not to be cached (an `Err`, a `None`), the waiting
    /// callers run their own `body`, since an error cannot in general be cloned.
    ///
    /// The future is boxed: moka's single flight makes it large, and a caller that
    /// awaited it inline would carry that size into every call, hits included.
    #[doc(hidden)]
    pub fn get_or_compute<R, M, F>(
        &self,
        fingerprint: u64,
        key: K,
        mode: M,
        body: impl FnOnce() -> F,
    ) -> Pin<Box<impl Future<Output = R>>>
    where
        M: Mode<R, Value = V>,
        F: Future<Output = R>,
    {
        Box::pin(self.compute(fingerprint, key, mode, body))
    }

    async fn compute<R, M, F>(
        &self,
        fingerprint: u64,
        key: K,
        _mode: M,
        body: impl FnOnce() -> F,
    ) -> R
    where
        M: Mode<R, Value = V>,
        F: Future<Output = R>,
    {
        let state = self.state();
        // A plain read first: it is how a hit revalidates with moka (see the front
        // table), and unlike the single flight below it allocates nothing.
        if let Some(entry) = state.moka.get(&fingerprint).await {
            if !self.base.is_live(&entry) {
                // Computed before an `invalidate_all` that moka could not see: it
                // would keep the key from being cached again.
                self.invalidate(fingerprint).await;
            } else if let Some(value) =
                self.base
                    .moka_hit(state.owner, fingerprint, &entry, |stored| {
                        stored.same_key(&key)
                    })
            {
                return M::join(value);
            }
        }
        let generation = self.base.generation();
        let mut pending = Some((key, body));
        let mut uncached = None;
        let outcome = state
            .moka
            .try_get_with(fingerprint, async {
                let (key, body) = pending.take().expect("moka runs init once");
                match M::split(body().await) {
                    Ok(value) => Ok(Arc::new(Entry::new(key, value, generation))),
                    Err(returned) => {
                        uncached = Some(returned);
                        Err(NotCached)
                    }
                }
            })
            .await;
        match self.base.settle::<K, V, R, M, _>(
            state.owner,
            fingerprint,
            outcome,
            pending,
            uncached,
        ) {
            Settled::Return(returned) => returned,
            Settled::RunBody(body) => body().await,
        }
    }

    /// Stores `value` for `key`, replacing what was there.
    #[doc(hidden)]
    pub async fn insert(&self, fingerprint: u64, key: K, value: V) {
        let state = self.state();
        let entry = Arc::new(Entry::new(key, value, self.base.generation()));
        if let Some(replaced) = state.moka.remove(&fingerprint).await {
            replaced.kill();
        }
        state.moka.insert(fingerprint, Arc::clone(&entry)).await;
        self.base.remember(state.owner, fingerprint, &entry);
    }

    /// Removes the entry stored under `fingerprint`.
    #[doc(hidden)]
    pub async fn invalidate(&self, fingerprint: u64) {
        if let Some(removed) = self.state().moka.remove(&fingerprint).await {
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
    pub async fn run_pending_tasks(&self) {
        if let Some(state) = self.state.get() {
            state.moka.run_pending_tasks().await;
        }
    }

    /// The configuration the cache was built with.
    pub fn config(&self) -> CacheConfig {
        self.base.config
    }
}
