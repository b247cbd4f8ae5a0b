//! [`TierConfig`]: where Redis is, and how long the cache waits for it.

use std::time::Duration;

/// Settings of a [`RedisTier`](super::RedisTier): where Redis is, and how long the cache waits
/// for it.
///
/// ```
/// use std::time::Duration;
/// use unokit::cache::l2::TierConfig;
///
/// let config = TierConfig::new("redis://127.0.0.1:6379")
///     .with_op_timeout(Duration::from_millis(20))
///     .with_breaker(3, Duration::from_millis(500));
/// assert_eq!(config.op_timeout(), Duration::from_millis(20));
/// ```
///
/// A Redis Cluster is named by some of its nodes (the client discovers the
/// rest, and follows the slots as they move):
///
/// ```
/// use unokit::cache::l2::TierConfig;
///
/// let config = TierConfig::cluster(["redis://10.0.0.1:6379", "redis://10.0.0.2:6379"]);
/// assert!(config.is_cluster());
/// assert_eq!(config.nodes().len(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct TierConfig {
    /// The one server's URL, or the cluster's seed nodes.
    pub(super) nodes: Vec<String>,
    pub(super) cluster: bool,
    pub(super) op_timeout: Duration,
    pub(super) breaker_failures: u32,
    pub(super) breaker_open_for: Duration,
    pub(super) max_value_bytes: usize,
    pub(super) hedge_after: Option<Duration>,
    pub(super) write_queue: usize,
    pub(super) write_through: bool,
}

impl TierConfig {
    /// The longest one Redis operation may take: 50 ms.
    pub const DEFAULT_OP_TIMEOUT: Duration = Duration::from_millis(50);
    /// Consecutive failures that open the breaker: 5.
    pub const DEFAULT_BREAKER_FAILURES: u32 = 5;
    /// How long an open breaker skips Redis before a probe: 1 s.
    pub const DEFAULT_BREAKER_OPEN_FOR: Duration = Duration::from_secs(1);
    /// The largest encoded entry stored: 1 MiB.
    pub const DEFAULT_MAX_VALUE_BYTES: usize = 1 << 20;
    /// How long an `#[cached(l2)]` miss waits for Redis before it starts its
    /// body too: 10 ms (a local Redis answers in well under a millisecond).
    pub const DEFAULT_HEDGE_AFTER: Duration = Duration::from_millis(10);
    /// How many writes behind callers may wait for Redis: 10 000.
    pub const DEFAULT_WRITE_QUEUE: usize = 10_000;

    /// The defaults, for the Redis at `url` (`redis://host:port/db`).
    #[must_use]
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_nodes(vec![url.into()], false)
    }

    /// The defaults, for the Redis Cluster that `nodes` (`redis://host:port`
    /// each; one reachable node is enough, several survive one being down)
    /// belong to.
    ///
    /// Each function's keys share a hash tag (`{namespace}`): they live in
    /// one slot, so that a batch's lookup stays one `MGET` and its writes one
    /// pipeline, at the price of a function's keys (and its load) sitting on
    /// one master. Invalidations travel over cluster-wide pub/sub: published
    /// on any node, heard by a subscription on one node, which moves to
    /// another when its node goes.
    #[must_use]
    pub fn cluster<I, S>(nodes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::with_nodes(nodes.into_iter().map(Into::into).collect(), true)
    }

    fn with_nodes(nodes: Vec<String>, cluster: bool) -> Self {
        Self {
            nodes,
            cluster,
            op_timeout: Self::DEFAULT_OP_TIMEOUT,
            breaker_failures: Self::DEFAULT_BREAKER_FAILURES,
            breaker_open_for: Self::DEFAULT_BREAKER_OPEN_FOR,
            max_value_bytes: Self::DEFAULT_MAX_VALUE_BYTES,
            hedge_after: Some(Self::DEFAULT_HEDGE_AFTER),
            write_queue: Self::DEFAULT_WRITE_QUEUE,
            write_through: false,
        }
    }

    /// The longest one operation may take, connecting included; past it the
    /// call goes on without Redis (a miss, or an unstored value).
    #[must_use]
    pub fn with_op_timeout(mut self, timeout: Duration) -> Self {
        self.op_timeout = timeout;
        self
    }

    /// Open the breaker after `failures` consecutive failures (timeouts
    /// included), skipping Redis for `open_for`, then let one call probe it.
    #[must_use]
    pub fn with_breaker(mut self, failures: u32, open_for: Duration) -> Self {
        self.breaker_failures = failures;
        self.breaker_open_for = open_for;
        self
    }

    /// Entries that encode larger than this are not stored (and counted).
    #[must_use]
    pub fn with_max_value_bytes(mut self, bytes: usize) -> Self {
        self.max_value_bytes = bytes;
        self
    }

    /// A hedged read: when Redis has not answered an `#[cached(l2)]` lookup
    /// within `after`, the function's body starts too, and whichever
    /// finishes first answers (a Redis hit drops the body; a body that wins
    /// is stored as usual). `None` waits for Redis, up to the operation
    /// timeout, before running the body.
    #[must_use]
    pub fn with_hedge_after(mut self, after: Option<Duration>) -> Self {
        self.hedge_after = after;
        self
    }

    /// Writes behind callers wait in one queue of at most `writes` (one task
    /// drains it, a pipeline at a time, the last write of a key winning); a
    /// write that finds it full is dropped and counted
    /// ([`TierStats::dropped`](super::TierStats::dropped)).
    #[must_use]
    pub fn with_write_queue(mut self, writes: usize) -> Self {
        self.write_queue = writes.max(1);
        self
    }

    /// Callers wait for their value's write to Redis (write-through) instead
    /// of queueing it behind them: slower misses, and another instance can
    /// read the value as soon as the call returns.
    #[must_use]
    pub fn with_write_through(mut self, through: bool) -> Self {
        self.write_through = through;
        self
    }

    /// Whether it names a Redis Cluster ([`cluster`](Self::cluster)).
    #[must_use]
    pub fn is_cluster(&self) -> bool {
        self.cluster
    }

    /// The server's URL, or the cluster's seed nodes.
    #[must_use]
    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    /// The longest one operation may take.
    #[must_use]
    pub fn op_timeout(&self) -> Duration {
        self.op_timeout
    }

    /// Whether callers wait for their value's write.
    #[must_use]
    pub fn write_through(&self) -> bool {
        self.write_through
    }

    /// How long a lookup waits before the body starts too, if it does.
    #[must_use]
    pub fn hedge_after(&self) -> Option<Duration> {
        self.hedge_after
    }
}
