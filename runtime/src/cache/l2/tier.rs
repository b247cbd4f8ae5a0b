//! The Redis tier: one handle per process, shared by every function that opts
//! in, each in its own [`Space`].

use super::backplane::{self, Invalidation, Subscriptions};
use super::breaker::{Breaker, BreakerState};
pub use super::config::TierConfig;
use super::connection::Connection;
use super::envelope::{self, Decoded};
use crate::key::CacheKey;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One function's part of the tier: a key namespace and a schema hash.
///
/// Redis keys are `{namespace}:v{format}:{fingerprint as 16 hex digits}`,
/// braces included: the namespace is a hash tag, so that on a Redis Cluster
/// every key of a function lives in one slot (a batch is one `MGET`, its writes
/// one pipeline). The schema hash is stored in each entry: give a new one when
/// the function's signature or value type changes, and old entries read as
/// misses.
#[derive(Clone, Debug)]
pub struct Space {
    pub(super) prefix: String,
    pub(super) schema: u64,
}

impl Space {
    /// The space `namespace` (e.g. the crate and function path), whose entries
    /// carry `schema`.
    #[must_use]
    pub fn new(namespace: &str, schema: u64) -> Self {
        Self {
            prefix: format!("{{{namespace}}}:v{}:", envelope::FORMAT),
            schema,
        }
    }

    /// The pub/sub channel of the space's invalidations.
    fn channel(&self) -> String {
        format!("{}inv", self.prefix)
    }

    /// The Redis key of `key`'s entry.
    #[must_use]
    pub fn redis_key<K: CacheKey + ?Sized>(&self, key: &K) -> String {
        self.key_of(key.fingerprint())
    }

    /// The Redis key of the entry whose key has `fingerprint`.
    pub(crate) fn key_of(&self, fingerprint: u64) -> String {
        format!("{}{fingerprint:016x}", self.prefix)
    }
}

/// A key as the tier needs it, computed once on a local miss: its stable
/// fingerprint (the Redis key) and its full encoding (the entry's key check).
#[derive(Clone, Debug)]
#[doc(hidden)]
pub struct KeyParts {
    pub(crate) fingerprint: u64,
    pub(crate) bytes: Vec<u8>,
    /// The tags the entry is written with (`#[cached(l2, tags = ..)]`).
    pub(crate) tags: Vec<String>,
}

impl KeyParts {
    /// The parts of `key`.
    #[must_use]
    pub fn of<K: CacheKey + ?Sized>(key: &K) -> Self {
        Self {
            fingerprint: key.fingerprint(),
            bytes: key.key_bytes(),
            tags: Vec::new(),
        }
    }
}

/// Why a read found no value: Redis had none usable, or could not be asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Missed {
    /// Redis answered: no entry, or one for another key, schema or format.
    Absent,
    /// Redis failed, timed out or was skipped by the open breaker.
    Unavailable,
}

/// An entry read from the tier.
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched<V> {
    /// The value.
    pub value: V,
    /// How long the entry has left in Redis: an entry promoted to the local
    /// cache must not outlive it there.
    pub remaining: Duration,
    /// How long the body took to compute it.
    pub body_time: Duration,
    /// The entry's tags (empty for a function without tags).
    pub tags: Vec<String>,
}

/// What [`RedisTier::put`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// The entry is in Redis.
    Stored,
    /// Encoded larger than the configured cap: not stored.
    Oversized,
    /// Redis failed, timed out or was skipped by the open breaker.
    Unavailable,
}

/// Counters of a [`RedisTier`], since it was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TierStats {
    /// Reads that found this key's entry.
    pub hits: u64,
    /// Reads that found nothing.
    pub misses: u64,
    /// Reads that found another key's entry (a fingerprint collision) or
    /// another schema's: misses.
    pub mismatches: u64,
    /// Reads that found an entry that could not be decoded: misses; the next
    /// store overwrites it.
    pub corrupt: u64,
    /// Values not stored because they encode larger than the cap.
    pub oversized: u64,
    /// Operations that failed or timed out.
    pub errors: u64,
    /// Operations skipped because the breaker was open.
    pub skipped: u64,
    /// How many times the breaker opened.
    pub breaker_opened: u64,
    /// Writes behind callers not made: the queue was full, or Redis failed
    /// (they are not retried: the next miss of the key writes it again).
    pub dropped: u64,
    /// Reads that found an entry created before one of its tags was
    /// invalidated: misses.
    pub invalidated: u64,
}

