//! An async object pool: [`Pool`].
//!
//! One mutex guards the idle queue, the count of live objects and the counters;
//! a checkout or a return takes it once. Waiting checkouts sleep on a
//! [`Notify`] that a return wakes only when someone waits, and only a checkout
//! that must wait, create or run an async health check reads the clock for its
//! timeout.

mod builder;
mod error;
mod guards;
mod pooled;
mod stats;

pub use builder::{PoolBuilder, Strategy};
pub use error::PoolError;
pub use pooled::Pooled;
pub use stats::PoolStats;

use builder::{AsyncCheck, Check, Config, Creator};
use guards::{Checking, Room, Waiting, run_until};
use stats::Counters;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// An async pool of reusable objects: database connections, buffers, the
/// container's scopes.
///
/// - at most `max_size` objects live at once; [`get`](Self::get) waits for a
///   return beyond that, up to the acquire timeout, and never hangs;
/// - LIFO or FIFO checkout ([`Strategy`]);
/// - an optional health check on checkout, sync or async;
/// - idle-timeout and maximum-lifetime eviction;
/// - the borrowed [`Pooled`] goes back on drop, also when its task is cancelled;
/// - [`stats`](Self::stats).
///
/// Cloning a pool gives another handle to the same objects.
///
/// ```
/// use std::time::Duration;
/// use unokit::task::{Pool, PoolError};
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let pool = Pool::builder(|| async { Ok::<_, std::io::Error>(Vec::<u8>::new()) })
///     .max_size(1)
///     .acquire_timeout(Duration::from_millis(20))
///     .build();
/// let buffer = pool.get().await?;
/// assert!(matches!(pool.get().await, Err(PoolError::Timeout(_)))); // the only one is out
/// drop(buffer);
/// let _again = pool.get().await?;
/// assert_eq!(pool.stats().reused, 1);
/// # Ok::<(), PoolError>(())
/// # }).unwrap();
/// ```
pub struct Pool<T> {
    core: Arc<PoolCore<T>>,
}

/// The pool itself, behind the `Arc` that its handles and the borrowed
/// [`Pooled`] objects share.
pub(crate) struct PoolCore<T> {
    state: Mutex<State<T>>,
    notify: Notify,
    config: Config<T>,
}

struct State<T> {
    idle: VecDeque<Idle<T>>,
    /// Idle, borrowed, or being created.
    live: usize,
    /// Checkouts asleep on `notify`: a return wakes one only when this is not 0.
    waiting: usize,
    counters: Counters,
}

impl<T> Default for State<T> {
    fn default() -> Self {
        Self {
            idle: VecDeque::new(),
            live: 0,
            waiting: 0,
            counters: Counters::default(),
        }
    }
}

struct Idle<T> {
    value: T,
    born: Option<Instant>,
    since: Option<Instant>,
}

/// What a checkout does next, decided under the lock.
enum Step<T> {
    Idle(Idle<T>),
    /// An idle object past its time: drop it outside the lock, then look again.
    Expired(T),
    /// Room for one more: the live count already includes it.
    Create,
    Full,
}

/// An idle object just borrowed, by what its health check said.
enum Checked<'a, T: Send + 'static> {
    Healthy(Pooled<T>),
    /// Failed its check, and discarded.
    Unhealthy,
    /// Its check is async: the caller awaits it, or gives the object back.
    Async(Pooled<T>, &'a AsyncCheck<T>),
}

impl<T: Send + 'static> Pool<T> {
    /// Borrows an object: an idle one that passes the health check, else a new
    /// one when there is room, else the next one returned.
    ///
    /// Cancel-safe: dropping the future at any point loses no object and no room.
    ///
    /// # Errors
    ///
    /// [`PoolError::Timeout`] after the acquire timeout, or [`PoolError::Create`].
    pub async fn get(&self) -> Result<Pooled<T>, PoolError> {
        let mut deadline = None;
        loop {
            let step = self.core.step();
            match step {
                Step::Expired(value) => drop(value),
                Step::Idle(idle) => match self.borrow_idle(idle) {
                    Checked::Healthy(pooled) => return Ok(pooled),
                    Checked::Unhealthy => {}
                    Checked::Async(pooled, check) => {
                        let deadline = *deadline.get_or_insert_with(|| self.deadline());
                        if let Some(pooled) = self.check_async(pooled, check, deadline).await {
                            return Ok(pooled);
                        }
                        // The object is gone; try the next one while time is left.
                        if Instant::now() >= deadline {
                            return Err(self.timed_out());
                        }
                    }
                },
                Step::Create => {
                    let deadline = *deadline.get_or_insert_with(|| self.deadline());
                    return self.create(Some(deadline)).await;
                }
                Step::Full => {
                    let deadline = *deadline.get_or_insert_with(|| self.deadline());
                    let pool = std::any::type_name::<T>();
                    crate::trace::pool_wait(pool, self.wait_for_room(deadline)).await?;
                }
            }
        }
    }

