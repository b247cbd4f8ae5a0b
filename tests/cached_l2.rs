//! `#[cached(l2)]` through the facade on the real Redis at
//! `UNOKIT_TEST_REDIS_URL` (skipped without it): a value computed once is
//! served from Redis after the in-process cache lost it, promoted entries
//! expire no later than in Redis, `_invalidate` removes the Redis entry and
//! `_prime` writes it.
//!
//! The tier is installed once for the whole process, as a service does, and
//! its connection lives on the runtime that first uses it: the tests share
//! one multi-thread runtime, as a service's requests do. Each test keys its
//! calls with a fresh `run` so that no earlier run's entries in Redis answer
//! them.
#![cfg(feature = "redis")]

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use unokit::cache::l2::{self, Invalidation, RedisTier, Space, TierConfig};

static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

/// Installs the tier on the test server, once; `false` (and "skipped") without one.
fn tier(test: &str) -> bool {
    let Ok(url) = std::env::var("UNOKIT_TEST_REDIS_URL") else {
        println!("skipped {test}: UNOKIT_TEST_REDIS_URL is not set");
        return false;
    };
    if l2::installed().is_none() {
        // Two tests may race to install: the loser's tier is dropped.
        // These tests count body runs exactly: no hedged reads, whose bodies
        // would run whenever the machine is slow to schedule Redis's answer.
        let config = TierConfig::new(url).with_hedge_after(None);
        let _ = l2::install(RedisTier::new(config).unwrap());
    }
    true
}

/// A key part no earlier run of this test has used.
fn fresh_run() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    u64::try_from(nanos % u128::from(u64::MAX)).unwrap() ^ u64::from(std::process::id())
}