#[derive(Default)]
pub(super) struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    mismatches: AtomicU64,
    corrupt: AtomicU64,
    pub(super) oversized: AtomicU64,
    pub(super) errors: AtomicU64,
    pub(super) skipped: AtomicU64,
    /// Writes behind callers dropped: the queue was full, or Redis failed.
    pub(super) dropped: AtomicU64,
    pub(super) invalidated: AtomicU64,
}

pub(super) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// A Redis shared by every instance of the service, under the in-process
/// caches. It never fails a caller: every operation has its deadline, a
/// circuit breaker skips Redis while it keeps failing, and whatever goes wrong
/// is a miss or an unstored value, counted in [`stats`](Self::stats).
///
/// ```no_run
/// use std::time::Duration;
/// use unokit::cache::l2::{RedisTier, Space, TierConfig};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let tier = RedisTier::new(TierConfig::new("redis://127.0.0.1:6379"))?;
/// let users = Space::new("my_app::user_name", 1);
/// tier.put(&users, &7_u64, &"Ada".to_owned(), Duration::from_secs(60), Duration::ZERO).await;
/// let name = tier.get::<u64, String>(&users, &7).await.map(|hit| hit.value);
/// assert_eq!(name.as_deref(), Some("Ada"));
/// # Ok(())
/// # }
/// ```
pub struct RedisTier {
    /// One per node: the subscription moves to the next when its node goes.
    pub(super) clients: Vec<redis::Client>,
    pub(super) subscriptions: Arc<Subscriptions>,
    pub(super) connection: Connection,
    pub(super) config: TierConfig,
    pub(super) breaker: Breaker,
    pub(super) counters: Counters,
    /// The writes behind callers, started on the first one (`queue.rs`).
    pub(super) queue: std::sync::OnceLock<super::queue::Sender>,
}

impl RedisTier {
    /// A tier on the Redis `config` names. It connects on first use, in the
    /// background of an operation's deadline, and reconnects by itself.
    ///
    /// # Errors
    ///
    /// A URL does not parse, or none is given.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime.
    pub fn new(config: TierConfig) -> Result<Self, redis::RedisError> {
        let (connection, clients) = Connection::open(&config)?;
        // Tells this instance's messages from the others'.
        let source = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Ok(Self {
            connection,
            clients,
            subscriptions: Arc::new(Subscriptions::new(source)),
            breaker: Breaker::new(config.breaker_failures, config.breaker_open_for),
            counters: Counters::default(),
            queue: std::sync::OnceLock::new(),
            config,
        })
    }

    /// The entry of `key` in `space`, if Redis has it and answers in time.
    pub async fn get<K: CacheKey + ?Sized, V: DeserializeOwned>(
        &self,
        space: &Space,
        key: &K,
    ) -> Option<Fetched<V>> {
        self.fetch(space, &KeyParts::of(key)).await.ok()
    }

    /// The entry of `key` in `space`, or why there is none.
    pub(crate) async fn fetch<V: DeserializeOwned>(
        &self,
        space: &Space,
        key: &KeyParts,
    ) -> Result<Fetched<V>, Missed> {
        let bytes: Option<Vec<u8>> = self
            .command(|| redis::cmd("GET").arg(space.key_of(key.fingerprint)).clone())
            .await
            .ok_or(Missed::Unavailable)?;
        let (fetched, born_ms) = self
            .read(space, &key.bytes, bytes.as_deref())
            .ok_or(Missed::Absent)?;
        self.drop_if_invalidated(fetched, born_ms).await
    }

