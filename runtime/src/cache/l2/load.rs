//! A local miss of an `#[cached(l2)]` function: Redis first (hedged by the
//! body when Redis is slow), recomputed ahead of expiry by about one caller
//! across instances (XFetch), and with `lock`, one body run across instances
//! for a cold key.

use super::backplane::Invalidation;
use super::hedge::{self, Answer};
use super::tags::ToDrop;
use super::tier::{Fetched, KeyParts};
use super::wired::{L2Codec, L2Link, installed};
use crate::cache::future::AsyncFnCache;
use crate::cache::mode::Mode;
use crate::cache::stored_key::StoredKey;
use crate::key::CacheKey;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// XFetch's β: the paper's default.
const BETA: f64 = 1.0;

/// How often a miss waiting for another instance's value asks Redis again.
const LOCK_POLL: Duration = Duration::from_millis(10);

impl<K, V> AsyncFnCache<K, V>
where
    K: StoredKey,
    V: Clone + Send + Sync + 'static,
{
    /// [`get_or_compute`](AsyncFnCache::get_or_compute) through the Redis
    /// tier: the leader of a miss asks Redis for `parts` first, copies a hit
    /// into this cache (expiring no later than in Redis), and otherwise runs
    /// `body` and writes its value to Redis behind the caller.
    #[doc(hidden)]
    pub fn get_or_load_l2<R, M, F>(
        &'static self,
        hash: u64,
        key: K,
        parts: KeyParts,
        codec: L2Codec<V>,
        mode: M,
        body: impl FnOnce() -> F,
    ) -> Pin<Box<impl Future<Output = R>>>
    where
        M: Mode<R, Value = V>,
        F: Future<Output = R>,
    {
        self.get_or_load_l2_tagged(hash, key, parts, codec, mode, None::<NoTags<V>>, body)
    }

    /// [`get_or_load_l2`](Self::get_or_load_l2) of a function with `tags`:
    /// `tags` gives a computed value's tags, written in its entry and
    /// remembered with its local copy, which a tag invalidation drops.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub fn get_or_load_l2_tagged<R, M, F, T>(
        &'static self,
        hash: u64,
        key: K,
        parts: KeyParts,
        codec: L2Codec<V>,
        _mode: M,
        tags: Option<T>,
        body: impl FnOnce() -> F,
    ) -> Pin<Box<impl Future<Output = R>>>
    where
        M: Mode<R, Value = V>,
        F: Future<Output = R>,
        T: Fn(&V) -> Vec<String> + Send + Sync,
    {
        let link = self.l2_link();
        if tags.is_some() {
            self.tagged();
        }
        link.subscribe_once(move |invalidation| match invalidation {
            Invalidation::Key(bytes) => match link.local_hash(&bytes) {
                // Another key under the same hash would go too: a miss, never
                // a wrong value.
                Some(hash) => self.state().store.invalidate(hash, |_| true),
                None => self.invalidate_all(),
            },
            _ => self.invalidate_all(),
        });
        // The body's run is what a trace of the miss shows.
        let body = move || crate::trace::miss(self.base.name, M::outcome, body());
        Box::pin(self.compute::<R, M, _>(hash, key, move || async move {
            link.remember(&parts.bytes, hash);
            let (returned, remaining, tags) = link
                .miss::<R, M, _, _, _>(codec, parts, tags.as_ref(), body)
                .await;
            link.index_tags(&tags, hash);
            (returned, remaining)
        }))
    }

    /// A function with tags: its local entries are dropped by tag
    /// invalidations, here and from the other instances.
    fn tagged(&'static self) {
        let link = self.l2_link();
        let mut made = false;
        link.tag_index.get_or_init(|| {
            made = true;
            Box::default()
        });
        if made {
            super::tags::register(Arc::new(move |tag: &str| {
                let to_drop = link
                    .tag_index
                    .get()
                    .map_or(ToDrop::Hashes(Vec::new()), |index| lock(index).take(tag));
                match to_drop {
                    // Another key under the same hash would go too: a miss.
                    ToDrop::Hashes(hashes) => {
                        for hash in hashes {
                            self.state().store.invalidate(hash, |_| true);
                        }
                    }
                    ToDrop::All => self.invalidate_all(),
                }
            }));
        }
        super::tags::listen();
    }

    /// `_prime` of a function with tags: writes `value` with `tags` to Redis
    /// behind the caller, and remembers them for the local copy under `hash`
    /// (which the caller stores).
    #[doc(hidden)]
    pub fn prime_l2_tagged<Q: CacheKey + ?Sized>(
        &'static self,
        codec: L2Codec<V>,
        key: &Q,
        value: V,
        tags: Vec<String>,
        hash: u64,
    ) {
        self.tagged();
        let link = self.l2_link();
        link.index_tags(&tags, hash);
        let mut parts = KeyParts::of(key);
        parts.tags = tags;
        (codec.write)(link, parts, value, Duration::ZERO);
    }
}

impl L2Link {
    /// Remembers that the local entry under `hash` carries `tags`.
    fn index_tags(&self, tags: &[String], hash: u64) {
        if let (false, Some(index)) = (tags.is_empty(), self.tag_index.get()) {
            lock(index).add(tags, hash);
        }
    }
}

