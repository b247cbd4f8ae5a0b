use super::base::Base;
use super::config::CacheConfig;
use super::flight::{Flights, Landing, Role};
use super::mode::Mode;
use super::policy::Backoff;
use super::stats::CacheStats;
use super::store::Store;
use super::stored_key::StoredKey;
use super::unwind;
use super::weigh::{Weigh, Weigher, weigh_entry};
use crate::key::{KeyedHasher, KeyedSeed};
use crate::trace;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

/// The cache behind an `async` `#[cached]` function: a table of entries keyed by
/// a keyed hash of the arguments, with moka's sync cache deciding what stays.
///
/// Like [`SyncFnCache`](super::SyncFnCache), but waiting callers await instead of
/// blocking their thread. A hit never awaits.
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
    pub(crate) base: Base,
    /// Apart from the state, and without bounds on `K`: generated code hashes the
    /// arguments first, and a type that is not a key is best reported there.
    seed: OnceLock<KeyedSeed>,
    /// Weighs entries for a cache bounded in bytes (`#[cached(max_bytes = …)]`).
    weigher: Option<Weigher<K, V>>,
    state: OnceLock<State<K, V>>,
    /// The function's part of the Redis tier (`#[cached(l2)]`).
    #[cfg(feature = "redis")]
    pub(crate) l2: Option<super::l2::L2Link>,
}

pub(crate) struct State<K, V> {
    pub(crate) store: Store<K, V>,
    pub(crate) flights: Flights,
    /// Keys whose body failed lately (`stale_if_error`).
    pub(crate) backoff: Backoff,
}

impl<K, V> AsyncFnCache<K, V> {
    /// Names the cache after its function, for `tracing`; `#[cached]` gives
    /// `module_path!()::function`.
    #[must_use]
    #[doc(hidden)]
    pub const fn named(mut self, name: &'static str) -> Self {
        self.base.name = name;
        self
    }

