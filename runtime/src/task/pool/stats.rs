//! What a pool counts.

/// A snapshot of a pool: its size now and counters since it was built.
///
/// ```
/// use unokit::task::Pool;
///
/// let pool = Pool::builder_sync(|| Ok::<_, std::convert::Infallible>(0_u64)).build();
/// let first = pool.try_get().unwrap();
/// drop(first);
/// let _again = pool.try_get().unwrap();
/// let stats = pool.stats();
/// assert_eq!((stats.created, stats.reused, stats.in_use, stats.idle), (1, 1, 1, 0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStats {
    /// The most objects that may live at once (`usize::MAX` when unbounded).
    pub max_size: usize,
    /// Objects alive now: idle, borrowed, or being created.
    pub size: usize,
    /// Objects waiting in the pool.
    pub idle: usize,
    /// Objects borrowed or being created (`size - idle`).
    pub in_use: usize,
    /// Checkouts waiting for an object now.
    pub waiting: usize,
    /// Objects created.
    pub created: u64,
    /// Checkouts served by an idle object.
    pub reused: u64,
    /// Idle objects dropped for their idle timeout or maximum lifetime.
    pub evicted: u64,
    /// Idle objects dropped because they failed the health check.
    pub unhealthy: u64,
    /// Async health checks that did not finish within the health-check timeout;
    /// their objects were dropped, and are counted in `unhealthy` too.
    pub check_timeouts: u64,
    /// Checkouts that gave up after the acquire timeout.
    pub timeouts: u64,
    /// Creations that failed, timed out or were cancelled.
    pub create_errors: u64,
}

/// The running counters, kept beside the idle queue under its lock: every
/// change happens while the lock is held anyway, so counting costs no atomics.
#[derive(Default)]
pub(super) struct Counters {
    pub(super) created: u64,
    pub(super) reused: u64,
    pub(super) evicted: u64,
    pub(super) unhealthy: u64,
    pub(super) check_timeouts: u64,
    pub(super) timeouts: u64,
    pub(super) create_errors: u64,
}
