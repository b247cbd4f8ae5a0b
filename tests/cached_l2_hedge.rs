//! Hedged reads under `#[cached(l2)]`, on the real Redis at
//! `UNOKIT_TEST_REDIS_URL` (skipped without it) behind a proxy the test owns
//! that delays every byte: a miss whose Redis lookup is slow starts its body
//! too, and whichever finishes first answers; the writes behind callers wait
//! in a bounded queue, which drops what does not fit.
#![cfg(feature = "redis")]

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use unokit::cache::l2::{self, RedisTier, TierConfig};
use unokit_fixtures::proxy::Proxy;

static FAST_RUNS: AtomicUsize = AtomicUsize::new(0);
static SLOW_RUNS: AtomicUsize = AtomicUsize::new(0);

/// A body much faster than the delayed Redis.
#[unokit::cached(l2, ttl = "10m")]
async fn fast(run: u64) -> String {
    FAST_RUNS.fetch_add(1, SeqCst);
    format!("computed {run}")
}

/// A body much slower than the delayed Redis.
#[unokit::cached(l2, ttl = "10m")]
async fn slow(run: u64) -> String {
    SLOW_RUNS.fetch_add(1, SeqCst);
    tokio::time::sleep(Duration::from_secs(5)).await;
    format!("computed {run}")
}

/// A key part no earlier run has used.
fn fresh_run() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    u64::try_from(nanos % u128::from(u64::MAX)).unwrap()
}

// One test: the tier is installed once per process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_redis_races_the_body_and_the_first_answer_wins() {
    let Ok(url) = std::env::var("UNOKIT_TEST_REDIS_URL") else {
        println!("skipped: UNOKIT_TEST_REDIS_URL is not set");
        return;
    };
    let upstream = url
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let proxy = Proxy::start(upstream).await;
    let config = TierConfig::new(format!("redis://{}", proxy.addr()))
        .with_op_timeout(Duration::from_secs(2))
        .with_hedge_after(Some(Duration::from_millis(5)))
        .with_write_queue(4);
    assert!(l2::install(RedisTier::new(config).unwrap()).is_ok());
    let run = fresh_run();
    // `slow`'s values in Redis, as another instance would have stored them:
    // primed (written behind), then dropped from this process only.
    slow_prime(run, format!("from redis {run}")).await;
    slow_prime(run + 1, "stored".to_owned()).await;
    let started = Instant::now();
    while slow_cache().stats().l2_writes < 2 {
        assert!(started.elapsed() < Duration::from_secs(3), "not written");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    slow_cache().invalidate_all();

    proxy.set_delay(Duration::from_millis(300));

    // Redis takes 300 ms; the body a few microseconds: the body answers.
    let started = Instant::now();
    assert_eq!(fast(run).await, format!("computed {run}"));
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    let stats = fast_cache().stats();
    assert_eq!((stats.l2_hedged, FAST_RUNS.load(SeqCst)), (1, 1));

    // Redis takes 300 ms; the body 5 s: Redis answers, the body is dropped.
    let started = Instant::now();
    assert_eq!(slow(run).await, format!("from redis {run}"));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let stats = slow_cache().stats();
    assert_eq!((stats.l2_hedged, stats.l2_hits), (1, 1));
    assert_eq!(SLOW_RUNS.load(SeqCst), 1, "started, then dropped");

    // A Redis that answers within `hedge_after` never starts the body.
    proxy.set_delay(Duration::ZERO);
    assert_eq!(slow(run + 1).await, "stored");
    assert_eq!(SLOW_RUNS.load(SeqCst), 1);
    assert_eq!(slow_cache().stats().l2_hedged, 1);

    // Writes behind callers wait in a queue of 4: while Redis is slow, the
    // queue fills and further writes are dropped (counted), never waited for.
    proxy.set_delay(Duration::from_millis(300));
    let writes = fast_cache().stats().l2_writes;
    let calls: Vec<_> = (0..50).map(|n| tokio::spawn(fast(run + 100 + n))).collect();
    for (n, call) in (0..).zip(calls) {
        assert_eq!(call.await.unwrap(), format!("computed {}", run + 100 + n));
    }
    assert!(
        l2::installed().unwrap().stats().dropped > 0,
        "a full queue drops"
    );
    proxy.set_delay(Duration::ZERO);
    let started = Instant::now();
    while fast_cache().stats().l2_writes == writes {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the queued writes never landed"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