/// Waits until the write behind the caller has reached Redis.
async fn written(writes: impl Fn() -> u64, expected: u64) {
    for _ in 0..200 {
        if writes() >= expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the value was not written to Redis within 2 s");
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Profile {
    id: u64,
    name: String,
}

static PROFILE_RUNS: AtomicUsize = AtomicUsize::new(0);

#[unokit::cached(l2, ttl = "10m", l1_ttl = "30s")]
async fn profile(run: u64, id: u64) -> Profile {
    let _ = run;
    PROFILE_RUNS.fetch_add(1, SeqCst);
    Profile {
        id,
        name: format!("user {id}"),
    }
}

#[test]
fn a_value_lost_by_the_process_is_served_from_redis_without_the_body() {
    RUNTIME.block_on(async {
        if !tier("a_value_lost_by_the_process_is_served_from_redis_without_the_body") {
            return;
        }
        let run = fresh_run();
        let expected = Profile {
            id: 7,
            name: "user 7".to_owned(),
        };
        assert_eq!(profile(run, 7).await, expected);
        assert_eq!(PROFILE_RUNS.load(SeqCst), 1);
        written(|| profile_cache().stats().l2_writes, 1).await;

        // The process loses its copy (a restart, another instance): Redis answers.
        profile_cache().invalidate_all();
        assert_eq!(profile(run, 7).await, expected);
        assert_eq!(PROFILE_RUNS.load(SeqCst), 1, "the body ran again");
        let stats = profile_cache().stats();
        assert_eq!(
            (stats.l2_hits, stats.l2_misses, stats.l2_unavailable),
            (1, 1, 0)
        );

        // Promoted: the next call is an in-process hit, Redis is not asked.
        assert_eq!(profile(run, 7).await, expected);
        let after = profile_cache().stats();
        assert_eq!(after.hits, stats.hits + 1);
        assert_eq!(after.l2_hits, 1);
    });
}

static REMOVED_RUNS: AtomicUsize = AtomicUsize::new(0);

#[unokit::cached(l2, ttl = "10m")]
async fn removed(run: u64, id: &str) -> String {
    let _ = run;
    REMOVED_RUNS.fetch_add(1, SeqCst);
    id.to_uppercase()
}

#[test]
fn invalidate_removes_the_redis_entry_too() {
    RUNTIME.block_on(async {
        if !tier("invalidate_removes_the_redis_entry_too") {
            return;
        }
        let run = fresh_run();
        assert_eq!(removed(run, "ada").await, "ADA");
        written(|| removed_cache().stats().l2_writes, 1).await;
        removed_invalidate(run, "ada").await;
        assert_eq!(removed(run, "ada").await, "ADA");
        assert_eq!(REMOVED_RUNS.load(SeqCst), 2, "served from a removed entry");
        assert_eq!(removed_cache().stats().l2_hits, 0);
    });
}

static SHORT_RUNS: AtomicUsize = AtomicUsize::new(0);

#[unokit::cached(l2, ttl = "2s")]
async fn short_lived(run: u64) -> u64 {
    SHORT_RUNS.fetch_add(1, SeqCst);
    run + 1
}

#[test]
fn a_promoted_entry_expires_no_later_than_in_redis() {
    RUNTIME.block_on(async {
        if !tier("a_promoted_entry_expires_no_later_than_in_redis") {
            return;
        }
        let run = fresh_run();
        assert_eq!(short_lived(run).await, run + 1);
        written(|| short_lived_cache().stats().l2_writes, 1).await;
        tokio::time::sleep(Duration::from_millis(1200)).await;
        // Copied from Redis with 0.8 s left there: it lives 0.8 s here, not 2 s.
        short_lived_cache().invalidate_all();
        assert_eq!(short_lived(run).await, run + 1);
        assert_eq!(short_lived_cache().stats().l2_hits, 1);
        assert_eq!(SHORT_RUNS.load(SeqCst), 1);
        tokio::time::sleep(Duration::from_millis(1300)).await;
        assert_eq!(short_lived(run).await, run + 1);
        assert_eq!(
            SHORT_RUNS.load(SeqCst),
            2,
            "the promoted entry outlived Redis's"
        );
    });
}

static PRIMED_RUNS: AtomicUsize = AtomicUsize::new(0);

#[unokit::cached(l2, ttl = "10m")]
async fn primed(run: u64) -> String {
    PRIMED_RUNS.fetch_add(1, SeqCst);
    format!("computed {run}")
}

#[test]
fn prime_writes_the_redis_entry_too() {
    RUNTIME.block_on(async {
        if !tier("prime_writes_the_redis_entry_too") {
            return;
        }
        let run = fresh_run();
        primed_prime(run, "primed".to_owned()).await;
        written(|| primed_cache().stats().l2_writes, 1).await;
        // Dropped from this process only: Redis keeps it.
        primed_cache().invalidate_all();
        assert_eq!(primed(run).await, "primed");
        assert_eq!(PRIMED_RUNS.load(SeqCst), 0);
        assert_eq!(primed_cache().stats().l2_hits, 1);
    });
}

static SHARED_RUNS: AtomicUsize = AtomicUsize::new(0);

#[unokit::cached(l2, ttl = "10m")]
async fn shared(run: u64) -> u64 {
    SHARED_RUNS.fetch_add(1, SeqCst);
    run
}

#[test]
fn an_invalidation_published_by_another_instance_drops_that_key_alone() {
    RUNTIME.block_on(async {
        let test = "an_invalidation_published_by_another_instance_drops_that_key_alone";
        if !tier(test) {
            return;
        }
        let run = fresh_run();
        assert_eq!(shared(run).await, run);
        // Another key, which the invalidation of `run` must leave alone.
        assert_eq!(shared(run + 1).await, run + 1);
        written(|| shared_cache().stats().l2_writes, 2).await;
        // Another instance: its own tier (its own connections and source id),
        // publishing on the function's channel (the schema is not part of it).
        let url = std::env::var("UNOKIT_TEST_REDIS_URL").unwrap();
        let other = RedisTier::new(TierConfig::new(url)).unwrap();
        let space = Space::new("cached_l2::shared", 0);
        let message = Invalidation::Key(unokit::CacheKey::key_bytes(&(&run,)));
        // The subscription starts in the background: publish until it hears.
        for _ in 0..100 {
            other.publish(&space, &message).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            assert_eq!(shared(run).await, run);
            if shared_cache().stats().l2_hits > 0 {
                break;
            }
        }
        let stats = shared_cache().stats();
        assert_eq!(stats.l2_hits, 1, "the local copy was never dropped");
        assert_eq!(SHARED_RUNS.load(SeqCst), 2);
        // The other key is still in the process: a hit, not a trip to Redis.
        let hits = stats.hits;
        assert_eq!(shared(run + 1).await, run + 1);
        let stats = shared_cache().stats();
        assert_eq!(
            (stats.hits, stats.l2_hits),
            (hits + 1, 1),
            "only the named key was dropped"
        );
    });
}

#[unokit::cached(l2, ttl = "10m")]
async fn everything(run: u64) -> u64 {
    run + 1
}

#[test]
fn invalidate_all_empties_redis_and_tells_the_other_instances() {
    RUNTIME.block_on(async {
        let test = "invalidate_all_empties_redis_and_tells_the_other_instances";
        if !tier(test) {
            return;
        }
        let run = fresh_run();
        for n in 0..3 {
            assert_eq!(everything(run + n).await, run + n + 1);
        }
        written(|| everything_cache().stats().l2_writes, 3).await;
        // Another instance listens on the function's channel.
        let url = std::env::var("UNOKIT_TEST_REDIS_URL").unwrap();
        let other = RedisTier::new(TierConfig::new(url.clone())).unwrap();
        let space = Space::new("cached_l2::everything", 0);
        let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let into = std::sync::Arc::clone(&heard);
        other
            .subscribe(&space, move |message| into.lock().unwrap().push(message))
            .await;
        let mut redis = redis::Client::open(url)
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();
        let keys: Vec<String> = (0..3).map(|n| space.redis_key(&(&(run + n),))).collect();
        let exists = |redis: &mut redis::aio::MultiplexedConnection| {
            let mut redis = redis.clone();
            let keys = keys.clone();
            async move {
                redis::cmd("EXISTS")
                    .arg(&keys)
                    .query_async::<u64>(&mut redis)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(exists(&mut redis).await, 3);

        everything_invalidate_all();
        let started = std::time::Instant::now();
        while exists(&mut redis).await > 0 || !heard.lock().unwrap().contains(&Invalidation::All) {
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "Redis kept the entries, or nobody heard"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // This process misses too, and Redis has nothing: the body runs.
        let misses = everything_cache().stats().misses;
        assert_eq!(everything(run).await, run + 1);
        let stats = everything_cache().stats();
        assert_eq!((stats.misses, stats.l2_hits), (misses + 1, 0));
    });
}
