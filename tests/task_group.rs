//! `unokit::task::TaskGroup`: all or nothing, bounded, and no orphans.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::time::Duration;
use tokio::time::sleep;
use unokit::task::TaskGroup;

/// Sets its flag when dropped: proof that an aborted task's future was dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_come_back_in_spawn_order() {
    let mut group = TaskGroup::new();
    for n in 0..10_u64 {
        group.spawn(async move {
            // Later tasks finish first.
            sleep(Duration::from_millis(20 - 2 * n)).await;
            Ok::<_, String>(n)
        });
    }
    assert_eq!(group.len(), 10);
    assert_eq!(group.join_all().await.unwrap(), (0..10).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_error_cancels_the_rest_and_is_returned() {
    let finished = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicBool::new(false));
    let mut group = TaskGroup::new();
    for _ in 0..3 {
        let finished = finished.clone();
        let flag = DropFlag(dropped.clone());
        group.spawn(async move {
            let _flag = flag;
            sleep(Duration::from_secs(30)).await;
            finished.fetch_add(1, SeqCst);
            Ok(())
        });
    }
    group.spawn(async {
        sleep(Duration::from_millis(10)).await;
        Err("database down")
    });
    let started = std::time::Instant::now();
    assert_eq!(group.join_all().await, Err("database down"));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waited for the slow tasks"
    );
    assert!(dropped.load(SeqCst), "the slow tasks were not aborted");
    assert_eq!(finished.load(SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_concurrency_bounds_running_tasks() {
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let mut group = TaskGroup::with_max_concurrency(3);
    for _ in 0..12 {
        let (running, peak) = (running.clone(), peak.clone());
        group.spawn(async move {
            let now = running.fetch_add(1, SeqCst) + 1;
            peak.fetch_max(now, SeqCst);
            sleep(Duration::from_millis(5)).await;
            running.fetch_sub(1, SeqCst);
            Ok::<_, ()>(())
        });
    }
    assert_eq!(group.join_all().await.unwrap().len(), 12);
    assert_eq!(
        peak.load(SeqCst),
        3,
        "ran more (or fewer) than three at once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_group_aborts_its_tasks() {
    let ticks = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicBool::new(false));
    let mut group = TaskGroup::<(), ()>::new();
    let counter = ticks.clone();
    let flag = DropFlag(dropped.clone());
    group.spawn(async move {
        let _flag = flag;
        loop {
            counter.fetch_add(1, SeqCst);
            sleep(Duration::from_millis(1)).await;
        }
    });
    sleep(Duration::from_millis(20)).await;
    drop(group);
    sleep(Duration::from_millis(20)).await;
    assert!(dropped.load(SeqCst), "the task outlived its group");
    let after_drop = ticks.load(SeqCst);
    sleep(Duration::from_millis(30)).await;
    assert_eq!(ticks.load(SeqCst), after_drop, "the task kept running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[should_panic(expected = "task blew up")]
async fn a_panicking_task_panics_the_join() {
    let mut group = TaskGroup::<(), ()>::new();
    group.spawn(async { panic!("task blew up") });
    group.spawn(std::future::pending());
    let _ = group.join_all().await;
}
