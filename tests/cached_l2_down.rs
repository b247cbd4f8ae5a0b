//! `#[cached(l2)]` without Redis: before any tier is installed, and with a
//! tier whose Redis cannot be reached, calls work on the in-process cache
//! alone, fail nothing, and the stats say so. Needs no Redis server.
#![cfg(feature = "redis")]

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};
use unokit::cache::l2::{self, RedisTier, TierConfig};

static RUNS: AtomicUsize = AtomicUsize::new(0);

#[unokit::cached(l2, ttl = "10m", l1_ttl = "1m")]
async fn double(n: u64) -> u64 {
    RUNS.fetch_add(1, SeqCst);
    n * 2
}

#[unokit::cached(l2, ttl = "10m", result)]
async fn parse(text: &str) -> Result<u64, String> {
    text.parse().map_err(|error| format!("{error}"))
}

// One test: the tier is installed once per process, and the order matters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_run_on_the_process_cache_without_a_tier_or_when_redis_is_unreachable() {
    // No tier installed.
    assert!(l2::installed().is_none());
    assert_eq!(double(21).await, 42);
    assert_eq!(double(21).await, 42);
    let stats = double_cache().stats();
    assert_eq!((stats.misses, stats.hits), (1, 1));
    assert_eq!(
        (stats.l2_unavailable, stats.l2_hits, stats.l2_writes),
        (1, 0, 0)
    );

    // A tier on a port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let tier = RedisTier::new(TierConfig::new(format!("redis://127.0.0.1:{port}"))).unwrap();
    assert!(l2::install(tier).is_ok());
    let started = Instant::now();
    for n in 0..20 {
        assert_eq!(double(n).await, n * 2);
        assert_eq!(parse(&n.to_string()).await, Ok(n));
    }
    assert!(parse("x").await.is_err());
    // Each miss waits at most the 50 ms deadline, then the breaker skips Redis.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // A lookup a body outran (after the hedge's 10 ms) is counted when it
    // ends, by its 50 ms deadline.
    let counted = Instant::now();
    while double_cache().stats().l2_unavailable < 21 && counted.elapsed() < Duration::from_secs(1) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stats = double_cache().stats();
    assert_eq!(RUNS.load(SeqCst), 21, "21 before, 0..20 now");
    assert_eq!(
        (stats.l2_unavailable, stats.l2_hits, stats.l2_writes),
        (21, 0, 0)
    );
    assert_eq!(double(5).await, 10, "an in-process hit");
    assert_eq!(RUNS.load(SeqCst), 21);
    assert!(l2::installed().unwrap().stats().errors >= 1);
}
