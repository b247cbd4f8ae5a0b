//! Pre-warming: the hot keys an `async` cache exports, and loading a list of
//! keys through the body with bounded concurrency
//! (`#[cached(prewarm = N)]`, whose `*_prewarm` companion calls this).
//!
//! The list is plain keys, so it survives a restart however the service
//! keeps it: export it with [`AsyncFnCache::hot_keys`] (at shutdown, or
//! every minute), store it (a file, a table), and give it to the new
//! instance's `*_prewarm` before it serves. With the Redis tier
//! ([`l2`](super::l2), not wired to these caches yet) the design is to keep
//! the list in Redis under the function's name, refreshed on a timer, and to
//! warm a new instance's L1 from L2 with one `MGET` of those keys instead of
//! running the body; until then the body loads them.

use super::future::AsyncFnCache;
use super::mode::Mode;
use super::stored_key::StoredKey;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

impl<K, V> AsyncFnCache<K, V>
where
    K: StoredKey + Clone,
    V: Clone + Send + Sync + 'static,
{
    /// The hottest live keys, hottest first: at most the `N` of
    /// `#[cached(prewarm = N)]`, ranked by the reads the cache counted. Empty
    /// for a cache that does not track hot keys.
    ///
    /// Give them to the function's `*_prewarm` companion — in this instance
    /// after an `invalidate_all`, or in the next one after a restart.
    ///
    /// ```
    /// #[unokit::cached(ttl = "5m", prewarm = 100)]
    /// async fn price(item: u32) -> u64 {
    ///     u64::from(item) * 100
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// for _ in 0..100 {
    ///     price(7).await;
    /// }
    /// price(8).await;
    /// let hot = price_cache().hot_keys();
    /// assert_eq!(hot[0], (7,));
    ///
    /// // After a restart: warm the new instance before it serves.
    /// price_invalidate_all();
    /// assert_eq!(price_prewarm(hot).await, 2);
    /// assert_eq!(price_cache().stats().misses, 4);
    /// price(7).await;
    /// assert_eq!(price_cache().stats().misses, 4, "warm");
    /// # });
    /// ```
    pub fn hot_keys(&self) -> Vec<K> {
        let state = self.state();
        let Some(hot) = &state.store.hot else {
            return Vec::new();
        };
        let mut ranked: Vec<(u32, K)> = Vec::new();
        state.store.for_each(|hash, entry| {
            if self.base.is_live(entry) {
                ranked.push((hot.estimate(hash), entry.key.clone()));
            }
        });
        let top = hot.top.min(ranked.len());
        if top < ranked.len() {
            ranked.select_nth_unstable_by(top, |a, b| b.0.cmp(&a.0));
            ranked.truncate(top);
        }
        ranked.sort_unstable_by_key(|ranked| std::cmp::Reverse(ranked.0));
        ranked.into_iter().map(|(_, key)| key).collect()
    }

    /// Loads each key of `keys` that is not cached through `load` (the body,
    /// from the owned key), at most `concurrency` at once in this task, as a
    /// miss would: single flight with concurrent callers, stored if the mode
    /// says so. `hash` gives a key's keyed hash, as the cached function
    /// computes it from its arguments. Returns how many keys were loaded.
    #[doc(hidden)]
    pub async fn prewarm<R, M, F>(
        &self,
        keys: impl IntoIterator<Item = K>,
        concurrency: usize,
        hash: impl Fn(&K) -> u64,
        mode: M,
        load: impl Fn(K) -> F,
    ) -> usize
    where
        M: Mode<R, Value = V> + Copy,
        F: Future<Output = R>,
    {
        let store = &self.state().store;
        let mut keys = keys.into_iter();
        let mut running: Vec<Pin<Box<dyn Future<Output = ()> + '_>>> = Vec::new();
        let mut loaded = 0;
        let mut exhausted = false;
        std::future::poll_fn(|context| {
            loop {
                while !exhausted && running.len() < concurrency.max(1) {
                    let Some(key) = keys.next() else {
                        exhausted = true;
                        break;
                    };
                    let hashed = hash(&key);
                    if store
                        .read_entry(hashed, &key, |entry| self.base.is_live(entry))
                        .unwrap_or(false)
                    {
                        continue;
                    }
                    let body = load(key.clone());
                    running.push(Box::pin(async move {
                        self.get_or_compute(hashed, key, mode, move || body).await;
                    }));
                    loaded += 1;
                }
                let before = running.len();
                running.retain_mut(|future| future.as_mut().poll(context).is_pending());
                if exhausted && running.is_empty() {
                    return Poll::Ready(());
                }
                if running.len() == before {
                    // Every load waits: this task is woken when one can go on.
                    return Poll::Pending;
                }
            }
        })
        .await;
        loaded
    }
}
