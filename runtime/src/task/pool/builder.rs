//! How a pool is configured: [`PoolBuilder`].

use super::{Pool, PoolCore, State};
use crate::task::{BoxError, BoxFuture};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// Which idle object a checkout takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// The most recently returned: warm in cache, and lets the others idle out.
    #[default]
    Lifo,
    /// The least recently returned: spreads use evenly over the objects.
    Fifo,
}

pub(super) enum Creator<T> {
    Sync(Box<dyn Fn() -> Result<T, BoxError> + Send + Sync>),
    Async(Box<dyn Fn() -> BoxFuture<'static, Result<T, BoxError>> + Send + Sync>),
}

pub(super) type AsyncCheck<T> = dyn for<'a> Fn(&'a mut T) -> BoxFuture<'a, bool> + Send + Sync;

pub(super) enum Check<T> {
    None,
    Sync(Box<dyn Fn(&mut T) -> bool + Send + Sync>),
    Async(Box<AsyncCheck<T>>),
}

pub(super) struct Config<T> {
    pub(super) create: Creator<T>,
    pub(super) check: Check<T>,
    pub(super) max_size: usize,
    pub(super) max_idle: usize,
    pub(super) strategy: Strategy,
    pub(super) acquire_timeout: Duration,
    pub(super) check_timeout: Duration,
    pub(super) idle_timeout: Option<Duration>,
    pub(super) max_lifetime: Option<Duration>,
}

impl<T> Config<T> {
    /// Whether objects carry timestamps; without eviction rules the pool never
    /// reads the clock on checkout or return.
    pub(super) fn tracks_time(&self) -> bool {
        self.idle_timeout.is_some() || self.max_lifetime.is_some()
    }
}

/// Configures a [`Pool`]; start with [`Pool::builder`] or [`Pool::builder_sync`].
///
/// ```
/// use std::time::Duration;
/// use unokit::task::{Pool, Strategy};
///
/// let pool = Pool::builder(|| async { Ok::<_, std::io::Error>(Vec::<u8>::with_capacity(4096)) })
///     .max_size(8)
///     .strategy(Strategy::Fifo)
///     .acquire_timeout(Duration::from_millis(500))
///     .health_check(|buffer: &mut Vec<u8>| buffer.capacity() >= 4096)
///     .idle_timeout(Duration::from_secs(60))
///     .max_lifetime(Duration::from_secs(600))
///     .build();
/// assert_eq!(pool.stats().max_size, 8);
/// ```
#[must_use = "a builder does nothing until `build`"]
pub struct PoolBuilder<T> {
    config: Config<T>,
    max_idle: Option<usize>,
}

impl<T: Send + 'static> Pool<T> {
    /// A pool whose objects `create` makes asynchronously; it may fail.
    pub fn builder<F, Fut, E>(create: F) -> PoolBuilder<T>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        PoolBuilder::new(Creator::Async(Box::new(move || {
            let creating = create();
            Box::pin(async move { creating.await.map_err(Into::into) })
        })))
    }

    /// A pool whose objects `create` makes synchronously. Such a pool can also
    /// create in [`try_get`](Pool::try_get), which never waits.
    pub fn builder_sync<F, E>(create: F) -> PoolBuilder<T>
    where
        F: Fn() -> Result<T, E> + Send + Sync + 'static,
        E: Into<BoxError>,
    {
        PoolBuilder::new(Creator::Sync(Box::new(move || {
            create().map_err(Into::into)
        })))
    }
}

