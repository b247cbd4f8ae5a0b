use super::base::Base;
use super::config::CacheConfig;
use super::mode::Mode;
use super::stats::CacheStats;
use super::store::Store;
use super::stored_key::StoredKey;
use super::unwind::{self, Caught};
use super::weigh::{Weigh, Weigher, weigh_entry};
use crate::key::{KeyedHasher, KeyedSeed};
use crate::trace;
use std::sync::{Arc, OnceLock};

/// Why moka stored nothing: the error a leader hands moka's single flight, which
/// shares it with every caller waiting on the same key.
enum Unstored {
    /// The result is not to be cached; the leader keeps it for itself, and each
    /// waiting caller runs its own body.
    NotCached,
    /// The body panicked with this message.
    Panicked(Arc<str>),
}

/// The cache behind a sync `#[cached]` function: a table of entries keyed by a
/// keyed hash of the arguments, with moka's `sync::Cache` deciding what stays.
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
    /// Apart from the state, and without bounds on `K`: generated code hashes the
    /// arguments first, and a type that is not a key is best reported there.
    seed: OnceLock<KeyedSeed>,
    /// Weighs entries for a cache bounded in bytes (`#[cached(max_bytes = …)]`).
    weigher: Option<Weigher<K, V>>,
    state: OnceLock<Store<K, V>>,
}

impl<K, V> SyncFnCache<K, V> {
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
            seed: OnceLock::new(),
            weigher: None,
            state: OnceLock::new(),
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
        }
    }

    fn state(&self) -> &Store<K, V> {
        self.state
            .get_or_init(|| Store::new(self.base.config, self.weigher))
    }

    /// The cached value for the key that `is_key` recognises, without waiting.
    #[inline]
    #[doc(hidden)]
    pub fn get(&self, hash: u64, is_key: impl Fn(&K) -> bool) -> Option<V> {
        self.state().get(&self.base, hash, is_key)
    }

    /// The cached value for `key`, or `body`'s result, stored if `M` says so.
    ///
    /// Concurrent calls for one key run `body` once; the others wait and share its
    /// value. When the value is not to be cached (an `Err`, a `None`), the waiting
    /// callers run their own `body`, since an error cannot in general be cloned.
    /// When `body` panics, its caller panics with its payload and every waiting
    /// caller at once with its message (a `String` payload); nothing is stored.
    #[doc(hidden)]
    pub fn get_or_compute<R, M: Mode<R, Value = V>>(
        &self,
        hash: u64,
        key: K,
        _mode: M,
        body: impl FnOnce() -> R,
    ) -> R {
        let store = self.state();
        store.replay_reads();
        let generation = self.base.generation();
        let mut pending = Some((key, body));
        let mut uncached = None;
        let mut led = None;
        let mut caught: Option<Caught> = None;
        let outcome = store.moka.try_get_with(hash, || {
            let (key, body) = pending.take().expect("moka runs init once");
            // Moka hands the error to every caller waiting on this init; a panic
            // escaping it would instead have them retry, one serial body each.
            let body = || trace::miss_sync(self.base.name, M::outcome, body);
            let returned = unwind::catch(body).map_err(|panic| {
                let message = panic.message();
                caught = Some(panic);
                Unstored::Panicked(message)
            })?;
            match M::split(returned) {
                Ok(value) => {
                    let absent = M::is_absent(&value);
                    led = Some(value.clone());
                    let entry = self.base.entry(key, value, generation, absent);
                    Ok(store.place(hash, entry))
                }
                Err(returned) => {
                    uncached = Some(returned);
                    Err(Unstored::NotCached)
                }
            }
        });
        let stamp = match outcome {
            Ok(stamp) => stamp,
            Err(unstored) => {
                self.base.count_miss();
                if let Unstored::Panicked(message) = &*unstored {
                    match caught {
                        Some(panic) => panic.resume(),
                        None => unwind::resume_shared(message),
                    }
                }
                return match (uncached, pending) {
                    (Some(returned), _) => returned,
                    (None, Some((_, body))) => trace::miss_sync(self.base.name, M::outcome, body),
                    (None, None) => unreachable!("a leader whose result was not cached keeps it"),
                };
            }
        };
        if let Some(value) = led {
            self.base.count_miss();
            return M::join(value);
        }
        // Another caller's init ran: its entry, if it is still there and this key's.
        let (key, body) = pending.expect("a caller whose init did not run keeps its key");
        if let Some(value) = store.landed(&self.base, hash, stamp.id, &key) {
            return M::join(value);
        }
        self.base.count_miss();
        trace::miss_sync(self.base.name, M::outcome, body)
    }

    /// Stores `value` for `key`, replacing what was there.
    #[doc(hidden)]
    pub fn insert(&self, hash: u64, key: K, value: V) {
        let entry = self.base.entry(key, value, self.base.generation(), false);
        self.state().put(hash, entry);
    }

    /// Removes the entry of the key `is_key` recognises; another key stored under
    /// the same hash stays.
    #[doc(hidden)]
    pub fn invalidate(&self, hash: u64, is_key: impl FnOnce(&K) -> bool) {
        self.state().invalidate(hash, is_key);
    }

    /// Removes every entry.
    pub fn invalidate_all(&self) {
        self.base.next_generation();
        if let Some(store) = self.state.get() {
            store.invalidate_all();
        }
    }

    /// Hits, misses and entries so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            evictions: self.state.get().map_or(0, Store::evictions),
            ..self.base.stats(self.entry_count())
        }
    }

    /// The number of entries, as of moka's last maintenance.
    pub fn entry_count(&self) -> u64 {
        self.state.get().map_or(0, |store| store.moka.entry_count())
    }

    /// The bytes the entries weigh, as of moka's last maintenance, when the cache
    /// is bounded in bytes (`#[cached(max_bytes = …)]`); otherwise the number of
    /// entries, each weighing 1.
    pub fn weighted_size(&self) -> u64 {
        self.state
            .get()
            .map_or(0, |store| store.moka.weighted_size())
    }

    /// Runs moka's pending maintenance now: evictions, expirations, counts.
    pub fn run_pending_tasks(&self) {
        if let Some(store) = self.state.get() {
            store.replay_reads();
            store.moka.run_pending_tasks();
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