    /// Borrows an object without waiting: an idle one that passes a sync health
    /// check, or, for a pool built with [`Pool::builder_sync`], a new one when
    /// there is room.
    ///
    /// # Errors
    ///
    /// [`PoolError::WouldWait`] when that needs waiting (the pool is full, the
    /// creator or the health check is async); [`PoolError::Create`].
    pub fn try_get(&self) -> Result<Pooled<T>, PoolError> {
        loop {
            match self.core.step() {
                Step::Expired(value) => drop(value),
                Step::Idle(idle) => match self.borrow_idle(idle) {
                    Checked::Healthy(pooled) => return Ok(pooled),
                    Checked::Unhealthy => {}
                    Checked::Async(pooled, _) => {
                        drop(pooled); // back to the pool, unchecked
                        return Err(PoolError::WouldWait);
                    }
                },
                Step::Create => {
                    if let Creator::Sync(create) = &self.core.config.create {
                        let room = Room::reserved(&self.core);
                        let value = create().map_err(PoolError::Create)?;
                        return Ok(room.fill(value));
                    }
                    Room::reserved(&self.core).release_unused();
                    return Err(PoolError::WouldWait);
                }
                Step::Full => return Err(PoolError::WouldWait),
            }
        }
    }

    /// Borrows an idle object and runs its health check if that is sync.
    fn borrow_idle(&self, idle: Idle<T>) -> Checked<'_, T> {
        let mut pooled = Pooled::new(idle.value, idle.born, self.core.clone());
        match &self.core.config.check {
            Check::None => Checked::Healthy(pooled),
            Check::Sync(check) => {
                if check(&mut pooled) {
                    Checked::Healthy(pooled)
                } else {
                    Pooled::discard_unhealthy(pooled);
                    Checked::Unhealthy
                }
            }
            Check::Async(check) => Checked::Async(pooled, check),
        }
    }

    /// A handle that does not keep the pool alive, for the metrics exporter.
    #[cfg(feature = "metrics")]
    pub(crate) fn downgrade(&self) -> std::sync::Weak<PoolCore<T>> {
        Arc::downgrade(&self.core)
    }

    /// The pool behind `weak`, while it lives.
    #[cfg(feature = "metrics")]
    pub(crate) fn upgrade(weak: &std::sync::Weak<PoolCore<T>>) -> Option<Self> {
        weak.upgrade().map(|core| Self { core })
    }

    /// The pool's size and counters now.
    #[must_use]
    pub fn stats(&self) -> PoolStats {
        let state = self.core.lock();
        let counters = &state.counters;
        PoolStats {
            max_size: self.core.config.max_size,
            size: state.live,
            idle: state.idle.len(),
            in_use: state.live - state.idle.len(),
            waiting: state.waiting,
            created: counters.created,
            reused: counters.reused,
            evicted: counters.evicted,
            unhealthy: counters.unhealthy,
            check_timeouts: counters.check_timeouts,
            timeouts: counters.timeouts,
            create_errors: counters.create_errors,
        }
    }

    /// Drops every idle object past its idle timeout or maximum lifetime now,
    /// rather than at the next checkout that meets it. Returns how many.
    pub fn evict_expired(&self) -> usize {
        let config = &self.core.config;
        if !config.tracks_time() {
            return 0;
        }
        let now = Instant::now();
        let expired: VecDeque<Idle<T>> = {
            let mut state = self.core.lock();
            let (keep, expired) = std::mem::take(&mut state.idle)
                .into_iter()
                .partition(|idle| !self.core.is_expired(idle, now));
            state.idle = keep;
            state.live -= expired.len();
            state.counters.evicted += expired.len() as u64;
            expired
        };
        let count = expired.len();
        if count > 0 {
            self.core.wake_waiter_if_any();
        }
        count
    }

    fn deadline(&self) -> Instant {
        Instant::now() + self.core.config.acquire_timeout
    }

    /// Runs `work` until `deadline`, counting a timeout when it does not finish.
    async fn within<F: Future>(&self, deadline: Instant, work: F) -> Result<F::Output, PoolError> {
        run_until(deadline, work)
            .await
            .ok_or_else(|| self.timed_out())
    }

    fn timed_out(&self) -> PoolError {
        self.core.lock().counters.timeouts += 1;
        let timeout = self.core.config.acquire_timeout;
        crate::trace::pool_timeout(std::any::type_name::<T>(), timeout);
        PoolError::Timeout(self.core.config.acquire_timeout)
    }

    /// Runs the async health check of `pooled` for at most the check timeout,
    /// and never past `deadline`; returns the object if it passed. A check that
    /// fails or times out drops its object: put back, a wedged object would be
    /// the next checkout's first pick again (LIFO), and the next one's after.
    async fn check_async(
        &self,
        pooled: Pooled<T>,
        check: &AsyncCheck<T>,
        deadline: Instant,
    ) -> Option<Pooled<T>> {
        let limit = deadline.min(Instant::now() + self.core.config.check_timeout);
        let mut checking = Checking(Some(pooled));
        let passed = {
            let object = checking.0.as_mut().expect("held until the check ends");
            run_until(limit, check(object)).await
        };
        let pooled = checking.0.take().expect("held until the check ends");
        match passed {
            Some(true) => return Some(pooled),
            Some(false) => {}
            None => self.core.lock().counters.check_timeouts += 1,
        }
        Pooled::discard_unhealthy(pooled);
        None
    }

    async fn create(&self, deadline: Option<Instant>) -> Result<Pooled<T>, PoolError> {
        let room = Room::reserved(&self.core);
        let created = match (&self.core.config.create, deadline) {
            (Creator::Sync(create), _) => create(),
            (Creator::Async(create), Some(deadline)) => self.within(deadline, create()).await?,
            (Creator::Async(create), None) => create().await,
        };
        Ok(room.fill(created.map_err(PoolError::Create)?))
    }

    /// Sleeps until a return or a drop may have made room, or the deadline.
    async fn wait_for_room(&self, deadline: Instant) -> Result<(), PoolError> {
        let _waiting = Waiting::register(&self.core);
        let mut notified = pin!(self.core.notify.notified());
        notified.as_mut().enable();
        // Registered before this second look, so a return after it wakes us.
        if self.core.has_room() {
            return Ok(());
        }
        self.within(deadline, notified).await
    }
}

