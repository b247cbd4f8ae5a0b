//! The instrumentation, with the `tracing` feature.

use std::future::Future;
use std::time::{Duration, Instant};
use tracing::field::Empty;
use tracing::{Instrument, Level, Span};

/// How a boundary's run is told: which span it opened and which event ends it.
#[derive(Clone, Copy)]
enum Kind {
    Miss,
    Batch,
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    Hop,
    PoolWait,
}

/// One run across a boundary: its span, its start, and what it was about.
/// Dropped before [`end`](Self::end) (a cancelled future, a panic), it ends
/// as `panicked` or `cancelled`.
struct Timed {
    kind: Kind,
    span: Span,
    /// Read only when `DEBUG` is on somewhere: the clock is not free.
    started: Option<Instant>,
    name: &'static str,
    count: usize,
    ended: bool,
}

impl Timed {
    fn new(kind: Kind, span: Span, name: &'static str, count: usize) -> Self {
        Self {
            kind,
            span,
            started: tracing::level_enabled!(Level::DEBUG).then(Instant::now),
            name,
            count,
            ended: false,
        }
    }

    fn end(mut self, outcome: &'static str) {
        self.ended = true;
        self.emit(outcome);
    }

    fn emit(&self, outcome: &'static str) {
        #[allow(clippy::cast_possible_truncation)]
        let elapsed_us = self
            .started
            .map_or(0, |started| started.elapsed().as_micros() as u64);
        let span = &self.span;
        span.record("outcome", outcome);
        span.record("elapsed_us", elapsed_us);
        let (name, count) = (self.name, self.count);
        match self.kind {
            Kind::Miss => tracing::debug!(
                target: "unokit::cache", parent: span,
                function = name, outcome, elapsed_us, "cached miss"
            ),
            Kind::Batch => tracing::debug!(
                target: "unokit::batch", parent: span,
                loader = name, keys = count, outcome, elapsed_us, "batch dispatched"
            ),
            #[cfg(any(feature = "sqlite", feature = "postgres"))]
            Kind::Hop => tracing::debug!(
                target: "unokit::db", parent: span,
                relation = name, parents = count, outcome, elapsed_us, "relation hop"
            ),
            Kind::PoolWait => tracing::debug!(
                target: "unokit::pool",
                pool = name, outcome, elapsed_us, "pool wait"
            ),
        }
    }
}

impl Drop for Timed {
    fn drop(&mut self) {
        if !self.ended {
            let outcome = match self.kind {
                _ if std::thread::panicking() => "panicked",
                Kind::Batch => "abandoned",
                _ => "cancelled",
            };
            self.emit(outcome);
        }
    }
}

/// Runs `body`, the future of a `#[cached]` function's miss, in a
/// `cached_miss` span; `outcome` tells how its return value ends.
pub(crate) async fn miss<F: Future>(
    function: &'static str,
    outcome: fn(&F::Output) -> &'static str,
    body: F,
) -> F::Output {
    let span = tracing::debug_span!(
        target: "unokit::cache", "cached_miss",
        function, outcome = Empty, elapsed_us = Empty
    );
    let timed = Timed::new(Kind::Miss, span, function, 0);
    let returned = body.instrument(timed.span.clone()).await;
    timed.end(outcome(&returned));
    returned
}

/// [`miss`] for the body of a sync function.
pub(crate) fn miss_sync<R>(
    function: &'static str,
    outcome: fn(&R) -> &'static str,
    body: impl FnOnce() -> R,
) -> R {
    let span = tracing::debug_span!(
        target: "unokit::cache", "cached_miss",
        function, outcome = Empty, elapsed_us = Empty
    );
    let timed = Timed::new(Kind::Miss, span, function, 0);
    let returned = timed.span.in_scope(body);
    timed.end(outcome(&returned));
    returned
}

