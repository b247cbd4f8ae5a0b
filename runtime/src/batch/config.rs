use crate::cache::CacheConfig;
use std::time::Duration;

/// How a [`BatchLoader`](super::BatchLoader) batches and caches.
///
/// `const`, so that `#[batch_load]` can write it as a constant:
///
/// ```
/// use std::time::Duration;
/// use unokit::batch::{LoaderCache, LoaderConfig};
///
/// const CONFIG: LoaderConfig = LoaderConfig::new()
///     .with_max_batch(500)
///     .with_window(Duration::from_millis(1));
/// assert_eq!(CONFIG.max_batch(), 500);
/// assert_eq!(CONFIG.window(), Some(Duration::from_millis(1)));
/// assert_eq!(LoaderConfig::new().window(), None); // until the runtime settles
/// assert_eq!(CONFIG.cache(), LoaderCache::PerLoader);
/// assert_eq!(CONFIG.timeout(), Some(LoaderConfig::DEFAULT_TIMEOUT));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoaderConfig {
    max_batch: usize,
    /// `None`: dispatch once the runtime has settled (see `with_window`).
    window: Option<Duration>,
    timeout: Option<Duration>,
    cache: LoaderCache,
}

/// Where a loader keeps the values it has loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoaderCache {
    /// In the loader, unbounded, for the loader's life: right for a loader made
    /// per request. Missing keys are remembered as `None` too.
    PerLoader,
    /// In a moka cache with this capacity and expiry: right for a loader shared
    /// between requests. Only found values are cached.
    Bounded(CacheConfig),
    /// Nowhere: a key is fetched again by every batch that asks for it. Keys
    /// still share a batch that is in flight.
    Off,
}

impl LoaderConfig {
    /// The batch size when none is given.
    pub const DEFAULT_MAX_BATCH: usize = 1_000;

    /// How long a batch may run when no timeout is given: 5 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

    /// Batches of at most [`DEFAULT_MAX_BATCH`](Self::DEFAULT_MAX_BATCH) keys,
    /// dispatched once the runtime has settled (no timer: see
    /// [`with_window`](Self::with_window)), a
    /// [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT) deadline, a per-loader cache.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            max_batch: Self::DEFAULT_MAX_BATCH,
            window: None,
            timeout: Some(Self::DEFAULT_TIMEOUT),
            cache: LoaderCache::PerLoader,
        }
    }

    /// At most `keys` keys per call of the batch function; a batch that reaches it
    /// is dispatched at once, and the next key opens a new batch.
    ///
    /// # Panics
    ///
    /// If `keys` is zero.
    #[must_use]
    pub const fn with_max_batch(mut self, keys: usize) -> Self {
        assert!(keys > 0, "a batch holds at least one key");
        self.max_batch = keys;
        self
    }

    /// How long a batch stays open for more keys after its first one, instead
    /// of the default.
    ///
    /// By default no timer is involved: the task that dispatches a batch yields
    /// to the runtime, behind the tasks that are ready to run, until no load
    /// has joined the batch for 50 µs and no other worker thread is running
    /// or queued work (2 ms while other workers stay busy; 10 ms at most).
    /// Tasks ready on any worker add their keys first, much as JavaScript's
    /// DataLoader batches per event-loop tick: the lazy loads of 100 tasks are
    /// one statement per relation hop on current-thread and multi-thread
    /// runtimes alike. What it costs a lone load: one yield on a current-thread
    /// runtime; on a multi-thread one, from 50 µs up to about 2 ms (the busy
    /// limit, reached when another worker wakes up to look for work), the
    /// price of batching across workers without a timer.
    ///
    /// With zero, a batch is dispatched as soon as the task that opened it
    /// yields: the loads of one `join_all` still share it, loads from other
    /// tasks mostly do not. A longer window (say 1 ms) waits that long after the
    /// first key, with Tokio's timer, for loads that arrive later than the
    /// runtime settles (after I/O, say).
    #[must_use]
    pub const fn with_window(mut self, window: Duration) -> Self {
        self.window = Some(window);
        self
    }

    /// The longest a batch function may run (default
    /// [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT)). When it has not finished by
    /// then, it is dropped (cancelling its statement) and every key of the batch
    /// fails at once with [`LoadError::TimedOut`](super::LoadError::TimedOut);
    /// the next load of those keys fetches them again. So a database that stops
    /// answering fails loads promptly instead of holding every request for the
    /// length of the outage.
    ///
    /// The deadline uses Tokio's timer for batch functions that do not finish on
    /// their first poll: on a runtime built without `enable_time`, such a batch
    /// fails with [`LoadError::Panicked`](super::LoadError::Panicked) saying so.
    #[must_use]
    pub const fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No deadline: a batch function that never finishes holds its keys' loads
    /// until they are dropped.
    #[must_use]
    pub const fn without_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Where loaded values are kept.
    #[must_use]
    pub const fn with_cache(mut self, cache: LoaderCache) -> Self {
        self.cache = cache;
        self
    }

    /// The largest batch.
    #[must_use]
    pub const fn max_batch(&self) -> usize {
        self.max_batch
    }

    /// How long a batch stays open, if a window was given; `None` for the
    /// default, until the runtime settles.
    #[must_use]
    pub const fn window(&self) -> Option<Duration> {
        self.window
    }

    /// The longest a batch may run, if limited.
    #[must_use]
    pub const fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Where loaded values are kept.
    #[must_use]
    pub const fn cache(&self) -> LoaderCache {
        self.cache
    }
}

impl Default for LoaderConfig {
    fn default() -> Self {
        Self::new()
    }
}
