//! Single flight per key, independence of keys, and what waiting callers get when
//! the leading call fails, panics or is cancelled.

use crate::Runs;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;
use unokit::cached;

static COLD: Runs = Runs::new();

#[cached]
async fn slow_lookup(id: u64) -> String {
    COLD.record();
    tokio::time::sleep(Duration::from_millis(50)).await;
    format!("value {id}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_calls_on_one_cold_key_run_the_body_once() {
    let barrier = Arc::new(Barrier::new(100));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                slow_lookup(7).await
            })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), "value 7");
    }
    assert_eq!(COLD.count(), 1);
    let stats = slow_lookup_cache().stats();
    assert_eq!((stats.hits, stats.misses), (99, 1));
}

static SYNC_COLD: Runs = Runs::new();

#[cached]
fn slow_square(n: u64) -> u64 {
    SYNC_COLD.record();
    std::thread::sleep(Duration::from_millis(50));
    n * n
}

#[test]
fn sync_callers_on_one_cold_key_block_on_one_body() {
    let barrier = std::sync::Barrier::new(100);
    std::thread::scope(|scope| {
        for _ in 0..100 {
            scope.spawn(|| {
                barrier.wait();
                assert_eq!(slow_square(12), 144);
            });
        }
    });
    assert_eq!(SYNC_COLD.count(), 1);
}

#[cached]
async fn slow_distinct(id: u64) -> u64 {
    tokio::time::sleep(Duration::from_millis(50)).await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn different_keys_never_wait_for_each_other() {
    let start = Instant::now();
    let calls: Vec<_> = (0..100).map(|id| tokio::spawn(slow_distinct(id))).collect();
    for (id, call) in calls.into_iter().enumerate() {
        assert_eq!(call.await.unwrap(), id as u64);
    }
    // 100 sequential bodies would take 5 s; concurrent ones take about 50 ms.
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
}

#[cached]
fn slow_distinct_sync(id: u64) -> u64 {
    std::thread::sleep(Duration::from_millis(50));
    id
}

#[test]
fn sync_different_keys_never_wait_for_each_other() {
    let start = Instant::now();
    std::thread::scope(|scope| {
        for id in 0..100 {
            scope.spawn(move || assert_eq!(slow_distinct_sync(id), id));
        }
    });
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
}

static FAILING: Runs = Runs::new();

#[cached]
async fn always_fails(id: u64) -> Result<u64, String> {
    FAILING.record();
    tokio::time::sleep(Duration::from_millis(30)).await;
    Err(format!("{id} is down"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_caller_gets_an_error_when_the_body_fails() {
    let calls: Vec<_> = (0..10).map(|_| tokio::spawn(always_fails(1))).collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), Err("1 is down".to_owned()));
    }
    assert_eq!(
        FAILING.count(),
        10,
        "an uncached error is each caller's own"
    );
}

// A panicking body: see `panics.rs`.

static CANCELLED: Runs = Runs::new();

#[cached]
async fn slow_report(id: u64) -> String {
    CANCELLED.record();
    tokio::time::sleep(Duration::from_millis(100)).await;
    format!("report {id}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_leader_does_not_strand_its_waiters() {
    let leader = tokio::spawn(slow_report(3));
    tokio::time::sleep(Duration::from_millis(10)).await;
    let waiter = tokio::spawn(slow_report(3));
    tokio::time::sleep(Duration::from_millis(10)).await;
    leader.abort();
    let report = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("the waiter finishes")
        .unwrap();
    assert_eq!(report, "report 3");
    assert_eq!(
        CANCELLED.count(),
        2,
        "the waiter ran the body after the leader was cancelled"
    );
}

static RACED: Runs = Runs::new();

#[cached]
async fn raced(id: u64) -> usize {
    RACED.record();
    tokio::time::sleep(Duration::from_millis(50)).await;
    RACED.count() + usize::try_from(id).unwrap()
}

/// A value computed across an `invalidate_all` is stale: it is not served, and it
/// does not keep the key from being cached again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_computed_across_invalidate_all_is_not_served() {
    let leader = tokio::spawn(raced(0));
    tokio::time::sleep(Duration::from_millis(10)).await;
    raced_invalidate_all();
    assert_eq!(
        leader.await.unwrap(),
        1,
        "the caller that computed it gets it"
    );
    assert_eq!(raced(0).await, 2, "the next call computes afresh");
    assert_eq!(raced(0).await, 2, "and that value is cached");
    assert_eq!(RACED.count(), 2);
}

static SYNC_RACED: Runs = Runs::new();

#[cached]
fn sync_raced(id: u64) -> usize {
    SYNC_RACED.record();
    std::thread::sleep(Duration::from_millis(50));
    SYNC_RACED.count() + usize::try_from(id).unwrap()
}

#[test]
fn a_sync_value_computed_across_invalidate_all_is_not_served() {
    let leader = std::thread::spawn(|| sync_raced(0));
    std::thread::sleep(Duration::from_millis(10));
    sync_raced_invalidate_all();
    assert_eq!(leader.join().unwrap(), 1);
    assert_eq!(sync_raced(0), 2);
    assert_eq!(sync_raced(0), 2);
    assert_eq!(SYNC_RACED.count(), 2);
}