impl L2Link {
    /// Answers a local miss: the value, its remaining time in Redis when
    /// Redis gave it, and its tags (from the entry, or from `tags`).
    async fn miss<R, M, B, F, T>(
        &'static self,
        codec: L2Codec<M::Value>,
        mut parts: KeyParts,
        tags: Option<&T>,
        body: B,
    ) -> (R, Option<Duration>, Vec<String>)
    where
        M: Mode<R>,
        M::Value: Clone + Send + 'static,
        B: FnOnce() -> F,
        F: Future<Output = R>,
        T: Fn(&M::Value) -> Vec<String>,
    {
        let lookup = (codec.lookup)(self, parts.clone());
        // Under the lock, a miss never hedges: a body started because Redis
        // is slow would run without the lock.
        let after = installed()
            .and_then(|tier| tier.config().hedge_after())
            .filter(|_| self.lock.is_none());
        let mut raced = false;
        let answer = hedge::hedged(lookup, after, body, || raced = true).await;
        if raced {
            self.hedged.fetch_add(1, Relaxed);
        }
        // `stored`: the value is in Redis already (the lock's holder wrote
        // it), with these tags.
        let (returned, took, stored) = match answer {
            Answer::Redis(fetched, Some(body)) if fetched.recompute_early(BETA) => {
                // Near expiry, and this caller drew the recomputation.
                self.early.fetch_add(1, Relaxed);
                let (returned, took) = timed(body).await;
                (returned, took, None)
            }
            Answer::Redis(fetched, _) => {
                return (
                    M::join(fetched.value),
                    Some(fetched.remaining),
                    fetched.tags,
                );
            }
            Answer::Absent(body) => match self.lock {
                Some(wait) => match self
                    .locked::<R, M, B, F, T>(codec, &parts, tags, wait, body)
                    .await
                {
                    Locked::Found(fetched) => {
                        return (
                            M::join(fetched.value),
                            Some(fetched.remaining),
                            fetched.tags,
                        );
                    }
                    Locked::Ran(returned, took, stored) => (returned, took, stored),
                },
                None => {
                    let (returned, took) = timed(body).await;
                    (returned, took, None)
                }
            },
            // The lookup the body outran is counted when it ends.
            Answer::Body(returned, took) => (returned, took, None),
        };
        match M::split(returned) {
            Ok(value) => {
                if let Some(tags) = stored {
                    return (M::join(value), None, tags);
                }
                parts.tags = tags.map_or_else(Vec::new, |tags| tags(&value));
                let tags = parts.tags.clone();
                if installed().is_some_and(|tier| tier.config().write_through()) {
                    (codec.write_now)(self, parts, value.clone(), took).await;
                } else {
                    (codec.write)(self, parts, value.clone(), took);
                }
                (M::join(value), None, tags)
            }
            Err(returned) => (returned, None, Vec::new()),
        }
    }

    /// A miss Redis could not answer, under the key's lock: the holder runs
    /// the body and stores its value before giving the lock back; the others
    /// wait up to `wait` for that value, then run the body themselves. Redis
    /// down: the body runs at once.
    async fn locked<R, M, B, F, T>(
        &'static self,
        codec: L2Codec<M::Value>,
        parts: &KeyParts,
        tags: Option<&T>,
        wait: Duration,
        body: B,
    ) -> Locked<M::Value, R>
    where
        M: Mode<R>,
        M::Value: Clone,
        B: FnOnce() -> F,
        F: Future<Output = R>,
        T: Fn(&M::Value) -> Vec<String>,
    {
        let Some(tier) = installed() else {
            return Locked::ran(body).await;
        };
        match tier
            .lock_fingerprint(self.space(), parts.fingerprint, wait)
            .await
        {
            Ok(Some(lock)) => {
                let (returned, took) = timed(body).await;
                let (returned, stored) = match M::split(returned) {
                    Ok(value) => {
                        let mut parts = parts.clone();
                        parts.tags = tags.map_or_else(Vec::new, |tags| tags(&value));
                        let stored = parts.tags.clone();
                        (codec.write_now)(self, parts, value.clone(), took).await;
                        (M::join(value), Some(stored))
                    }
                    Err(returned) => (returned, None),
                };
                tier.unlock(lock).await;
                Locked::Ran(returned, took, stored)
            }
            Ok(None) => {
                let until = Instant::now() + wait;
                while Instant::now() < until {
                    tokio::time::sleep(LOCK_POLL).await;
                    if let Some(fetched) = (codec.lookup)(self, parts.clone()).await {
                        return Locked::Found(fetched);
                    }
                }
                Locked::ran(body).await
            }
            Err(_) => Locked::ran(body).await,
        }
    }
}

/// What a miss under the lock got.
enum Locked<V, R> {
    /// The entry another instance stored.
    Found(Fetched<V>),
    /// What the body returned here, how long it took, and, if its value is
    /// stored already (by the lock's holder), the tags it was stored with.
    Ran(R, Duration, Option<Vec<String>>),
}

impl<V, R> Locked<V, R> {
    async fn ran<F: Future<Output = R>>(body: impl FnOnce() -> F) -> Self {
        let (returned, took) = timed(body).await;
        Self::Ran(returned, took, None)
    }
}

/// The tags of a function without any.
type NoTags<V> = fn(&V) -> Vec<String>;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `body`: what it returned, and how long it took (stored in the entry
/// for early recomputation).
async fn timed<R, F: Future<Output = R>>(body: impl FnOnce() -> F) -> (R, Duration) {
    let started = Instant::now();
    let returned = body().await;
    (returned, started.elapsed())
}