impl<T> PoolCore<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // No code panics while holding the lock, so a poisoned state is still sound.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn step(&self) -> Step<T> {
        let now = self.config.tracks_time().then(Instant::now);
        let mut state = self.lock();
        let next = match self.config.strategy {
            Strategy::Lifo => state.idle.pop_back(),
            Strategy::Fifo => state.idle.pop_front(),
        };
        match next {
            Some(idle) if now.is_some_and(|now| self.is_expired(&idle, now)) => {
                state.live -= 1;
                state.counters.evicted += 1;
                Step::Expired(idle.value)
            }
            Some(idle) => {
                state.counters.reused += 1;
                Step::Idle(idle)
            }
            None if state.live < self.config.max_size => {
                state.live += 1;
                state.counters.created += 1;
                Step::Create
            }
            None => Step::Full,
        }
    }

    fn has_room(&self) -> bool {
        let state = self.lock();
        !state.idle.is_empty() || state.live < self.config.max_size
    }

    fn is_expired(&self, idle: &Idle<T>, now: Instant) -> bool {
        let too_old = |since: Option<Instant>, limit: Option<Duration>| match (since, limit) {
            (Some(since), Some(limit)) => now.saturating_duration_since(since) >= limit,
            _ => false,
        };
        too_old(idle.born, self.config.max_lifetime)
            || too_old(idle.since, self.config.idle_timeout)
    }

    /// Puts a returned object back, or drops it when it is too old or the pool
    /// keeps enough idle ones.
    fn give_back(&self, value: T, born: Option<Instant>) {
        let now = self.config.tracks_time().then(Instant::now);
        let idle = Idle {
            value,
            born,
            since: now,
        };
        let mut state = self.lock();
        let keep = state.idle.len() < self.config.max_idle
            && !now.is_some_and(|now| {
                born.is_some_and(|born| {
                    self.config
                        .max_lifetime
                        .is_some_and(|limit| now.saturating_duration_since(born) >= limit)
                })
            });
        let dropped = if keep {
            state.idle.push_back(idle);
            None
        } else {
            state.live -= 1;
            Some(idle)
        };
        let wake = state.waiting > 0;
        drop(state);
        drop(dropped);
        if wake {
            self.notify.notify_one();
        }
    }

    /// Forgets one live object (detached, discarded, unhealthy).
    fn forget_one(&self, unhealthy: bool) {
        let mut state = self.lock();
        state.live -= 1;
        if unhealthy {
            state.counters.unhealthy += 1;
        }
        let wake = state.waiting > 0;
        drop(state);
        if wake {
            self.notify.notify_one();
        }
    }

    fn wake_waiter_if_any(&self) {
        if self.lock().waiting > 0 {
            self.notify.notify_one();
        }
    }
}

impl<T> Clone for Pool<T> {
    fn clone(&self) -> Self {
        Self {
            core: self.core.clone(),
        }
    }
}

impl<T: Send + 'static> std::fmt::Debug for Pool<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("stats", &self.stats())
            .finish()
    }
}
