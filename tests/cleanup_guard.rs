//! `unokit::task::CleanupGuard`: async cleanup on normal exit, early return and
//! cancellation.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::sleep;
use unokit::task::CleanupGuard;

type Log = Arc<Mutex<Vec<&'static str>>>;

fn guard_logging(log: &Log) -> CleanupGuard {
    let mut guard = CleanupGuard::new();
    for name in ["first registered", "second registered"] {
        let log = log.clone();
        guard.defer(async move {
            sleep(Duration::from_millis(2)).await; // a real await in the cleanup
            log.lock().unwrap().push(name);
        });
    }
    guard
}

async fn settle() {
    sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn finish_runs_cleanups_newest_first() {
    let log = Log::default();
    let guard = guard_logging(&log);
    assert_eq!(guard.len(), 2);
    guard.finish().await;
    assert_eq!(
        *log.lock().unwrap(),
        ["second registered", "first registered"]
    );
}

#[tokio::test]
async fn early_return_runs_cleanups() {
    async fn fails(log: Log) -> Result<(), &'static str> {
        let _guard = guard_logging(&log);
        Err("bad input")?;
        Ok(())
    }
    let log = Log::default();
    assert!(fails(log.clone()).await.is_err());
    settle().await;
    assert_eq!(
        *log.lock().unwrap(),
        ["second registered", "first registered"]
    );
}

#[tokio::test]
async fn cancellation_runs_cleanups() {
    let log = Log::default();
    let work_log = log.clone();
    let work = async move {
        let _guard = guard_logging(&work_log);
        std::future::pending::<()>().await;
    };
    // The timeout drops the work future: cancelled while it waits.
    assert!(
        tokio::time::timeout(Duration::from_millis(5), work)
            .await
            .is_err()
    );
    settle().await;
    assert_eq!(
        *log.lock().unwrap(),
        ["second registered", "first registered"]
    );
}

#[tokio::test]
async fn dismissed_cleanups_never_run() {
    let log = Log::default();
    guard_logging(&log).dismiss();
    settle().await;
    assert!(log.lock().unwrap().is_empty());
}

#[test]
fn without_a_runtime_cleanups_run_on_the_spot() {
    let log = Log::default();
    drop(guard_logging(&log));
    assert_eq!(
        *log.lock().unwrap(),
        ["second registered", "first registered"]
    );
}
