//! A body that panics: every caller of that flight gets the body's panic at
//! once, nothing is cached, and the next call runs the body again. A leader that
//! is cancelled hands the flight to one of its waiters.

use crate::Runs;
use std::any::Any;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Barrier;
use unokit::cached;

/// The text of a panic's payload.
fn message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

static ASYNC_PANICS: Runs = Runs::new();

#[cached]
async fn exploding(id: u64) -> u64 {
    ASYNC_PANICS.record();
    tokio::time::sleep(Duration::from_millis(100)).await;
    panic!("backend {id} exploded");
}

async fn call_many(callers: usize, id: u64) -> Vec<String> {
    let barrier = Arc::new(Barrier::new(callers));
    let calls: Vec<_> = (0..callers)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                exploding(id).await
            })
        })
        .collect();
    let mut messages = Vec::with_capacity(callers);
    for call in calls {
        let error = call.await.expect_err("the body always panics");
        messages.push(message(&*error.into_panic()));
    }
    messages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_callers_share_one_panicking_body() {
    // Serial bodies would take 1000 × 100 ms; one flight takes about 100 ms.
    let messages = tokio::time::timeout(Duration::from_secs(20), call_many(1000, 3))
        .await
        .expect("every caller sees the panic promptly");
    assert!(messages.iter().all(|text| text == "backend 3 exploded"));
    // All callers pass the barrier before the first body ends; a straggler
    // delayed by the scheduler past it may start one more flight.
    let runs = ASYNC_PANICS.count();
    assert!((1..=3).contains(&runs), "the body ran {runs} times");
    assert_eq!(exploding_cache().stats().misses, 1000);

    // Nothing was cached: the next call runs the body again.
    let next = tokio::spawn(exploding(3)).await.unwrap_err();
    assert_eq!(message(&*next.into_panic()), "backend 3 exploded");
    assert_eq!(ASYNC_PANICS.count(), runs + 1);
    exploding_cache().run_pending_tasks().await;
    assert_eq!(exploding_cache().entry_count(), 0);
}

static SYNC_PANICS: Runs = Runs::new();

#[cached]
fn exploding_sync(id: u64) -> u64 {
    SYNC_PANICS.record();
    std::thread::sleep(Duration::from_millis(100));
    panic!("disk {id} exploded");
}

#[test]
fn sixty_four_threads_share_one_panicking_body() {
    let barrier = std::sync::Barrier::new(64);
    let messages: Vec<String> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..64)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    let error = std::panic::catch_unwind(|| exploding_sync(9))
                        .expect_err("the body always panics");
                    message(&*error)
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    assert!(messages.iter().all(|text| text == "disk 9 exploded"));
    let runs = SYNC_PANICS.count();
    assert!((1..=3).contains(&runs), "the body ran {runs} times");

    let next = std::panic::catch_unwind(|| exploding_sync(9)).unwrap_err();
    assert_eq!(message(&*next), "disk 9 exploded");
    assert_eq!(SYNC_PANICS.count(), runs + 1);
    exploding_sync_cache().run_pending_tasks();
    assert_eq!(exploding_sync_cache().entry_count(), 0);
}

static PANICS_ONCE: Runs = Runs::new();

#[cached]
async fn panics_first(id: u64) -> u64 {
    PANICS_ONCE.record();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(PANICS_ONCE.count() > 1, "the first body panics");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_waiters_of_a_panicking_flight_get_its_panic_and_the_next_call_succeeds() {
    let leader = tokio::spawn(panics_first(5));
    tokio::time::sleep(Duration::from_millis(10)).await;
    let waiters: Vec<_> = (0..5).map(|_| tokio::spawn(panics_first(5))).collect();
    let error = leader.await.unwrap_err();
    assert_eq!(message(&*error.into_panic()), "the first body panics");
    for waiter in waiters {
        let error = waiter.await.unwrap_err();
        assert_eq!(message(&*error.into_panic()), "the first body panics");
    }
    assert_eq!(PANICS_ONCE.count(), 1);
    assert_eq!(panics_first(5).await, 5);
    assert_eq!(panics_first(5).await, 5);
    assert_eq!(PANICS_ONCE.count(), 2);
}

static ABANDONED: Runs = Runs::new();

#[cached]
async fn abandoned(id: u64) -> String {
    ABANDONED.record();
    tokio::time::sleep(Duration::from_millis(100)).await;
    format!("report {id}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_leader_hands_its_flight_to_one_waiter() {
    let leader = tokio::spawn(abandoned(4));
    tokio::time::sleep(Duration::from_millis(10)).await;
    let waiters: Vec<_> = (0..500).map(|_| tokio::spawn(abandoned(4))).collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    leader.abort();
    for waiter in waiters {
        let report = tokio::time::timeout(Duration::from_secs(10), waiter)
            .await
            .expect("no waiter is stranded")
            .unwrap();
        assert_eq!(report, "report 4");
    }
    assert_eq!(ABANDONED.count(), 2, "one waiter took over the flight");
}
