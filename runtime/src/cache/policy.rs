//! The freshness policies of an `async` function's cache: refresh-ahead, the
//! fail-safe (`stale_if_error`) with its back-off, and the soft and hard
//! timeouts of the body.
//!
//! They need the body as a `'static` future, to run in the background: the
//! generated code gives a `reload` closure that calls the body from an owned key,
//! which the policy clones out of the entry or the call. Without these options
//! the generated code calls none of this, and a hit costs what it did; with
//! refresh-ahead, a hit reads the clock once for both deadlines, as a plain hit
//! with a time to live does, and compares one more.

use super::base::MokaHasher;
use super::entry::{Freshness, Stale, Stamp};
use super::flight::{Landing, Lead, Role};
use super::future::AsyncFnCache;
use super::mode::Mode;
use super::stored_key::StoredKey;
use super::unwind::{self, Caught};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// The error of a call whose body ran past its hard timeout
/// (`#[cached(hard_timeout = "1s")]`) with no stale value to serve.
///
/// The function's error type must implement `From<Timeout>`: the cached call
/// returns `Err(Timeout.into())`.
///
/// ```
/// use std::time::Duration;
/// use unokit::cache::Timeout;
///
/// #[derive(Debug)]
/// enum LoadError {
///     Database(String),
///     TimedOut(Duration),
/// }
///
/// impl From<Timeout> for LoadError {
///     fn from(timeout: Timeout) -> Self {
///         LoadError::TimedOut(timeout.after())
///     }
/// }
///
/// #[unokit::cached(ttl = "1m", hard_timeout = "1s")]
/// async fn load(id: u32) -> Result<String, LoadError> {
///     Ok(format!("row {id}"))
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeout {
    after: Duration,
}

impl Timeout {
    /// A timeout after `after`; the generated code builds it.
    #[doc(hidden)]
    #[must_use]
    pub const fn new(after: Duration) -> Self {
        Self { after }
    }

    /// The hard timeout that ran out.
    #[must_use]
    pub const fn after(&self) -> Duration {
        self.after
    }
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the cached function's body ran past its hard timeout of {:?}",
            self.after
        )
    }
}

impl std::error::Error for Timeout {}

/// Keys whose body failed while a stale value could be served, and until when
/// they serve it without running the body. Only misses of such a cache touch it.
pub(crate) struct Backoff(Mutex<HashMap<u64, Instant, MokaHasher>>);

impl Backoff {
    pub(crate) fn new() -> Self {
        Self(Mutex::default())
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Instant, MokaHasher>> {
        // No user code runs under the lock: a poisoned map is still whole.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn start(&self, hash: u64, backoff: Duration) {
        self.map().insert(hash, Instant::now() + backoff);
    }

    fn is_active(&self, hash: u64) -> bool {
        let mut map = self.map();
        match map.get(&hash) {
            Some(until) if Instant::now() < *until => true,
            Some(_) => {
                map.remove(&hash);
                false
            }
            None => false,
        }
    }

    fn clear(&self, hash: u64) {
        let mut map = self.map();
        if !map.is_empty() {
            map.remove(&hash);
        }
    }
}

/// How a follower's wait ended.
enum Waited {
    Stored(Stamp),
    /// Nothing to share: lead or follow anew.
    Again,
    Panicked(Arc<str>),
    /// The soft timeout ran out first.
    TimedOut,
}

impl<K, V> AsyncFnCache<K, V>
where
    K: StoredKey + Clone,
    V: Clone + Send + Sync + 'static,
{
    /// [`get`](Self::get) for a cache with refresh-ahead: a hit past the refresh
    /// point also starts the key's one background refresh through `reload`.
    #[inline]
    #[doc(hidden)]
    pub fn get_fresh<R, M, F>(
        &'static self,
        hash: u64,
        is_key: impl Fn(&K) -> bool,
        _mode: M,
        reload: impl FnOnce(K) -> F + Send + 'static,
    ) -> Option<V>
    where
        M: Mode<R, Value = V>,
        F: Future<Output = R> + Send + 'static,
        R: Send + 'static,
    {
        let generation = self.base.generation();
        let store = &self.state().store;
        let (value, refresh) = store.get_with(&self.base, hash, |entry| {
            if !is_key(&entry.key) {
                return None;
            }
            match entry.freshness(generation) {
                Freshness::Expired => None,
                Freshness::Fresh => Some((entry.value.clone(), None)),
                // With hot keys tracked, only they are refreshed: a key read
                // now and then expires and loads again on its next miss.
                Freshness::Refresh if !store.is_hot(hash) => {
                    entry.release_refresh();
                    Some((entry.value.clone(), None))
                }
                Freshness::Refresh => Some((entry.value.clone(), Some(entry.key.clone()))),
            }
        })?;
        if let Some(key) = refresh {
            self.refresh::<R, M, F>(hash, key, generation, reload);
        }
        Some(value)
    }

    fn refresh<R, M, F>(
        &'static self,
        hash: u64,
        key: K,
        generation: u64,
        reload: impl FnOnce(K) -> F + Send + 'static,
    ) where
        M: Mode<R, Value = V>,
        F: Future<Output = R> + Send + 'static,
        R: Send + 'static,
    {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime to refresh on: the entry expires as without the policy.
            return;
        };
        runtime.spawn(async move {
            let reloading = crate::trace::miss(self.base.name, M::outcome, reload(key.clone()));
            let returned = unwind::catch_future(reloading).await;
            let store = &self.state().store;
            let current = store.read_entry(hash, &key, |entry| entry.id);
            match returned.ok().map(M::split) {
                Some(Ok(value)) => {
                    // An entry invalidated meanwhile is not brought back.
                    if self.base.generation() == generation && current.is_some() {
                        self.store_value::<R, M>(hash, key, value, generation);
                    }
                }
                _ => {
                    // A failing source is asked again no sooner than the back-off.
                    tokio::time::sleep(self.base.config.error_backoff()).await;
                    if let Some(id) = current {
                        store.read_entry(hash, &key, |entry| {
                            if entry.id == id {
                                entry.release_refresh();
                            }
                        });
                    }
                }
            }
        });
    }