    /// The entries of `keys` in `space`, in one `MGET` round trip: one slot
    /// per key, `None` where Redis has nothing usable.
    pub async fn get_many<K: CacheKey, V: DeserializeOwned>(
        &self,
        space: &Space,
        keys: &[K],
    ) -> Vec<Option<Fetched<V>>> {
        let keys: Vec<KeyParts> = keys.iter().map(KeyParts::of).collect();
        self.fetch_many(space, &keys).await.0
    }

    /// The entries of `keys` in one `MGET`, and whether Redis answered.
    pub(crate) async fn fetch_many<V: DeserializeOwned>(
        &self,
        space: &Space,
        keys: &[KeyParts],
    ) -> (Vec<Option<Fetched<V>>>, bool) {
        if keys.is_empty() {
            return (Vec::new(), true);
        }
        let found: Option<Vec<Option<Vec<u8>>>> = self
            .command(|| {
                let mut command = redis::cmd("MGET");
                for key in keys {
                    command.arg(space.key_of(key.fingerprint));
                }
                command
            })
            .await;
        let Some(found) = found else {
            return (keys.iter().map(|_| None).collect(), false);
        };
        let entries = keys
            .iter()
            .zip(
                found
                    .iter()
                    .map(Option::as_deref)
                    .chain(std::iter::repeat(None)),
            )
            .map(|(key, bytes)| self.read(space, &key.bytes, bytes))
            .collect();
        self.drop_invalidated(entries).await
    }

    /// Stores `value` for `key` in `space` for `ttl`, with the time its body
    /// took (for early recomputation).
    pub async fn put<K: CacheKey + ?Sized, V: Serialize + ?Sized>(
        &self,
        space: &Space,
        key: &K,
        value: &V,
        ttl: Duration,
        body_time: Duration,
    ) -> Stored {
        self.store(space, &KeyParts::of(key), value, ttl, body_time)
            .await
    }

    /// [`put`](Self::put) for a key already taken apart.
    pub(crate) async fn store<V: Serialize + ?Sized>(
        &self,
        space: &Space,
        key: &KeyParts,
        value: &V,
        ttl: Duration,
        body_time: Duration,
    ) -> Stored {
        let entry = match self.entry(space, key, value, ttl, body_time) {
            Ok(entry) => entry,
            Err(refused) => return refused,
        };
        let done: Option<()> = self
            .command(|| {
                redis::cmd("SET")
                    .arg(&entry.key)
                    .arg(entry.bytes)
                    .arg("PX")
                    .arg(entry.ttl_ms)
                    .clone()
            })
            .await;
        if done.is_some() {
            Stored::Stored
        } else {
            Stored::Unavailable
        }
    }

    /// Removes the entry of `key` in `space`; whether Redis confirmed it.
    pub async fn remove<K: CacheKey + ?Sized>(&self, space: &Space, key: &K) -> bool {
        self.delete(space, key.fingerprint()).await
    }

    /// Removes the entry whose key has `fingerprint`; whether Redis confirmed it.
    pub(crate) async fn delete(&self, space: &Space, fingerprint: u64) -> bool {
        let removed: Option<u64> = self
            .command(|| redis::cmd("DEL").arg(space.key_of(fingerprint)).clone())
            .await;
        removed.is_some()
    }

    /// Tells the other instances subscribed to `space` to drop what
    /// `invalidation` names; whether Redis took the message in time. This
    /// instance's own handlers do not hear it.
    pub async fn publish(&self, space: &Space, invalidation: &Invalidation) -> bool {
        let sent: Option<u64> = self
            .command(|| {
                redis::cmd("PUBLISH")
                    .arg(space.channel())
                    .arg(backplane::encode(self.subscriptions.source, invalidation))
                    .clone()
            })
            .await;
        sent.is_some()
    }

