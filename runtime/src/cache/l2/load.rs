//! A local miss of an `#[cached(l2)]` function: Redis first (hedged by the
//! body when Redis is slow), recomputed ahead of expiry by about one caller
//! across instances (XFetch), and with `lock`, one body run across instances
//! for a cold key.

use super::backplane::Invalidation;
use super::hedge::{self, Answer};
use super::tier::KeyParts;
use super::wired::{L2Codec, L2Link, installed};
use crate::cache::future::AsyncFnCache;
use crate::cache::mode::Mode;
use crate::cache::stored_key::StoredKey;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering::Relaxed;
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
        _mode: M,
        body: impl FnOnce() -> F,
    ) -> Pin<Box<impl Future<Output = R>>>
    where
        M: Mode<R, Value = V>,
        F: Future<Output = R>,
    {
        let link = self.l2_link();
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
            link.miss::<R, M, _, _>(codec, parts, body).await
        }))
    }
}

impl L2Link {
    /// Answers a local miss: the value, and its remaining time in Redis when
    /// Redis gave it.
    async fn miss<R, M, B, F>(
        &'static self,
        codec: L2Codec<M::Value>,
        parts: KeyParts,
        body: B,
    ) -> (R, Option<Duration>)
    where
        M: Mode<R>,
        M::Value: Clone + Send + 'static,
        B: FnOnce() -> F,
        F: Future<Output = R>,
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
        // `stored`: the value is in Redis already (the lock's holder wrote it).
        let (returned, took, stored) = match answer {
            Answer::Redis(fetched, Some(body)) if fetched.recompute_early(BETA) => {
                // Near expiry, and this caller drew the recomputation.
                self.early.fetch_add(1, Relaxed);
                let (returned, took) = timed(body).await;
                (returned, took, false)
            }
            Answer::Redis(fetched, _) => {
                return (M::join(fetched.value), Some(fetched.remaining));
            }
            Answer::Absent(body) => match self.lock {
                Some(wait) => match self.locked::<R, M, B, F>(codec, &parts, wait, body).await {
                    Locked::Found(value, remaining) => return (M::join(value), Some(remaining)),
                    Locked::Ran(returned, took, stored) => (returned, took, stored),
                },
                None => {
                    let (returned, took) = timed(body).await;
                    (returned, took, false)
                }
            },
            // The lookup the body outran is counted when it ends.
            Answer::Body(returned, took) => (returned, took, false),
        };
        match M::split(returned) {
            Ok(value) if stored => (M::join(value), None),
            Ok(value) => {
                if installed().is_some_and(|tier| tier.config().write_through()) {
                    (codec.write_now)(self, parts, value.clone(), took).await;
                } else {
                    (codec.write)(self, parts, value.clone(), took);
                }
                (M::join(value), None)
            }
            Err(returned) => (returned, None),
        }
    }

    /// A miss Redis could not answer, under the key's lock: the holder runs
    /// the body and stores its value before giving the lock back; the others
    /// wait up to `wait` for that value, then run the body themselves. Redis
    /// down: the body runs at once.
    async fn locked<R, M, B, F>(
        &'static self,
        codec: L2Codec<M::Value>,
        parts: &KeyParts,
        wait: Duration,
        body: B,
    ) -> Locked<M::Value, R>
    where
        M: Mode<R>,
        M::Value: Clone,
        B: FnOnce() -> F,
        F: Future<Output = R>,
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
                let returned = match M::split(returned) {
                    Ok(value) => {
                        (codec.write_now)(self, parts.clone(), value.clone(), took).await;
                        M::join(value)
                    }
                    Err(returned) => returned,
                };
                tier.unlock(lock).await;
                Locked::Ran(returned, took, true)
            }
            Ok(None) => {
                let until = Instant::now() + wait;
                while Instant::now() < until {
                    tokio::time::sleep(LOCK_POLL).await;
                    if let Some(fetched) = (codec.lookup)(self, parts.clone()).await {
                        return Locked::Found(fetched.value, fetched.remaining);
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
    /// The value another instance stored, and its remaining time in Redis.
    Found(V, Duration),
    /// What the body returned here, how long it took, and whether its value
    /// is stored already (by the lock's holder).
    Ran(R, Duration, bool),
}

impl<V, R> Locked<V, R> {
    async fn ran<F: Future<Output = R>>(body: impl FnOnce() -> F) -> Self {
        let (returned, took) = timed(body).await;
        Self::Ran(returned, took, false)
    }
}

/// Runs `body`: what it returned, and how long it took (stored in the entry
/// for early recomputation).
async fn timed<R, F: Future<Output = R>>(body: impl FnOnce() -> F) -> (R, Duration) {
    let started = Instant::now();
    let returned = body().await;
    (returned, started.elapsed())
}
