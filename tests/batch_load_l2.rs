//! `#[batch_load(l2)]` on the real Redis at `UNOKIT_TEST_REDIS_URL` (skipped
//! without it): a batch looks its keys up in one `MGET`, calls the function
//! with the keys Redis lacks only, and writes what it loads behind the caller.
//!
//! Loaders are made per request, so a new loader is a cold in-process cache:
//! what the first request loaded, the next one's loader finds in Redis. Keys
//! start at a fresh base per run, so that no earlier run's entries answer.
#![cfg(feature = "redis")]

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use unokit::batch_load;
use unokit::cache::l2::{self, RedisTier, TierConfig};

static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

/// The keys of each call of the batch function.
static CALLS: Mutex<Vec<Vec<u64>>> = Mutex::new(Vec::new());

/// Each user's name, many at a time (from "the database").
#[batch_load(l2, ttl = "10m")]
async fn user_names(ids: &[u64]) -> HashMap<u64, String> {
    CALLS.lock().unwrap().push(ids.to_vec());
    ids.iter()
        .filter(|&&id| id % 7 != 0)
        .map(|&id| (id, format!("user {id} ✓")))
        .collect()
}

/// Installs the tier on the test server, once; `false` without one.
fn tier(test: &str) -> bool {
    let Ok(url) = std::env::var("UNOKIT_TEST_REDIS_URL") else {
        println!("skipped {test}: UNOKIT_TEST_REDIS_URL is not set");
        return false;
    };
    if l2::installed().is_none() {
        let _ = l2::install(RedisTier::new(TierConfig::new(url)).unwrap());
    }
    true
}

/// A key range no earlier run has used.
fn fresh_base() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    u64::try_from(nanos % (1 << 40)).unwrap() * 1_000_000
}

/// How many `MGET`s the server has run.
async fn mgets(redis: &mut redis::aio::MultiplexedConnection) -> u64 {
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(redis)
        .await
        .unwrap();
    info.lines()
        .find_map(|line| line.strip_prefix("cmdstat_mget:calls="))
        .and_then(|rest| rest.split(',').next())
        .map_or(0, |calls| calls.parse().unwrap())
}

/// Waits until the writes behind earlier batches reached Redis.
async fn written(expected: u64) {
    let started = Instant::now();
    while UserNamesLoader::new().stats().l2_writes < expected {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "not written within 3 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[test]
fn a_warm_redis_answers_a_cold_loader_in_one_mget_without_a_batch_call() {
    let _runtime = RUNTIME.enter();
    if !tier("a_warm_redis_answers_a_cold_loader_in_one_mget_without_a_batch_call") {
        return;
    }
    RUNTIME.block_on(async {
        tokio::spawn(async {
            let url = std::env::var("UNOKIT_TEST_REDIS_URL").unwrap();
            let mut redis = redis::Client::open(url)
                .unwrap()
                .get_multiplexed_async_connection()
                .await
                .unwrap();
            let base = fresh_base();
            let keys: Vec<u64> = (base..base + 100).collect();
            let expected: HashMap<u64, String> = keys
                .iter()
                .filter(|&&id| id % 7 != 0)
                .map(|&id| (id, format!("user {id} ✓")))
                .collect();

            // The first request: Redis is cold, the function loads all 100.
            let first = UserNamesLoader::new()
                .load_many(keys.clone())
                .await
                .unwrap();
            assert_eq!(first, expected);
            assert_eq!(CALLS.lock().unwrap().last().unwrap().len(), 100);
            written(expected.len() as u64).await;

            // The next request's loader: one MGET, and no call at all.
            let calls = CALLS.lock().unwrap().len();
            let before = mgets(&mut redis).await;
            let second = UserNamesLoader::new()
                .load_many(keys.clone())
                .await
                .unwrap();
            assert_eq!(second, expected);
            assert_eq!(
                mgets(&mut redis).await - before,
                1,
                "one MGET for the batch"
            );
            let stats = UserNamesLoader::new().stats();
            assert_eq!(
                (stats.l2_hits, stats.l2_unavailable),
                (expected.len() as u64, 0)
            );
            // Keys the function had no value for are not stored: they are
            // asked again (about 14 of 100 here), never answered wrongly.
            let asked: Vec<Vec<u64>> = CALLS.lock().unwrap()[calls..].to_vec();
            let absent: Vec<u64> = keys.iter().copied().filter(|id| id % 7 == 0).collect();
            assert_eq!(
                asked,
                [absent],
                "only the keys without a value are asked again"
            );

            // Keys that all have a value: no call of the batch function.
            let calls = CALLS.lock().unwrap().len();
            let present: Vec<u64> = expected.keys().copied().collect();
            let third = UserNamesLoader::new().load_many(present).await.unwrap();
            assert_eq!(third, expected);
            assert_eq!(CALLS.lock().unwrap().len(), calls, "no batch call");
        })
        .await
        .unwrap();
    });
}