    /// Calls `handler` with each invalidation other instances publish for
    /// `space`, from a background task that keeps the subscription (one
    /// connection for every space) and reconnects; after a reconnection the
    /// handler hears [`Invalidation::Reconnected`]. Returns whether the
    /// subscription was live when this returned: if not, it starts as soon as
    /// Redis can be reached.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime.
    pub async fn subscribe(
        &self,
        space: &Space,
        handler: impl Fn(Invalidation) + Send + Sync + 'static,
    ) -> bool {
        self.subscriptions
            .add(
                &self.clients,
                space.channel(),
                Arc::new(handler),
                self.config.op_timeout,
            )
            .await
    }

    /// The counters.
    #[must_use]
    pub fn stats(&self) -> TierStats {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let counters = &self.counters;
        TierStats {
            hits: load(&counters.hits),
            misses: load(&counters.misses),
            mismatches: load(&counters.mismatches),
            corrupt: load(&counters.corrupt),
            oversized: load(&counters.oversized),
            errors: load(&counters.errors),
            skipped: load(&counters.skipped),
            breaker_opened: self.breaker.times_opened(),
            dropped: load(&counters.dropped),
            invalidated: load(&counters.invalidated),
        }
    }

    /// The settings it was made with.
    #[must_use]
    pub fn config(&self) -> &TierConfig {
        &self.config
    }

    /// Where the circuit breaker stands.
    #[must_use]
    pub fn breaker(&self) -> BreakerState {
        self.breaker.state()
    }

    /// Runs the command `build` makes, under the breaker and the deadline:
    /// `None` if the breaker skipped it (then it is not even built: a skipped
    /// call costs no key and no allocation), or it failed or timed out. Each
    /// outcome is reported to the breaker: a half-open breaker admits one
    /// probe and waits for its result.
    pub(crate) async fn command<T: redis::FromRedisValue>(
        &self,
        build: impl FnOnce() -> redis::Cmd,
    ) -> Option<T> {
        self.guarded(|mut connection| async move { build().query_async(&mut connection).await })
            .await
    }

    /// Runs `operation` on a clone of the connection, under the breaker and
    /// the deadline, as [`command`](Self::command) does.
    pub(super) async fn guarded<T, F>(&self, operation: impl FnOnce(Connection) -> F) -> Option<T>
    where
        F: Future<Output = redis::RedisResult<T>>,
    {
        if !self.breaker.allow() {
            bump(&self.counters.skipped);
            return None;
        }
        let outcome =
            tokio::time::timeout(self.config.op_timeout, operation(self.connection.clone())).await;
        if let Ok(Ok(value)) = outcome {
            self.breaker.succeeded();
            Some(value)
        } else {
            self.breaker.failed();
            bump(&self.counters.errors);
            None
        }
    }

    /// The entry in `bytes`, and when its body started (ms since the epoch),
    /// which its tags' invalidation times are compared with.
    fn read<V: DeserializeOwned>(
        &self,
        space: &Space,
        key: &[u8],
        bytes: Option<&[u8]>,
    ) -> Option<(Fetched<V>, u64)> {
        let Some(bytes) = bytes else {
            bump(&self.counters.misses);
            return None;
        };
        match envelope::decode::<V>(bytes, space.schema, key) {
            Decoded::Value(header, tags, value) => {
                bump(&self.counters.hits);
                let expires = header.created_ms.saturating_add(header.ttl_ms);
                let remaining = expires.saturating_sub(unix_ms(SystemTime::now()));
                let born_ms = header
                    .created_ms
                    .saturating_sub(u64::from(header.body_us) / 1000);
                let fetched = Fetched {
                    value,
                    remaining: Duration::from_millis(remaining),
                    body_time: Duration::from_micros(u64::from(header.body_us)),
                    tags,
                };
                Some((fetched, born_ms))
            }
            Decoded::Mismatch => {
                bump(&self.counters.mismatches);
                None
            }
            Decoded::Corrupt => {
                bump(&self.counters.corrupt);
                None
            }
        }
    }
}

impl Drop for RedisTier {
    fn drop(&mut self) {
        // Ends the subscriber task, if one was started.
        self.subscriptions.closed.notify_one();
    }
}

pub(super) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

pub(super) fn unix_ms(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, millis)
}