    /// A hasher for this cache's keys: random for each cache and process.
    #[inline]
    #[doc(hidden)]
    pub fn hasher(&self) -> KeyedHasher {
        self.seed.get_or_init(KeyedSeed::new).hasher()
    }
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
            seed: OnceLock::new(),
            weigher: None,
            state: OnceLock::new(),
            #[cfg(feature = "redis")]
            l2: None,
        }
    }

    /// An empty cache whose entries are weighed with [`Weigh`] when `config`
    /// bounds it in bytes.
    #[must_use]
    #[doc(hidden)]
    pub const fn new_weighed(config: CacheConfig) -> Self
    where
        K: Weigh,
        V: Weigh,
    {
        Self {
            base: Base::new(config),
            seed: OnceLock::new(),
            weigher: Some(weigh_entry::<K, V>),
            state: OnceLock::new(),
            #[cfg(feature = "redis")]
            l2: None,
        }
    }

    /// An empty cache over the Redis tier (`#[cached(l2)]`), its entries
    /// weighed when `weighed`.
    #[cfg(feature = "redis")]
    #[must_use]
    #[doc(hidden)]
    pub const fn new_l2(config: CacheConfig, link: super::l2::L2Link) -> Self {
        Self {
            base: Base::new(config),
            seed: OnceLock::new(),
            weigher: None,
            state: OnceLock::new(),
            l2: Some(link),
        }
    }

    /// [`new_l2`](Self::new_l2) for a cache bounded in bytes.
    #[cfg(feature = "redis")]
    #[must_use]
    #[doc(hidden)]
    pub const fn new_weighed_l2(config: CacheConfig, link: super::l2::L2Link) -> Self
    where
        K: Weigh,
        V: Weigh,
    {
        Self {
            base: Base::new(config),
            seed: OnceLock::new(),
            weigher: Some(weigh_entry::<K, V>),
            state: OnceLock::new(),
            l2: Some(link),
        }
    }

    pub(crate) fn state(&self) -> &State<K, V> {
        self.state.get_or_init(|| State {
            store: Store::new(self.base.config, self.weigher),
            flights: Flights::new(),
            backoff: Backoff::new(),
        })
    }

    /// The cached value for the key that `is_key` recognises. Never awaits and never
    /// allocates; `None` means: ask [`get_or_compute`](Self::get_or_compute).
    #[inline]
    #[doc(hidden)]
    pub fn get(&self, hash: u64, is_key: impl Fn(&K) -> bool) -> Option<V> {
        self.state().store.get(&self.base, hash, is_key)
    }

    /// The cached value for `key`, or the result of `body`'s future, stored if `M`
    /// says so. Called after [`get`](Self::get) missed.
    ///
    /// Concurrent calls for one key run `body` once; the others wait and share its
    /// value. When the value is not to be cached (an `Err`, a `None`), the waiting
    /// callers run their own `body`, since an error cannot in general be cloned.
    /// When `body` panics, its caller panics with its payload and every waiting
    /// caller at once with its message (a `String` payload); nothing is stored.
    /// When the leading caller's future is dropped mid-body, one waiting caller
    /// runs `body` in its stead.
    ///
    /// The future is boxed so that the caller's own future, which a hit also
    /// builds, does not carry the size of a miss.
    #[doc(hidden)]
    pub fn get_or_compute<R, M, F>(
        &self,
        hash: u64,
        key: K,
        _mode: M,
        body: impl FnOnce() -> F,
    ) -> Pin<Box<impl Future<Output = R>>>
    where
        M: Mode<R, Value = V>,
        F: Future<Output = R>,
    {
        let name = self.base.name;
        Box::pin(self.compute::<R, M, _>(hash, key, move || {
            let body = trace::miss(name, M::outcome, body());
            async move { (body.await, None) }
        }))
    }

    /// The single flight of a miss. `body` gives the return value and, for a
    /// value copied from the Redis tier, the longest its entry may live.
    pub(crate) async fn compute<R, M, F>(&self, hash: u64, key: K, body: impl FnOnce() -> F) -> R
    where
        M: Mode<R, Value = V>,
        F: Future<Output = (R, Option<std::time::Duration>)>,
    {
        let state = self.state();
        let mut body = Some(body);
        loop {
            match state.flights.join(hash) {
                Role::Lead(lead) => {
                    // Stored between the caller's read and its flight: not a miss.
                    if let Some(value) = state
                        .store
                        .get(&self.base, hash, |stored| stored.same_key(&key))
                    {
                        return M::join(value);
                    }
                    let generation = self.base.generation();
                    let body = body.take().expect("a caller leads at most once");
                    let (returned, cap) = match unwind::catch_future(async { body().await }).await {
                        Ok(returned) => returned,
                        Err(caught) => {
                            // Every follower of this flight panics with it now,
                            // instead of running the body again in turn.
                            self.base.count_miss();
                            lead.land(Landing::Panicked(caught.message()));
                            caught.resume();
                        }
                    };
                    self.base.count_miss();
                    return match M::split(returned) {
                        Ok(value) if state.store.holds_another_key(&self.base, hash, &key) => {
                            // Another live key holds this hash (a 2^-64 chance with a
                            // keyed hash): it stays, as in the sync cache.
                            lead.land(Landing::NotStored);
                            M::join(value)
                        }
                        Ok(value) => {
                            let absent = M::is_absent(&value);
                            let led = value.clone();
                            let entry = self.base.entry_capped(key, value, generation, absent, cap);
                            lead.land(Landing::Stored(state.store.put(hash, entry)));
                            M::join(led)
                        }
                        Err(returned) => {
                            lead.land(Landing::NotStored);
                            returned
                        }
                    };
                }
                Role::Follow(mut landing) => {
                    // The landing is read in a block of its own: its guard must not
                    // live across the body's `.await`.
                    let entry = {
                        let Ok(landed) = landing
                            .wait_for(|landing| !matches!(landing, Landing::Pending))
                            .await
                        else {
                            // The leader was cancelled or panicked: lead or follow anew.
                            continue;
                        };
                        match &*landed {
                            Landing::Stored(stamp) => Ok(Some(*stamp)),
                            Landing::Pending | Landing::NotStored => Ok(None),
                            Landing::Panicked(message) => Err(Arc::clone(message)),
                        }
                    };
                    let entry = entry.unwrap_or_else(|message| {
                        self.base.count_miss();
                        unwind::resume_shared(&message)
                    });
                    if let Some(stamp) = entry
                        && let Some(value) = state.store.landed(&self.base, hash, stamp.id, &key)
                    {
                        return M::join(value);
                    }
                    self.base.count_miss();
                    let body = body.take().expect("a follower runs its body at most once");
                    return body().await.0;
                }
            }
        }
    }

    /// Stores `value` for `key`, replacing what was there.
    #[doc(hidden)]
    #[allow(clippy::unused_async)]
    pub async fn insert(&self, hash: u64, key: K, value: V) {
        let entry = self.base.entry(key, value, self.base.generation(), false);
        self.state().store.put(hash, entry);
    }

    /// Removes the entry of the key `is_key` recognises; another key stored under
    /// the same hash stays.
    #[doc(hidden)]
    #[allow(clippy::unused_async)]
    pub async fn invalidate(&self, hash: u64, is_key: impl FnOnce(&K) -> bool) {
        self.state().store.invalidate(hash, is_key);
    }

    /// Removes every entry.
    pub fn invalidate_all(&self) {
        self.base.next_generation();
        if let Some(state) = self.state.get() {
            state.store.invalidate_all();
        }
    }

    /// Hits, misses and entries so far.
    pub fn stats(&self) -> CacheStats {
        let stats = CacheStats {
            evictions: self.state.get().map_or(0, |state| state.store.evictions()),
            ..self.base.stats(self.entry_count())
        };
        #[cfg(feature = "redis")]
        if let Some(link) = &self.l2 {
            return link.add_stats(stats);
        }
        stats
    }

    /// The number of entries, as of moka's last maintenance.
    pub fn entry_count(&self) -> u64 {
        self.state
            .get()
            .map_or(0, |state| state.store.moka.entry_count())
    }

    /// The bytes the entries weigh, as of moka's last maintenance, when the cache
    /// is bounded in bytes (`#[cached(max_bytes = …)]`); otherwise the number of
    /// entries, each weighing 1.
    pub fn weighted_size(&self) -> u64 {
        self.state
            .get()
            .map_or(0, |state| state.store.moka.weighted_size())
    }

    /// Runs moka's pending maintenance now: evictions, expirations, counts.
    #[allow(clippy::unused_async)]
    pub async fn run_pending_tasks(&self) {
        if let Some(state) = self.state.get() {
            state.store.replay_reads();
            state.store.moka.run_pending_tasks();
        }
    }

    /// The configuration the cache was built with.
    pub fn config(&self) -> CacheConfig {
        self.base.config
    }

    /// The function's path, as `#[cached]` gave it (`module::function`): the
    /// `function` field of its misses in `tracing`.
    pub fn name(&self) -> &'static str {
        self.base.name
    }
}
