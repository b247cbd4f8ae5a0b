//! The key guard: a Bloom filter of the keys that exist ([`KeyGuard`]).

use std::borrow::Borrow;
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwapOption;
use fastbloom::AtomicBloomFilter;

type Hasher = foldhash::fast::RandomState;

/// What a [`KeyGuard`]'s source returns: every key that exists, or why not.
pub type GuardSource<K> =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<Vec<K>, GuardError>> + Send>> + Send + Sync>;

/// Why a [`KeyGuard`] could not be filled: its source failed.
#[derive(Debug)]
pub struct GuardError(Box<dyn std::error::Error + Send + Sync>);

impl GuardError {
    /// Wraps the source's error.
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(error.into())
    }
}

impl fmt::Display for GuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the key guard's source failed: {}", self.0)
    }
}

impl std::error::Error for GuardError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// One filter and how many distinct keys it was sized for and holds.
struct Generation {
    filter: AtomicBloomFilter<Hasher>,
    capacity: usize,
    len: AtomicUsize,
}

impl Generation {
    fn new(capacity: usize, false_pos: f64, hasher: &Hasher) -> Self {
        Self {
            filter: AtomicBloomFilter::with_false_pos(false_pos)
                .hasher(hasher.clone())
                .expected_items(capacity.max(1)),
            capacity,
            len: AtomicUsize::new(0),
        }
    }

    /// Inserts by the source hash (the same hasher for every generation, so a
    /// key is hashed once for both filters during a rebuild).
    fn insert_hash(&self, hash: u64) {
        // `insert_hash` says whether every bit was set already: a key seen
        // before (or a false positive) does not count towards the capacity.
        if !self.filter.insert_hash(hash) {
            self.len.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn is_full(&self) -> bool {
        self.len.load(Ordering::Relaxed) > self.capacity
    }
}

/// A key guard: a Bloom filter of the keys that exist, asked before a cache
/// lookup so that requests for keys that cannot exist ("cache penetration":
/// random ids from a scraper or an attacker) never reach the caches or the
/// database.
///
/// The filter is [fastbloom]'s `AtomicBloomFilter`: lock-free, every method
/// takes `&self`, and in our benchmark a check costs a hash and a few cache
/// lines (see the README's figures). A Bloom filter never answers "absent"
/// for an inserted key; the guard keeps that promise across its whole life:
///
/// - until the first fill from the source has finished, every key passes;
/// - when the filter holds more keys than it was sized for (its false-positive
///   rate grows past the target), it is rebuilt from the source into a new,
///   larger filter. Keys inserted while the rebuild runs go into both filters,
///   and the old one answers until the new one is complete, so no present key
///   is refused at any moment.
///
/// One filter per process: each instance of a service fills its own from the
/// same source (the database), and an insert must reach every instance's guard
/// (call [`KeyGuard::insert`] where the row is created, and on the others
/// through whatever tells them of new rows; a guard that misses an insert
/// refuses that key until its next rebuild).
///
/// [fastbloom]: https://docs.rs/fastbloom
///
/// ```
/// use unokit::cache::{GuardError, KeyGuard};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// // Every user id that exists (a `SELECT id FROM users` in a service).
/// let guard = KeyGuard::<u64>::new(1_000, 0.01, || async { Ok::<_, GuardError>((1..=500).collect()) });
/// assert!(guard.may_contain(&9_999), "not filled yet: every key passes");
///
/// guard.fill().await.unwrap();
/// assert!(guard.may_contain(&42));
/// // About 1 % of absent keys pass (false positives), never a present one is refused.
/// let passed = (10_000..11_000).filter(|id| guard.may_contain(id)).count();
/// assert!(passed < 50, "{passed} of 1 000 absent ids passed");
///
/// guard.insert(&9_999); // a row was created
/// assert!(guard.may_contain(&9_999));
/// # });
/// ```
pub struct KeyGuard<K> {
    inner: Arc<Inner<K>>,
}

impl<K> Clone for KeyGuard<K> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Inner<K> {
    current: ArcSwapOption<Generation>,
    /// The filter a rebuild is filling, which inserts also go to.
    next: Mutex<Option<Arc<Generation>>>,
    rebuilding: AtomicBool,
    expected: usize,
    false_pos: f64,
    hasher: Hasher,
    source: GuardSource<K>,
    marker: PhantomData<fn(K)>,
}

impl<K: Hash + Send + 'static> KeyGuard<K> {
    /// A guard sized for `expected` keys at a `false_pos` rate (e.g. `0.01`),
    /// filled from `source` by [`fill`](Self::fill) and by each rebuild.
    ///
    /// # Panics
    ///
    /// When `false_pos` is not in (0, 1).
    pub fn new<F, Fut, E>(expected: usize, false_pos: f64, source: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<K>, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        assert!(
            false_pos > 0.0 && false_pos < 1.0,
            "a key guard's false-positive rate is in (0, 1), not {false_pos}"
        );
        let source: GuardSource<K> = Arc::new(move || {
            let keys = source();
            Box::pin(async move { keys.await.map_err(GuardError::new) })
        });
        Self {
            inner: Arc::new(Inner {
                current: ArcSwapOption::empty(),
                next: Mutex::new(None),
                rebuilding: AtomicBool::new(false),
                expected,
                false_pos,
                hasher: Hasher::default(),
                source,
                marker: PhantomData,
            }),
        }
    }

    /// Whether `key` may exist: `false` only for a key that was neither in
    /// the source nor inserted since. Before the first [`fill`](Self::fill),
    /// `true` for every key.
    #[inline]
    pub fn may_contain<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + ?Sized,
    {
        match &*self.inner.current.load() {
            Some(generation) => generation.filter.contains(key),
            None => true,
        }
    }

    /// Records that `key` exists from now on. When the filter then holds more
    /// keys than it was sized for, a rebuild starts on the current tokio
    /// runtime (if there is one; else call [`fill`](Self::fill)).
    pub fn insert<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + ?Sized,
    {
        let this = &*self.inner;
        // The rebuild's filter first: once it is published as current, the
        // key must be in it. Holding the lock orders this insert against the
        // swap in `fill`, so the key lands in whichever filter survives.
        let next = this.lock_next();
        let current = this.current.load_full();
        let hash = match (&current, &*next) {
            (Some(generation), _) | (None, Some(generation)) => generation.filter.source_hash(key),
            (None, None) => return, // Not filled yet: every key passes anyway.
        };
        if let Some(generation) = &*next {
            generation.insert_hash(hash);
        }
        drop(next);
        let Some(current) = current else { return };
        current.insert_hash(hash);
        if current.is_full()
            && !this.rebuilding.load(Ordering::Relaxed)
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let inner = Arc::clone(&self.inner);
            // A failed rebuild leaves the old filter current, which refuses
            // no present key: the next insert tries again.
            runtime.spawn(async move { inner.fill().await });
        }
    }

