use super::config::LoaderConfig;
use super::fetch::BatchFn;
use super::load::{Load, LoadMany};
use super::shared_cache::SharedCache;
use super::state::{LoaderState, Store};
use super::stats::BatchStats;
use std::sync::Arc;

/// A DataLoader: combines the loads made while a batch is open into one call of
/// a [`BatchFn`], and caches what it loaded.
///
/// `#[batch_load]` generates a loader type wrapping one of these; it has the same
/// methods. Cloning a `BatchLoader` gives another handle on the same loader.
///
/// ```
/// use std::collections::HashMap;
/// use std::convert::Infallible;
/// use unokit::batch::{BatchFn, BatchLoader};
///
/// struct Squares;
///
/// impl BatchFn for Squares {
///     type Key = u64;
///     type Value = u64;
///     type Error = Infallible;
///     type Map = HashMap<u64, u64>;
///
///     async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, u64>, Infallible> {
///         Ok(keys.iter().map(|&key| (key, key * key)).collect())
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let loader = BatchLoader::new(Squares);
/// let (three, four) = futures::join!(loader.load(3), loader.load(4));
/// assert_eq!((three.unwrap(), four.unwrap()), (Some(9), Some(16)));
/// assert_eq!(loader.stats().batches, 1); // both keys went into one call
/// # });
/// ```
///
/// # Batching
///
/// A load's first poll puts its key into the open batch, opening one if there is
/// none. The batch is dispatched when its [window](LoaderConfig::with_window) has
/// passed, or at once when it reaches [`max_batch`](LoaderConfig::with_max_batch):
/// batches never exceed it, and the next key opens a new batch. Each batch runs
/// in a task of its own on the current Tokio runtime, so a load must be polled
/// inside one.
///
/// A key is fetched once: a key already in a batch, in flight or not, waits for
/// that batch. A key the batch function leaves out of its map loads as `None`.
/// A failed batch gives every key in it the same [`LoadError`](super::LoadError),
/// including a panic of the batch function; a failed key is fetched again by the
/// next load.
///
/// # Caching
///
/// By default the loader keeps what it loaded for its whole life, including
/// `None`s: make one loader per request, so that a request sees one consistent
/// snapshot and memory is returned at its end. To share values between
/// requests, either keep one loader alive and bound its cache with
/// [`LoaderCache::Bounded`](super::LoaderCache::Bounded) (capacity, time to live,
/// on moka), or make loaders per request over one [`SharedCache`] with
/// [`with_shared_cache`](Self::with_shared_cache).
pub struct BatchLoader<F: BatchFn> {
    state: Arc<LoaderState<F>>,
}

impl<F: BatchFn> Clone for BatchLoader<F> {
    fn clone(&self) -> Self {
        Self {
            state: Arc::clone(&self.state),
        }
    }
}

impl<F: BatchFn> BatchLoader<F> {
    /// A loader with the default [`LoaderConfig`]: batches of up to 1000 keys,
    /// dispatched when the loading task yields, cached for the loader's life.
    #[must_use]
    pub fn new(fetch: F) -> Self {
        Self::with_config(fetch, LoaderConfig::new())
    }

    /// A loader configured by `config`.
    #[must_use]
    pub fn with_config(fetch: F, config: LoaderConfig) -> Self {
        let store = LoaderState::<F>::store_for(config);
        Self {
            state: Arc::new(LoaderState::new(fetch, config, store)),
        }
    }

    /// A loader whose values live in `cache`, shared with other loaders; the
    /// cache setting of `config` is not used.
    #[must_use]
    pub fn with_shared_cache(
        fetch: F,
        config: LoaderConfig,
        cache: SharedCache<F::Key, F::Value>,
    ) -> Self {
        Self {
            state: Arc::new(LoaderState::new(fetch, config, Store::Moka(cache))),
        }
    }

    /// Loads the value of `key`: `Ok(None)` if the batch function has none.
    ///
    /// # Errors
    ///
    /// The error of the batch that held the key, shared with its other keys.
    #[inline]
    pub fn load(&self, key: F::Key) -> Load<'_, F> {
        Load::new(&self.state, key)
    }

    /// Loads the values of `keys`, in as few batches as `max_batch` allows; keys
    /// without a value are absent from the map.
    ///
    /// # Errors
    ///
    /// The error of the first failed batch.
    pub fn load_many(&self, keys: impl IntoIterator<Item = F::Key>) -> LoadMany<'_, F> {
        LoadMany::new(&self.state, keys.into_iter().collect())
    }

    /// Stores `value` for `key`: later loads get it without a batch. Loads already
    /// waiting on a batch get that batch's value.
    pub fn prime(&self, key: F::Key, value: F::Value) {
        self.state.prime(key, value);
    }

    /// Forgets `key`: the next load fetches it again.
    pub fn clear(&self, key: &F::Key) {
        self.state.clear(key);
    }

    /// Forgets every key (in a [`SharedCache`], for every loader using it).
    pub fn clear_all(&self) {
        self.state.clear_all();
    }

    /// Loads, cache hits and batches so far.
    #[must_use]
    pub fn stats(&self) -> BatchStats {
        self.state.lock().stats
    }

    /// The batch function, with the context it holds.
    #[must_use]
    pub fn batch_fn(&self) -> &F {
        &self.state.fetch
    }

    /// The configuration the loader was made with.
    #[must_use]
    pub fn config(&self) -> LoaderConfig {
        self.state.config
    }

    /// The moka cache holding the loader's values, if it has one.
    #[must_use]
    pub fn shared_cache(&self) -> Option<&SharedCache<F::Key, F::Value>> {
        match &self.state.store {
            Store::Moka(cache) => Some(cache),
            Store::PerLoader | Store::Off => None,
        }
    }
}

impl<F: BatchFn> std::fmt::Debug for BatchLoader<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchLoader")
            .field("config", &self.state.config)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}
