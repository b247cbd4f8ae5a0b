//! `#[cached(l2)]`: the one tier the process installs, and each function's
//! link to it.
//!
//! The tier is configured once, at start-up, never per function: the functions
//! read it on their first local miss after it is installed. Until then (or
//! forever, if none is), they run on their in-process cache alone and count
//! each miss in [`CacheStats::l2_unavailable`].

use super::tier::{KeyParts, Missed, RedisTier, Space};
use crate::cache::future::AsyncFnCache;
use crate::cache::mode::Mode;
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
use tokio::time::Instant;

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
    message = "`#[cached(l2)]` stores `{Self}` in Redis, which needs `Serialize` and `DeserializeOwned`",
    label = "the cached value type",
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
    }
}

/// The encoding and decoding of one value type, as plain function pointers.
#[doc(hidden)]
pub struct L2Codec<V> {
    lookup: fn(&'static L2Link, KeyParts) -> LookupFuture<V>,
    write: fn(&'static L2Link, KeyParts, V, Duration),
}

type LookupFuture<V> = Pin<Box<dyn Future<Output = Option<(V, Duration)>> + Send>>;

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
    hits: AtomicU64,
    misses: AtomicU64,
    unavailable: AtomicU64,
    writes: AtomicU64,
    /// Whether the subscription to the other instances' invalidations started.
    subscribed: AtomicBool,
}

impl L2Link {
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
            subscribed: AtomicBool::new(false),
        }
    }

    /// Subscribes once, in the background, to the invalidations the other
    /// instances publish for this function: each one (and a reconnection,
    /// after which messages may have been missed) runs `drop_local`, which
    /// empties this process's cache of the function. Coarse: an entry cannot
    /// be found from the key bytes a message carries, since the process keys
    /// its entries by a keyed hash of the borrowed arguments.
    fn subscribe_once(&'static self, drop_local: impl Fn() + Send + Sync + 'static) {
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
            tier.subscribe(self.space(), move |_| drop_local()).await;
        });
    }

    fn space(&self) -> &Space {
        self.space
            .get_or_init(|| Space::new(self.namespace, self.schema))
    }

    /// The entry of `key`, counted as a hit, a miss or a call without Redis.
    async fn lookup<V: DeserializeOwned>(&self, key: &KeyParts) -> Option<(V, Duration)> {
        let Some(tier) = installed() else {
            self.unavailable.fetch_add(1, Relaxed);
            return None;
        };
        match tier.fetch::<V>(self.space(), key).await {
            Ok(hit) => {
                self.hits.fetch_add(1, Relaxed);
                Some((hit.value, hit.remaining))
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
        let write = async move {
            let stored = tier
                .store(self.space(), &key, &value, self.ttl, body_time)
                .await;
            if stored == super::Stored::Stored {
                self.writes.fetch_add(1, Relaxed);
            }
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(write);
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
        tier.publish(self.space(), &super::Invalidation::Key(key.bytes))
            .await;
    }

    /// Stores `value` as `key`'s entry in Redis, behind the caller.
    #[doc(hidden)]
    pub fn prime<K, V>(&'static self, codec: L2Codec<V>, key: &K, value: V)
    where
        K: CacheKey + ?Sized,
    {
        (codec.write)(self, KeyParts::of(key), value, Duration::ZERO);
    }

    pub(crate) fn add_stats(&self, stats: CacheStats) -> CacheStats {
        CacheStats {
            l2_hits: self.hits.load(Relaxed),
            l2_misses: self.misses.load(Relaxed),
            l2_unavailable: self.unavailable.load(Relaxed),
            l2_writes: self.writes.load(Relaxed),
            ..stats
        }
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

impl<K, V> AsyncFnCache<K, V>
where
    K: StoredKey,
    V: Clone + Send + Sync + 'static,
{
    /// [`get_or_compute`](AsyncFnCache::get_or_compute) through the Redis
    /// tier: the leader of a miss asks Redis for `l2_key` first, copies a hit
    /// into this cache (expiring no later than in Redis), and otherwise runs
    /// `body` and writes its value to Redis behind the caller.
    #[doc(hidden)]
    pub fn get_or_load_l2<R, M, F>(
        &'static self,
        hash: u64,
        key: K,
        parts: KeyParts,
        codec: L2Codec<V>,
        _mode: M,
        body: impl FnOnce() -> F,
    ) -> Pin<Box<impl Future<Output = R>>>
    where
        M: Mode<R, Value = V>,
        F: Future<Output = R>,
    {
        let link = self.l2_link();
        link.subscribe_once(|| self.invalidate_all());
        Box::pin(self.compute::<R, M, _>(hash, key, move || async move {
            if let Some((value, remaining)) = (codec.lookup)(link, parts.clone()).await {
                return (M::join(value), Some(remaining));
            }
            let started = Instant::now();
            let returned = crate::trace::miss(self.base.name, M::outcome, body()).await;
            match M::split(returned) {
                Ok(value) => {
                    (codec.write)(link, parts, value.clone(), started.elapsed());
                    (M::join(value), None)
                }
                Err(returned) => (returned, None),
            }
        }))
    }
}
