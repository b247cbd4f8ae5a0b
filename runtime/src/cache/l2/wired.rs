//! `#[cached(l2)]`: the one tier the process installs, and each function's
//! link to it.
//!
//! The tier is configured once, at start-up, never per function: the functions
//! read it on their first local miss after it is installed. Until then (or
//! forever, if none is), they run on their in-process cache alone and count
//! each miss in [`CacheStats::l2_unavailable`].

use super::backplane::Invalidation;
use super::tier::{Fetched, KeyParts, Missed, RedisTier, Space};
use crate::cache::future::AsyncFnCache;
use crate::cache::stats::CacheStats;
use crate::cache::stored_key::StoredKey;
use crate::key::CacheKey;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

static INSTALLED: OnceLock<RedisTier> = OnceLock::new();

/// Makes `tier` the Redis tier of every `#[cached(l2)]` function of the
/// process, once, at start-up. Returns it back if one is installed already.
///
/// Install it from the service's Tokio runtime: the tier's connection lives
/// on the runtime that first uses it.
///
/// Without an installed tier the functions run on their in-process caches
/// alone, and say so in their stats
/// ([`l2_unavailable`](CacheStats::l2_unavailable)); a tier whose Redis is
/// down does the same, call by call, until it is back.
///
/// ```no_run
/// use unokit::cache::l2::{self, RedisTier, TierConfig};
///
/// #[unokit::cached(l2, ttl = "10m", l1_ttl = "30s")]
/// async fn user_name(id: u64) -> String {
///     format!("user {id}")
/// }
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let tier = RedisTier::new(TierConfig::new("redis://127.0.0.1:6379"))?;
/// if l2::install(tier).is_err() {
///     panic!("a tier was installed already");
/// }
/// assert_eq!(user_name(7).await, "user 7");
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// A tier was installed before: `tier` is handed back, unused (boxed: a
/// tier is a few hundred bytes).
pub fn install(tier: RedisTier) -> Result<(), Box<RedisTier>> {
    INSTALLED.set(tier).map_err(Box::new)
}

/// The installed tier, if any.
///
/// ```
/// assert!(unokit::cache::l2::installed().is_none());
/// ```
#[must_use]
pub fn installed() -> Option<&'static RedisTier> {
    INSTALLED.get()
}

/// A values the Redis tier can store: one it can encode and decode.
#[diagnostic::on_unimplemented(
    message = "`l2` stores `{Self}` in Redis, which needs `Serialize` and `DeserializeOwned`",
    label = "the value type stored in Redis",
    note = "derive them: `#[derive(serde::Serialize, serde::Deserialize)]` on `{Self}` (or remove `l2`)"
)]
pub trait L2Value: Serialize + DeserializeOwned {}

impl<T: Serialize + DeserializeOwned> L2Value for T {}

/// Generated at the return type of an `#[cached(l2)]` function, so that a
/// value Redis cannot store is reported there, and only there: the codec it
/// gives carries the `Serialize`/`DeserializeOwned` work, so the methods the
/// generated code calls with it ask nothing of `V`.
#[doc(hidden)]
#[must_use]
pub fn assert_l2_value<V: L2Value + Send + Sync + 'static>() -> L2Codec<V> {
    L2Codec {
        lookup: |link, key| Box::pin(async move { link.lookup::<V>(&key).await }),
        write: L2Link::write_behind::<V>,
        write_now: |link, key, value, body_time| {
            Box::pin(async move { link.write_through(&key, &value, body_time).await })
        },
        fetch_many: |link, keys| Box::pin(async move { link.fetch_many::<V>(&keys).await }),
        write_ref: L2Link::write_ref_behind::<V>,
    }
}