/// Runs `dispatch`, a batch of `keys` keys of `loader`, in a `batch` span.
pub(crate) async fn batch<F: Future>(
    loader: &'static str,
    keys: usize,
    outcome: fn(&F::Output) -> &'static str,
    dispatch: F,
) -> F::Output {
    let span = tracing::debug_span!(
        target: "unokit::batch", "batch",
        loader, keys, outcome = Empty, elapsed_us = Empty
    );
    let timed = Timed::new(Kind::Batch, span, loader, keys);
    let returned = dispatch.instrument(timed.span.clone()).await;
    timed.end(outcome(&returned));
    returned
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
/// Runs `hop`, the loading of `relation` into `parents` rows, in a
/// `relation_hop` span.
pub(crate) async fn hop<T, E>(
    relation: &'static str,
    parents: usize,
    hop: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let span = tracing::debug_span!(
        target: "unokit::db", "relation_hop",
        relation, parents, outcome = Empty, elapsed_us = Empty
    );
    let timed = Timed::new(Kind::Hop, span, relation, parents);
    let returned = hop.instrument(timed.span.clone()).await;
    timed.end(if returned.is_ok() { "ok" } else { "error" });
    returned
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
/// The statements that loaded `relation` for `keys` keys.
pub(crate) fn relation_statements(
    relation: &'static str,
    keys: usize,
    statements: usize,
    rows: usize,
) {
    tracing::debug!(
        target: "unokit::db",
        relation, keys, statements, rows, "relation statements"
    );
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
/// The one statement of a nested load of `model`.
pub(crate) fn nested_statement(model: &'static str, rows: usize) {
    tracing::debug!(
        target: "unokit::db",
        model, statements = 1_u64, rows, "nested statement"
    );
}

/// A DI scope (`request`) or container closing after building `services`,
/// disposed of as `disposal`, which took `elapsed` when awaited.
pub(crate) fn scope_closed(
    scope: &'static str,
    services: usize,
    disposal: &'static str,
    elapsed: Duration,
) {
    #[allow(clippy::cast_possible_truncation)]
    let elapsed_us = elapsed.as_micros() as u64;
    tracing::debug!(
        target: "unokit::di",
        scope, services, disposal, elapsed_us, "scope closed"
    );
}

/// The clock for [`scope_closed`], read only when `DEBUG` is on somewhere.
pub(crate) fn clock() -> Option<Instant> {
    tracing::level_enabled!(Level::DEBUG).then(Instant::now)
}

/// The time since `started`, zero when the clock was not read.
pub(crate) fn since(started: Option<Instant>) -> Duration {
    started.map_or(Duration::ZERO, |started| started.elapsed())
}

/// Runs `wait`, a checkout of `pool` waiting for room.
pub(crate) async fn pool_wait<T, E>(
    pool: &'static str,
    wait: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let timed = Timed::new(Kind::PoolWait, Span::none(), pool, 0);
    let returned = wait.await;
    timed.end(if returned.is_ok() { "ok" } else { "timeout" });
    returned
}

/// A checkout of `pool` that gave up after `timeout`.
pub(crate) fn pool_timeout(pool: &'static str, timeout: Duration) {
    #[allow(clippy::cast_possible_truncation)]
    let timeout_ms = timeout.as_millis() as u64;
    tracing::warn!(target: "unokit::pool", pool, timeout_ms, "pool timeout");
}

/// A request's way through the response cache: a `response_cache` span opened
/// when it arrives, and one `response cache` event with the decision.
#[cfg(feature = "axum")]
pub(crate) struct Response(Span);

#[cfg(feature = "axum")]
impl Response {
    pub(crate) fn start(method: &http::Method, route: &str) -> Self {
        Self(tracing::debug_span!(
            target: "unokit::http", "response_cache",
            method = method.as_str(), route, decision = Empty, reason = Empty
        ))
    }

    /// Tells the decision; `reason` is asked only when someone listens.
    pub(crate) fn decide(&self, decision: &'static str, reason: impl FnOnce() -> &'static str) {
        if self.0.is_disabled() && !tracing::event_enabled!(target: "unokit::http", Level::DEBUG) {
            return;
        }
        let reason = reason();
        self.0.record("decision", decision);
        self.0.record("reason", reason);
        tracing::debug!(
            target: "unokit::http", parent: &self.0,
            decision, reason, "response cache"
        );
    }
}