impl<T: Send + 'static> PoolBuilder<T> {
    /// Default maximum number of live objects.
    pub const DEFAULT_MAX_SIZE: usize = 16;
    /// Default longest wait for an object in [`Pool::get`].
    pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default longest run of an async health check: a ping that takes longer
    /// is treated as a failed one.
    pub const DEFAULT_HEALTH_CHECK_TIMEOUT: Duration = Duration::from_secs(1);

    fn new(create: Creator<T>) -> Self {
        Self {
            config: Config {
                create,
                check: Check::None,
                max_size: Self::DEFAULT_MAX_SIZE,
                max_idle: Self::DEFAULT_MAX_SIZE,
                strategy: Strategy::Lifo,
                acquire_timeout: Self::DEFAULT_ACQUIRE_TIMEOUT,
                check_timeout: Self::DEFAULT_HEALTH_CHECK_TIMEOUT,
                idle_timeout: None,
                max_lifetime: None,
            },
            max_idle: None,
        }
    }

    /// At most `max_size` objects live at once, idle or borrowed (at least one).
    /// A checkout beyond it waits for a return, up to the acquire timeout.
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.config.max_size = max_size.max(1);
        self
    }

    /// No limit on live objects: checkouts never wait. Returned objects are kept
    /// up to [`max_idle`](Self::max_idle) (default 64).
    pub fn unbounded(mut self) -> Self {
        self.config.max_size = usize::MAX;
        self.max_idle.get_or_insert(64);
        self
    }

    /// At most `max_idle` returned objects are kept; the others are dropped.
    /// Defaults to the maximum size.
    pub fn max_idle(mut self, max_idle: usize) -> Self {
        self.max_idle = Some(max_idle);
        self
    }

    /// LIFO (the default) or FIFO checkout of idle objects.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.config.strategy = strategy;
        self
    }

    /// The longest [`Pool::get`] waits, creation and health check included, before
    /// returning [`PoolError::Timeout`](super::PoolError::Timeout).
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.config.acquire_timeout = timeout;
        self
    }

    /// Checks an idle object before it is handed out; one that fails is dropped
    /// and the checkout tries the next (or creates one).
    pub fn health_check<F>(mut self, check: F) -> Self
    where
        F: Fn(&mut T) -> bool + Send + Sync + 'static,
    {
        self.config.check = Check::Sync(Box::new(check));
        self
    }

    /// Like [`health_check`](Self::health_check), for a check that needs I/O
    /// (a ping): `|conn| Box::pin(async move { conn.ping().await.is_ok() })`.
    ///
    /// A check that does not finish within the
    /// [health-check timeout](Self::health_check_timeout) counts as failed: its
    /// object is dropped and the checkout goes on to the next (or a new) one, so
    /// one wedged peer cannot hold up every checkout. A checkout cancelled while
    /// the check runs drops the object too, as its state is then unknown.
    pub fn health_check_async<F>(mut self, check: F) -> Self
    where
        F: for<'a> Fn(&'a mut T) -> BoxFuture<'a, bool> + Send + Sync + 'static,
    {
        self.config.check = Check::Async(Box::new(check));
        self
    }

    /// The longest an [async health check](Self::health_check_async) may run
    /// (default [`DEFAULT_HEALTH_CHECK_TIMEOUT`](Self::DEFAULT_HEALTH_CHECK_TIMEOUT),
    /// and never past the acquire timeout) before its object is dropped as
    /// unhealthy.
    pub fn health_check_timeout(mut self, timeout: Duration) -> Self {
        self.config.check_timeout = timeout;
        self
    }

    /// An object idle longer than this is dropped instead of handed out.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.config.idle_timeout = Some(timeout);
        self
    }

    /// An object older than this is dropped instead of handed out or kept.
    pub fn max_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.max_lifetime = Some(lifetime);
        self
    }

    /// The pool. It starts empty: objects are created on demand.
    pub fn build(mut self) -> Pool<T> {
        self.config.max_idle = self.max_idle.unwrap_or(self.config.max_size);
        Pool {
            core: Arc::new(PoolCore {
                state: Mutex::new(State::default()),
                notify: Notify::new(),
                config: self.config,
            }),
        }
    }
}

impl<T> std::fmt::Debug for PoolBuilder<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("max_size", &self.config.max_size)
            .field("strategy", &self.config.strategy)
            .field("acquire_timeout", &self.config.acquire_timeout)
            .finish_non_exhaustive()
    }
}