/// The encoding and decoding of one value type, as plain function pointers.
#[doc(hidden)]
pub struct L2Codec<V> {
    pub(super) lookup: fn(&'static L2Link, KeyParts) -> LookupFuture<V>,
    pub(super) write: fn(&'static L2Link, KeyParts, V, Duration),
    /// A write awaited: what waiting instances read once the lock is given back.
    pub(super) write_now: fn(&'static L2Link, KeyParts, V, Duration) -> WriteFuture,
    /// A batch's lookups in one `MGET` (`#[batch_load(l2)]`).
    pub(super) fetch_many: fn(&'static L2Link, Vec<KeyParts>) -> FetchManyFuture<V>,
    /// A batch's write of one loaded value, queued behind the caller.
    pub(super) write_ref: fn(&'static L2Link, &KeyParts, &V),
}

/// The values a batch found in Redis, one slot per key, and whether Redis answered.
type FetchManyFuture<V> = Pin<Box<dyn Future<Output = (Vec<Option<V>>, bool)> + Send>>;

pub(super) type LookupFuture<V> = Pin<Box<dyn Future<Output = Option<Fetched<V>>> + Send>>;

/// A write the caller waits for (the holder of a key's lock).
pub(super) type WriteFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

impl<V> Clone for L2Codec<V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V> Copy for L2Codec<V> {}

/// One function's part of the tier: its space, the time to live of its
/// entries in Redis, and its counters.
#[doc(hidden)]
pub struct L2Link {
    namespace: &'static str,
    schema: u64,
    ttl: Duration,
    space: OnceLock<Space>,
    pub(super) hits: AtomicU64,
    pub(super) misses: AtomicU64,
    pub(super) unavailable: AtomicU64,
    pub(super) writes: AtomicU64,
    pub(super) hedged: AtomicU64,
    /// Misses answered by the body ahead of the entry's expiry (XFetch).
    pub(super) early: AtomicU64,
    /// With `lock`: how long a miss waits for the instance holding the key's
    /// lock (and how long a lock is held at most).
    pub(super) lock: Option<Duration>,
    /// Each key's local hash, by its encoding ([`remember`](Self::remember)).
    local: OnceLock<moka::sync::Cache<Box<[u8]>, u64>>,
    /// Whether the subscription to the other instances' invalidations started.
    subscribed: AtomicBool,
    /// With `tags`: the local entries by tag, made when the function first
    /// runs (and then listens to tag invalidations). Functions without tags
    /// keep none, and a pointer's room in the link.
    pub(super) tag_index: OnceLock<Box<std::sync::Mutex<super::tags::TagIndex>>>,
}

impl L2Link {
    /// How many keys' local hashes are remembered for invalidations.
    const REMEMBERED: u64 = 100_000;

    /// The link of a function whose entries are keyed under `namespace`, carry
    /// `schema` and live `ttl` in Redis.
    #[must_use]
    pub const fn new(namespace: &'static str, schema: u64, ttl: Duration) -> Self {
        Self {
            namespace,
            schema,
            ttl,
            space: OnceLock::new(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            unavailable: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            hedged: AtomicU64::new(0),
            early: AtomicU64::new(0),
            lock: None,
            local: OnceLock::new(),
            subscribed: AtomicBool::new(false),
            tag_index: OnceLock::new(),
        }
    }

    /// With a distributed lock per key: a miss that Redis cannot answer
    /// takes the key's lock before it runs the body, or waits up to `wait`
    /// for the instance that holds it to store the value (then runs the
    /// body anyway).
    #[must_use]
    pub const fn with_lock(mut self, wait: Duration) -> Self {
        self.lock = Some(wait);
        self
    }

    /// Subscribes once, in the background, to the invalidations the other
    /// instances publish for this function, and hands each to `drop_local`
    /// (which drops the named key, or everything after a reconnection, when
    /// messages may have been missed).
    pub(super) fn subscribe_once(
        &'static self,
        drop_local: impl Fn(Invalidation) + Send + Sync + 'static,
    ) {
        let Some(tier) = installed() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.subscribed.swap(true, Relaxed) {
            return;
        }
        runtime.spawn(async move {
            tier.subscribe(self.space(), drop_local).await;
        });
    }

    /// Remembers that the entry of the key encoded as `bytes` is stored in
    /// this process under `hash`, so that another instance's invalidation of
    /// that key drops that entry alone. Bounded: a key no longer remembered
    /// is dropped with everything else.
    pub(super) fn remember(&self, bytes: &[u8], hash: u64) {
        self.local
            .get_or_init(|| moka::sync::Cache::new(Self::REMEMBERED))
            .insert(bytes.into(), hash);
    }

    /// Where the entry of the key encoded as `bytes` is stored here, if known.
    pub(super) fn local_hash(&self, bytes: &[u8]) -> Option<u64> {
        self.local.get()?.get(bytes)
    }

    pub(super) fn space(&self) -> &Space {
        self.space
            .get_or_init(|| Space::new(self.namespace, self.schema))
    }

    /// The entry of `key`, counted as a hit, a miss or a call without Redis.
    pub(super) async fn lookup<V: DeserializeOwned>(&self, key: &KeyParts) -> Option<Fetched<V>> {
        let Some(tier) = installed() else {
            self.unavailable.fetch_add(1, Relaxed);
            return None;
        };
        match tier.fetch::<V>(self.space(), key).await {
            Ok(hit) => {
                self.hits.fetch_add(1, Relaxed);
                Some(hit)
            }
            Err(Missed::Absent) => {
                self.misses.fetch_add(1, Relaxed);
                None
            }
            Err(Missed::Unavailable) => {
                self.unavailable.fetch_add(1, Relaxed);
                None
            }
        }
    }

    /// Stores `value` in Redis without making the caller wait: on a task of
    /// its own (one per write for now, not a bounded queue), or inline outside
    /// a Tokio runtime.
    fn write_behind<V>(&'static self, key: KeyParts, value: V, body_time: Duration)
    where
        V: Serialize + Send + Sync + 'static,
    {
        let Some(tier) = installed() else {
            return;
        };
        // Encoded here, queued as bytes: one queue serves every value type.
        if let Ok(entry) = tier.entry(self.space(), &key, &value, self.ttl, body_time) {
            tier.write_behind(entry, &self.writes);
        }
    }

    /// Stores `value` in Redis, waited for.
    async fn write_through<V: Serialize>(&self, key: &KeyParts, value: &V, body_time: Duration) {
        let Some(tier) = installed() else {
            return;
        };
        let stored = tier
            .store(self.space(), key, value, self.ttl, body_time)
            .await;
        if stored == super::Stored::Stored {
            self.writes.fetch_add(1, Relaxed);
        }
    }

    /// Removes `key`'s entry from Redis and tells the other instances
    /// (waited for: `_invalidate` returns once Redis has it, or has failed).
    #[doc(hidden)]
    pub async fn invalidate<K: CacheKey + ?Sized>(&self, key: &K) {
        let Some(tier) = installed() else {
            return;
        };
        let key = KeyParts::of(key);
        tier.delete(self.space(), key.fingerprint).await;
        tier.publish(self.space(), &Invalidation::Key(key.bytes))
            .await;
    }

    /// Removes every entry of the function from Redis and tells the other
    /// instances to drop theirs, behind the caller (`_invalidate_all`).
    fn forget_all(&'static self) {
        let (Some(tier), Ok(runtime)) = (installed(), tokio::runtime::Handle::try_current()) else {
            return;
        };
        runtime.spawn(async move {
            tier.publish(self.space(), &Invalidation::All).await;
            tier.unlink_space(self.space()).await;
        });
    }

    /// Stores `value` as `key`'s entry in Redis, behind the caller.
    #[doc(hidden)]
    pub fn prime<K, V>(&'static self, codec: L2Codec<V>, key: &K, value: V)
    where
        K: CacheKey + ?Sized,
    {
        (codec.write)(self, KeyParts::of(key), value, Duration::ZERO);
    }

    /// Counts a batch's lookups: `hits` found, `misses` not, or, with
    /// `unavailable`, every key asked without an answer.
    pub(super) fn count(&self, hits: usize, misses: usize, unavailable: bool) {
        let counter = if unavailable {
            &self.unavailable
        } else {
            &self.misses
        };
        counter.fetch_add(misses as u64, Relaxed);
        self.hits.fetch_add(hits as u64, Relaxed);
    }

    /// The time to live of the function's entries in Redis.
    pub(super) const fn ttl(&self) -> Duration {
        self.ttl
    }

    pub(crate) fn add_stats(&self, stats: CacheStats) -> CacheStats {
        CacheStats {
            l2_hits: self.hits.load(Relaxed),
            l2_misses: self.misses.load(Relaxed),
            l2_unavailable: self.unavailable.load(Relaxed),
            l2_writes: self.writes.load(Relaxed),
            l2_hedged: self.hedged.load(Relaxed),
            l2_early: self.early.load(Relaxed),
            ..stats
        }
    }
}

impl<K: StoredKey, V: Clone + Send + Sync + 'static> AsyncFnCache<K, V> {
    /// Empties this process's cache of the function and, behind the caller,
    /// its entries in Redis and the other instances' caches.
    #[doc(hidden)]
    pub fn invalidate_all_everywhere(&'static self) {
        self.invalidate_all();
        self.l2_link().forget_all();
    }
}

impl<K, V> AsyncFnCache<K, V> {
    /// The function's link to the Redis tier.
    ///
    /// # Panics
    ///
    /// On a cache built without one: generated code asks only with `l2`.
    #[doc(hidden)]
    #[must_use]
    pub fn l2_link(&'static self) -> &'static L2Link {
        self.l2
            .as_ref()
            .expect("a cache built with `new_l2` has a link")
    }
}
