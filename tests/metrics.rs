//! `unokit::metrics` through the facade, on a multi-thread runtime: the series
//! rendered for watched caches and pools are their own counters, batch sizes
//! and pool waits are recorded as they happen, and the JSON holds the same
//! samples as the text.
//!
//! One recorder serves the whole process, so each test names its own caches,
//! pools and loaders, and compares label-less series by how much they grew.
#![cfg(feature = "metrics")]

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;
use unokit::batch::{BatchFn, BatchLoader};
use unokit::cached;
use unokit::metrics::{Exporter, Sample, watch_cache, watch_pool};
use unokit::task::{Pool, PoolError};

fn exporter() -> Exporter {
    Exporter::install().expect("this binary installs no other recorder")
}

/// The value of the one sample named `name` whose labels include `labels`.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut found = samples.iter().filter(|sample| {
        sample.name == name
            && labels
                .iter()
                .all(|(key, value)| sample.label(key) == Some(value))
    });
    let first = found.next()?;
    assert!(
        found.next().is_none(),
        "{name} {labels:?} is not one series"
    );
    Some(first.value)
}

#[allow(clippy::cast_precision_loss)]
fn float(count: u64) -> f64 {
    count as f64
}

#[cached(capacity = 64)]
fn square(n: u64) -> u64 {
    n * n
}