    fn store_value<R, M>(&self, hash: u64, key: K, value: V, generation: u64) -> Stamp
    where
        M: Mode<R, Value = V>,
    {
        let state = self.state();
        let absent = M::is_absent(&value);
        let stamp = state
            .store
            .put(hash, self.base.entry(key, value, generation, absent));
        state.backoff.clear(hash);
        stamp
    }

    /// A copy of the key's expired entry, if it may still be served stale.
    fn stale(&self, hash: u64, key: &K) -> Option<Stale<V>> {
        self.state().store.stale(&self.base, hash, key)
    }

    /// [`get_or_compute`](Self::get_or_compute) for a cache with policies: the
    /// body is `reload(key)`; a failure may serve the stale value, a slow body
    /// the stale value or `timed_out(hard_timeout)`.
    #[doc(hidden)]
    pub fn load<R, M, F, T>(
        &'static self,
        hash: u64,
        key: K,
        _mode: M,
        reload: impl FnOnce(K) -> F + Send + 'static,
        timed_out: Option<T>,
    ) -> Pin<Box<impl Future<Output = R>>>
    where
        M: Mode<R, Value = V>,
        F: Future<Output = R> + Send + 'static,
        R: Send + 'static,
        T: FnOnce(Timeout) -> R,
    {
        Box::pin(self.load_inner::<R, M, F, T>(hash, key, reload, timed_out))
    }

