//! The caches, pools and response caches the exporter reads when it renders:
//! their own counters become the series, so that exporting them adds nothing
//! to a hit.

use crate::cache::CacheStats;
use crate::task::{Pool, PoolStats};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// A watched source's counters now, or `None` once it is gone.
type Read<T> = Box<dyn Fn() -> Option<T> + Send + Sync>;

enum Source {
    Cache(Read<CacheStats>),
    Pool(Read<PoolStats>),
    #[cfg(feature = "axum")]
    Response(Read<crate::http::ResponseCacheStats>),
}

impl Source {
    const fn kind(&self) -> &'static str {
        match self {
            Self::Cache(_) => "cache",
            Self::Pool(_) => "pool",
            #[cfg(feature = "axum")]
            Self::Response(_) => "response cache",
        }
    }
}

struct Watched {
    name: Arc<str>,
    source: Source,
}

static WATCHED: Mutex<Vec<Watched>> = Mutex::new(Vec::new());

fn watched() -> MutexGuard<'static, Vec<Watched>> {
    WATCHED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Adds `source` under `name`, replacing a source of its kind already there,
/// so that watching again (a test, a reload) does not count twice.
fn watch(name: &str, source: Source) {
    let mut watched = watched();
    watched.retain(|other| &*other.name != name || other.source.kind() != source.kind());
    watched.push(Watched {
        name: name.into(),
        source,
    });
}

/// Exports a function cache's [`CacheStats`] as `unokit_cache_*{cache="name"}`:
/// hits and misses per tier (`tier="l1"`, and `tier="l2"` for `#[cached(l2)]`),
/// stale answers, evictions and entries. `stats` is read at each render.
///
/// ```
/// #[unokit::cached]
/// fn user_name(id: u64) -> String {
///     format!("user {id}")
/// }
///
/// unokit::metrics::watch_cache("user_name", || user_name_cache().stats());
/// ```
pub fn watch_cache(name: &str, stats: impl Fn() -> CacheStats + Send + Sync + 'static) {
    watch(name, Source::Cache(Box::new(move || Some(stats()))));
}

/// Exports a pool's [`PoolStats`] as `unokit_pool_*{pool="name"}`: size, idle,
/// in use, waiting, and its created, reused, evicted, timed-out and failed
/// checkouts. The pool is not kept alive: once it is dropped, it is no
/// longer read.
///
/// ```
/// use unokit::task::Pool;
///
/// let pool = Pool::builder_sync(|| Ok::<_, std::convert::Infallible>(Vec::<u8>::new())).build();
/// unokit::metrics::watch_pool("buffers", &pool);
/// ```
pub fn watch_pool<T: Send + 'static>(name: &str, pool: &Pool<T>) {
    let weak = pool.downgrade();
    watch(
        name,
        Source::Pool(Box::new(move || {
            Pool::upgrade(&weak).map(|pool| pool.stats())
        })),
    );
}

/// Exports a response cache's counters as
/// `unokit_response_cache_requests_total{cache="name",outcome="hit|miss|bypass"}`,
/// `unokit_response_cache_stores_total` and `unokit_response_cache_entries`.
/// The cache is not kept alive.
///
/// ```
/// use unokit::http::ResponseCache;
///
/// let cache = ResponseCache::builder().build();
/// unokit::metrics::watch_response_cache("pages", &cache);
/// ```
#[cfg(feature = "axum")]
pub fn watch_response_cache(name: &str, cache: &crate::http::ResponseCache) {
    let weak = cache.downgrade();
    watch(
        name,
        Source::Response(Box::new(move || {
            crate::http::ResponseCache::upgrade(&weak).map(|cache| cache.stats())
        })),
    );
}

/// Sets every watched source's series from its counters now, and forgets the
/// sources that are gone.
pub(super) fn publish() {
    watched().retain(|watched| {
        let name = &watched.name;
        match &watched.source {
            Source::Cache(read) => read().map(|stats| cache(name, &stats)),
            Source::Pool(read) => read().map(|stats| pool(name, &stats)),
            #[cfg(feature = "axum")]
            Source::Response(read) => read().map(|stats| response(name, &stats)),
        }
        .is_some()
    });
    #[cfg(feature = "redis")]
    if let Some(tier) = crate::cache::l2::installed() {
        redis_tier(&tier.stats());
    }
}