    /// Fills a new filter from the source and makes it current: the first
    /// fill, and each rebuild (sized for twice the keys the old one holds,
    /// at least the expected number). The old filter answers until then;
    /// keys inserted meanwhile go into both. When a rebuild is already
    /// running, returns at once.
    ///
    /// # Errors
    ///
    /// The source's error; the old filter stays current.
    pub async fn fill(&self) -> Result<(), GuardError> {
        self.inner.fill().await
    }

    /// How many distinct keys the current filter holds (false positives
    /// among inserted keys aside), and how many it was sized for.
    #[must_use]
    pub fn len_and_capacity(&self) -> (usize, usize) {
        self.inner
            .current
            .load()
            .as_ref()
            .map_or((0, 0), |generation| {
                (generation.len.load(Ordering::Relaxed), generation.capacity)
            })
    }
}

impl<K: Hash + Send + 'static> Inner<K> {
    async fn fill(&self) -> Result<(), GuardError> {
        loop {
            if self.rebuilding.swap(true, Ordering::Acquire) {
                return Ok(());
            }
            // Keys inserted while a rebuild runs may fill the new filter
            // before it is current; their inserts saw a rebuild running and
            // started none. So rebuild until the current filter has room.
            let mut result = self.rebuild().await;
            while result.is_ok() && self.is_full() {
                result = self.rebuild().await;
            }
            self.rebuilding.store(false, Ordering::Release);
            // An insert between the last check and the flag's release saw
            // it still set: check once more.
            if result.is_err() || !self.is_full() {
                return result;
            }
        }
    }

    fn is_full(&self) -> bool {
        self.current
            .load()
            .as_ref()
            .is_some_and(|generation| generation.is_full())
    }

    async fn rebuild(&self) -> Result<(), GuardError> {
        let held = self
            .current
            .load()
            .as_ref()
            .map_or(0, |generation| generation.len.load(Ordering::Relaxed));
        let capacity = self.expected.max(held.saturating_mul(2));
        let generation = Arc::new(Generation::new(capacity, self.false_pos, &self.hasher));
        // Published before the source is read: a key created after the read
        // began is inserted here by `insert`, one created before is read.
        *self.lock_next() = Some(Arc::clone(&generation));
        let keys = match (self.source)().await {
            Ok(keys) => keys,
            Err(error) => {
                *self.lock_next() = None;
                return Err(error);
            }
        };
        for key in &keys {
            generation.insert_hash(generation.filter.source_hash(key));
        }
        let mut next = self.lock_next();
        self.current.store(next.take());
        Ok(())
    }

    fn lock_next(&self) -> std::sync::MutexGuard<'_, Option<Arc<Generation>>> {
        self.next.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<K> fmt::Debug for KeyGuard<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.inner.current.load();
        f.debug_struct("KeyGuard")
            .field("filled", &current.is_some())
            .field("false_pos", &self.inner.false_pos)
            .field(
                "capacity",
                &current.as_ref().map(|generation| generation.capacity),
            )
            .finish_non_exhaustive()
    }
}