    async fn load_inner<R, M, F, T>(
        &'static self,
        hash: u64,
        key: K,
        reload: impl FnOnce(K) -> F + Send + 'static,
        mut timed_out: Option<T>,
    ) -> R
    where
        M: Mode<R, Value = V>,
        F: Future<Output = R> + Send + 'static,
        R: Send + 'static,
        T: FnOnce(Timeout) -> R,
    {
        let state = self.state();
        let config = self.base.config;
        let (soft, hard) = config.timeouts();
        let mut reload = Some(reload);
        loop {
            let lead = match state.flights.join(hash) {
                Role::Lead(lead) => lead,
                Role::Follow(landing) => match self.follow(hash, &key, landing, soft).await {
                    Waited::Stored(stamp) => {
                        if let Some(value) = state.store.landed(&self.base, hash, stamp.id, &key) {
                            return M::join(value);
                        }
                        continue;
                    }
                    Waited::Again => continue,
                    Waited::Panicked(message) => {
                        self.base.count_miss();
                        unwind::resume_shared(&message)
                    }
                    Waited::TimedOut => {
                        if let Some(stale) = self.stale(hash, &key) {
                            self.base.count_stale();
                            return M::join(stale.value.clone());
                        }
                        continue;
                    }
                },
            };
            // Stored between the caller's read and its flight: not a miss.
            if let Some(value) = state
                .store
                .get(&self.base, hash, |stored| stored.same_key(&key))
            {
                return M::join(value);
            }
            let generation = self.base.generation();
            let stale = self.stale(hash, &key);
            if let Some(stale) = &stale
                && state.backoff.is_active(hash)
            {
                // The body failed a moment ago: the source is not asked again yet.
                self.base.count_stale();
                lead.land(Landing::NotStored);
                return M::join(stale.value.clone());
            }
            let reload = reload.take().expect("a caller leads at most once");
            self.base.count_miss();
            let started = Instant::now();
            let reloading = crate::trace::miss(self.base.name, M::outcome, reload(key.clone()));
            let mut body = Box::pin(unwind::catch_future(reloading));
            let mut returned = None;
            if let (Some(soft), Some(stale)) = (soft, &stale) {
                match tokio::time::timeout(soft, body.as_mut()).await {
                    Ok(done) => returned = Some(done),
                    Err(_) => {
                        // Slow: the stale value now, the body's in the background.
                        self.base.count_stale();
                        let value = stale.value.clone();
                        self.finish::<R, M, _>(hash, key, generation, body, lead);
                        return M::join(value);
                    }
                }
            }
            let returned = match (returned, hard) {
                (Some(done), _) => done,
                (None, Some(hard)) => {
                    let left = hard.saturating_sub(started.elapsed());
                    if let Ok(done) = tokio::time::timeout(left, body.as_mut()).await {
                        done
                    } else {
                        lead.land(Landing::NotStored);
                        if let Some(stale) = stale {
                            self.base.count_stale();
                            return M::join(stale.value.clone());
                        }
                        let timed_out = timed_out
                            .take()
                            .expect("a hard timeout comes with its error");
                        return timed_out(Timeout::new(hard));
                    }
                }
                (None, None) => body.await,
            };
            let returned = match returned {
                Ok(returned) => returned,
                Err(caught) => {
                    lead.land(Landing::Panicked(caught.message()));
                    caught.resume();
                }
            };
            return match M::split(returned) {
                Ok(value) if state.store.holds_another_key(&self.base, hash, &key) => {
                    lead.land(Landing::NotStored);
                    M::join(value)
                }
                Ok(value) => {
                    let led = value.clone();
                    let stamp = self.store_value::<R, M>(hash, key, value, generation);
                    lead.land(Landing::Stored(stamp));
                    M::join(led)
                }
                Err(returned) => {
                    lead.land(Landing::NotStored);
                    let fail_safe = config.stale_if_error().and_then(|window| {
                        stale.filter(|stale| stale.is_stale_within(generation, window))
                    });
                    match fail_safe {
                        Some(stale) => {
                            state.backoff.start(hash, config.error_backoff());
                            self.base.count_stale();
                            M::join(stale.value.clone())
                        }
                        None => returned,
                    }
                }
            };
        }
    }

    /// Waits for the flight of `key`; with a soft timeout and a stale value, no
    /// longer than the soft timeout.
    async fn follow(
        &self,
        hash: u64,
        key: &K,
        mut landing: tokio::sync::watch::Receiver<Landing>,
        soft: Option<Duration>,
    ) -> Waited {
        // Asked without copying the stale value: the follower only waits less.
        let has_stale = soft.is_some()
            && self
                .state()
                .store
                .read_entry(hash, key, |entry| self.base.keeps_stale(entry))
                == Some(true);
        let wait = landing.wait_for(|landing| !matches!(landing, Landing::Pending));
        let landed = match soft {
            Some(soft) if has_stale => match tokio::time::timeout(soft, wait).await {
                Ok(landed) => landed,
                Err(_) => return Waited::TimedOut,
            },
            _ => wait.await,
        };
        // The landing is read here, its guard dropped before any other await.
        match landed.as_deref() {
            Ok(Landing::Stored(stamp)) => Waited::Stored(*stamp),
            Ok(Landing::Panicked(message)) => Waited::Panicked(Arc::clone(message)),
            Ok(Landing::Pending | Landing::NotStored) | Err(_) => Waited::Again,
        }
    }

    /// Lets a body that outran the soft timeout finish in the background, storing
    /// its value and landing its flight.
    fn finish<R, M, B>(
        &'static self,
        hash: u64,
        key: K,
        generation: u64,
        body: Pin<Box<B>>,
        lead: Lead<'static>,
    ) where
        M: Mode<R, Value = V>,
        B: Future<Output = Result<R, Caught>> + Send + 'static,
        R: Send + 'static,
    {
        tokio::spawn(async move {
            let landing = match body.await.map(M::split) {
                Ok(Ok(value)) if self.base.generation() == generation => {
                    Landing::Stored(self.store_value::<R, M>(hash, key, value, generation))
                }
                Ok(_) => Landing::NotStored,
                Err(caught) => Landing::Panicked(caught.message()),
            };
            lead.land(landing);
        });
    }
}