#[cached(capacity = 64)]
async fn cube(n: u64) -> u64 {
    tokio::task::yield_now().await;
    n * n * n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn watched_caches_export_their_own_counters() {
    let exporter = exporter();
    watch_cache("square", || square_cache().stats());
    watch_cache("cube", || cube_cache().stats());
    // 8 tasks over 500 keys, each key read several times: hits, misses, and
    // evictions from caches of 64 entries.
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..8_u64 {
        tasks.spawn(async move {
            for round in 0..2_000_u64 {
                let key = (round * 7 + task * 13) % 500;
                assert_eq!(square(key % 80), (key % 80) * (key % 80));
                assert_eq!(cube(key).await, key * key * key);
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    square_cache().run_pending_tasks();
    cube_cache().run_pending_tasks().await;

    let samples = exporter.samples();
    for (name, stats) in [
        ("square", square_cache().stats()),
        ("cube", cube_cache().stats()),
    ] {
        let cache = [("cache", name)];
        let l1 = [("cache", name), ("tier", "l1")];
        assert_eq!(stats.hits + stats.misses, 16_000, "{name}");
        assert_eq!(
            value(&samples, "unokit_cache_hits_total", &l1),
            Some(float(stats.hits))
        );
        assert_eq!(
            value(&samples, "unokit_cache_misses_total", &l1),
            Some(float(stats.misses))
        );
        assert_eq!(
            value(&samples, "unokit_cache_entries", &cache),
            Some(float(stats.entries))
        );
        assert!(stats.evictions > 0, "{name}: {stats:?}");
        assert_eq!(
            value(&samples, "unokit_cache_evictions_total", &cache),
            Some(float(stats.evictions))
        );
        // Without `#[cached(l2)]` there is no second tier to show.
        let l2 = [("cache", name), ("tier", "l2")];
        assert_eq!(value(&samples, "unokit_cache_hits_total", &l2), None);
    }

    // The JSON holds the same samples.
    let json = exporter.json();
    let listed = json["samples"].as_array().unwrap();
    let square_hits = listed
        .iter()
        .find(|sample| {
            sample["name"] == "unokit_cache_hits_total"
                && sample["labels"]["cache"] == "square"
                && sample["labels"]["tier"] == "l1"
        })
        .expect("the square cache's hits");
    assert_eq!(
        square_hits["value"].as_f64(),
        Some(float(square_cache().stats().hits))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn watching_a_name_again_replaces_it_and_dropped_pools_are_let_go() {
    let exporter = exporter();
    watch_cache("replaced", || unokit::cache::CacheStats {
        hits: 1,
        ..Default::default()
    });
    watch_cache("replaced", || unokit::cache::CacheStats {
        hits: 7,
        ..Default::default()
    });
    let samples = exporter.samples();
    let hits = [("cache", "replaced"), ("tier", "l1")];
    assert_eq!(value(&samples, "unokit_cache_hits_total", &hits), Some(7.0));

    let pool = Pool::builder_sync(|| Ok::<_, Infallible>(0_u8))
        .max_size(3)
        .build();
    watch_pool("short-lived", &pool);
    let _held = pool.try_get().unwrap();
    let samples = exporter.samples();
    let labels = [("pool", "short-lived")];
    assert_eq!(value(&samples, "unokit_pool_in_use", &labels), Some(1.0));
    assert_eq!(value(&samples, "unokit_pool_max_size", &labels), Some(3.0));
    drop(_held);
    drop(pool);
    // Rendering after the pool is gone reads nothing from it and does not fail.
    assert!(exporter.render().contains("short-lived"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pool_waits_and_timeouts_are_counted() {
    let exporter = exporter();
    let waits_before = value(&exporter.samples(), "unokit_pool_wait_seconds_count", &[]);
    let pool = Pool::builder_sync(|| Ok::<_, Infallible>(String::new()))
        .max_size(1)
        .acquire_timeout(Duration::from_millis(300))
        .build();
    watch_pool("contended", &pool);
    let held = pool.get().await.unwrap();
    let mut waiters = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let pool = pool.clone();
        waiters.spawn(async move { pool.get().await.map(drop) });
    }
    // Released after 50 ms: the waiters get it one after another, each
    // holding it briefly; all four wait.
    tokio::time::sleep(Duration::from_millis(50)).await;
    drop(held);
    let mut served = 0;
    while let Some(done) = waiters.join_next().await {
        match done.unwrap() {
            Ok(()) => served += 1,
            Err(PoolError::Timeout(_)) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(served, 4);
    let samples = exporter.samples();
    let stats = pool.stats();
    let labels = [("pool", "contended")];
    assert_eq!(
        value(&samples, "unokit_pool_created_total", &labels),
        Some(float(stats.created))
    );
    assert_eq!(
        value(&samples, "unokit_pool_reused_total", &labels),
        Some(float(stats.reused))
    );
    assert_eq!(value(&samples, "unokit_pool_waiting", &labels), Some(0.0));
    let waits = value(&samples, "unokit_pool_wait_seconds_count", &[]).unwrap();
    assert!(waits >= waits_before.unwrap_or(0.0) + 4.0, "{waits}");

    // A checkout that cannot get the object in time is a timeout.
    let _held = pool.get().await.unwrap();
    assert!(matches!(pool.get().await, Err(PoolError::Timeout(_))));
    let samples = exporter.samples();
    assert_eq!(
        value(&samples, "unokit_pool_timeouts_total", &labels),
        Some(1.0)
    );
}

/// A batch function whose loads land in the `Squares` series.
struct Squares;

impl BatchFn for Squares {
    type Key = u64;
    type Value = u64;
    type Error = Infallible;
    type Map = HashMap<u64, u64>;

    async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, u64>, Infallible> {
        tokio::time::sleep(Duration::from_millis(2)).await;
        Ok(keys.iter().map(|&key| (key, key * key)).collect())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn batch_sizes_and_latencies_are_recorded_per_batch_function() {
    let exporter = exporter();
    let mut batches = 0;
    let mut keys = 0;
    // Loaders per request, as a service makes them; each loads 250 keys from
    // 4 tasks.
    for request in 0..4_u64 {
        let loader = BatchLoader::new(Squares);
        let mut tasks = tokio::task::JoinSet::new();
        for task in 0..4_u64 {
            let loader = loader.clone();
            tasks.spawn(async move {
                let keys: Vec<u64> = (0..250)
                    .map(|key| request * 1_000 + task * 250 + key)
                    .collect();
                let loaded = loader.load_many(keys.clone()).await.unwrap();
                for key in keys {
                    assert_eq!(loaded[&key], key * key);
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        let stats = loader.stats();
        batches += stats.batches;
        keys += stats.keys_fetched;
    }
    assert_eq!(keys, 4_000);
    let samples = exporter.samples();
    let loader = [("loader", "Squares")];
    assert_eq!(
        value(&samples, "unokit_batch_keys_count", &loader),
        Some(float(batches))
    );
    assert_eq!(
        value(&samples, "unokit_batch_keys_sum", &loader),
        Some(float(keys))
    );
    assert_eq!(
        value(&samples, "unokit_batch_seconds_count", &loader),
        Some(float(batches))
    );
    // Each call slept 2 ms.
    let slowest = value(
        &samples,
        "unokit_batch_seconds",
        &[("loader", "Squares"), ("quantile", "1")],
    )
    .unwrap();
    assert!((0.002..5.0).contains(&slowest), "{slowest}");
}