fn cache(name: &Arc<str>, stats: &CacheStats) {
    let label = || name.to_string();
    let tier = |tier: &'static str, hits: u64, misses: u64| {
        metrics::counter!("unokit_cache_hits_total", "cache" => label(), "tier" => tier)
            .absolute(hits);
        metrics::counter!("unokit_cache_misses_total", "cache" => label(), "tier" => tier)
            .absolute(misses);
    };
    tier("l1", stats.hits, stats.misses);
    if stats.l2_hits + stats.l2_misses + stats.l2_unavailable + stats.l2_writes > 0 {
        tier("l2", stats.l2_hits, stats.l2_misses);
        metrics::counter!("unokit_cache_l2_unavailable_total", "cache" => label())
            .absolute(stats.l2_unavailable);
        metrics::counter!("unokit_cache_l2_writes_total", "cache" => label())
            .absolute(stats.l2_writes);
    }
    metrics::counter!("unokit_cache_stale_total", "cache" => label()).absolute(stats.stale);
    metrics::counter!("unokit_cache_evictions_total", "cache" => label()).absolute(stats.evictions);
    #[allow(clippy::cast_precision_loss)]
    metrics::gauge!("unokit_cache_entries", "cache" => label()).set(stats.entries as f64);
}

#[allow(clippy::cast_precision_loss)]
fn pool(name: &Arc<str>, stats: &PoolStats) {
    let label = || name.to_string();
    let gauges = [
        ("unokit_pool_size", stats.size),
        ("unokit_pool_idle", stats.idle),
        ("unokit_pool_in_use", stats.in_use),
        ("unokit_pool_waiting", stats.waiting),
    ];
    for (series, value) in gauges {
        metrics::gauge!(series, "pool" => label()).set(value as f64);
    }
    if stats.max_size != usize::MAX {
        metrics::gauge!("unokit_pool_max_size", "pool" => label()).set(stats.max_size as f64);
    }
    let counters = [
        ("unokit_pool_created_total", stats.created),
        ("unokit_pool_reused_total", stats.reused),
        ("unokit_pool_evicted_total", stats.evicted),
        ("unokit_pool_unhealthy_total", stats.unhealthy),
        ("unokit_pool_timeouts_total", stats.timeouts),
        ("unokit_pool_create_errors_total", stats.create_errors),
    ];
    for (series, value) in counters {
        metrics::counter!(series, "pool" => label()).absolute(value);
    }
}

#[cfg(feature = "axum")]
fn response(name: &Arc<str>, stats: &crate::http::ResponseCacheStats) {
    let label = || name.to_string();
    for (outcome, value) in [
        ("hit", stats.hits),
        ("miss", stats.misses),
        ("bypass", stats.bypasses),
    ] {
        metrics::counter!("unokit_response_cache_requests_total", "cache" => label(), "outcome" => outcome)
            .absolute(value);
    }
    metrics::counter!("unokit_response_cache_stores_total", "cache" => label())
        .absolute(stats.stores);
    #[allow(clippy::cast_precision_loss)]
    metrics::gauge!("unokit_response_cache_entries", "cache" => label()).set(stats.entries as f64);
}

#[cfg(feature = "redis")]
fn redis_tier(stats: &crate::cache::l2::TierStats) {
    let counters = [
        ("unokit_redis_tier_hits_total", stats.hits),
        ("unokit_redis_tier_misses_total", stats.misses),
        ("unokit_redis_tier_mismatches_total", stats.mismatches),
        ("unokit_redis_tier_corrupt_total", stats.corrupt),
        ("unokit_redis_tier_oversized_total", stats.oversized),
        ("unokit_redis_tier_errors_total", stats.errors),
        ("unokit_redis_tier_skipped_total", stats.skipped),
        (
            "unokit_redis_tier_breaker_opened_total",
            stats.breaker_opened,
        ),
    ];
    for (series, value) in counters {
        metrics::counter!(series).absolute(value);
    }
}
