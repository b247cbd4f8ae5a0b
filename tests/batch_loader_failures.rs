//! What a `BatchLoader` does when things go wrong: batch errors, panics,
//! cancelled loads, a runtime that goes away. No waiter ever hangs.

use unokit_fixtures::recorder;

use futures::future::join_all;
use recorder::{Behaviour, Down, Recorder};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use unokit::batch::{BatchLoader, LoadError, LoaderConfig};

/// Polls `future` once with a no-op waker.
fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(std::task::Waker::noop()))
}

#[tokio::test]
async fn a_batch_error_reaches_every_waiting_key_as_one_shared_error() {
    let loader = BatchLoader::new(Recorder::behaving(Behaviour::Fail));
    let loaded = join_all((1..=5).map(|key| loader.load(key))).await;
    let errors: Vec<LoadError<Down>> = loaded.into_iter().map(Result::unwrap_err).collect();
    let LoadError::Batch(first) = &errors[0] else {
        panic!("a batch error, got {:?}", errors[0]);
    };
    assert_eq!(**first, Down("database down"));
    for error in &errors {
        let LoadError::Batch(shared) = error else {
            panic!("{error:?}")
        };
        assert!(
            Arc::ptr_eq(first, shared),
            "one error, shared: `Down` is not Clone"
        );
    }
    assert_eq!(errors[0].to_string(), "the batch failed: database down");
}

#[tokio::test]
async fn a_failed_key_is_fetched_again_by_the_next_load() {
    let failing = Recorder::behaving(Behaviour::Fail);
    let loader = BatchLoader::new(failing.clone());
    assert!(loader.load(1).await.is_err());
    assert!(loader.load(1).await.is_err());
    assert_eq!(failing.calls().len(), 2, "an error is not cached");
}

#[tokio::test]
async fn load_many_reports_the_batch_error() {
    let loader = BatchLoader::new(Recorder::behaving(Behaviour::Fail));
    let error = loader.load_many([1, 2, 3]).await.unwrap_err();
    assert_eq!(error.batch_error(), Some(&Down("database down")));
}

#[tokio::test]
async fn a_panic_in_the_batch_function_reaches_the_waiters_as_an_error() {
    let loader = BatchLoader::new(Recorder::behaving(Behaviour::Panic));
    let loaded = tokio::time::timeout(
        Duration::from_secs(10),
        join_all((1..=3).map(|key| loader.load(key))),
    )
    .await
    .expect("no waiter hangs");
    for result in loaded {
        match result {
            Err(LoadError::Panicked(message)) => assert_eq!(&*message, "the batch function broke"),
            other => panic!("expected a panic error, got {other:?}"),
        }
    }
    // The loader still works for the next batch.
    assert!(matches!(loader.load(4).await, Err(LoadError::Panicked(_))));
}

#[tokio::test]
async fn half_of_1000_loads_cancelled_mid_batch_leave_the_rest_resolving() {
    let (recorder, gate) = Recorder::gated();
    let loader = BatchLoader::new(recorder.clone());
    let mut loads: Vec<_> = (0..1000).map(|key| loader.load(key)).collect();
    for load in &mut loads {
        assert!(poll_once(load).is_pending());
    }
    // The batch is in flight, held at the gate.
    while recorder.calls().is_empty() {
        tokio::task::yield_now().await;
    }
    // Cancel every other load, the one that opened the batch among them.
    let kept: Vec<_> = loads
        .into_iter()
        .enumerate()
        .filter_map(|(position, load)| (position % 2 == 1).then_some(load))
        .collect();
    gate.add_permits(1);
    let loaded = tokio::time::timeout(Duration::from_secs(10), join_all(kept))
        .await
        .expect("no waiter hangs");
    for (key, value) in (1..1000).step_by(2).zip(loaded) {
        assert_eq!(value.unwrap(), recorder::value_of(key));
    }
    assert_eq!(recorder.calls().len(), 1);
}

#[tokio::test]
async fn a_batch_whose_every_waiter_was_dropped_still_fills_the_cache() {
    let (recorder, gate) = Recorder::gated();
    let loader = BatchLoader::new(recorder.clone());
    let mut load = loader.load(3);
    assert!(poll_once(&mut load).is_pending());
    drop(load);
    while recorder.calls().is_empty() {
        tokio::task::yield_now().await;
    }
    gate.add_permits(1);
    assert_eq!(loader.load(3).await.unwrap(), Some(30));
    assert_eq!(
        recorder.calls().len(),
        1,
        "the second load joined or hit the first batch"
    );
}

#[tokio::test]
async fn a_load_dropped_before_its_first_poll_fetches_nothing() {
    let recorder = Recorder::default();
    let loader = BatchLoader::new(recorder.clone());
    drop(loader.load(1));
    assert_eq!(loader.load(2).await.unwrap(), Some(20));
    assert_eq!(recorder.calls(), vec![vec![2]]);
}

#[test]
#[allow(clippy::async_yields_async)] // the pending load is carried out of the dying runtime
fn a_batch_dropped_with_its_runtime_is_an_error_not_a_hang() {
    let (recorder, _gate) = Recorder::gated();
    let loader = BatchLoader::new(recorder.clone());
    // With its timer: a batch still running then needs it for its deadline.
    let doomed = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let mut load = doomed.block_on(async {
        let mut load = loader.load(1);
        assert!(poll_once(&mut load).is_pending());
        // Start the batch, which then waits at the gate forever.
        while recorder.calls().is_empty() {
            tokio::task::yield_now().await;
        }
        load
    });
    drop(doomed);
    let rescue = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let result = rescue.block_on(std::future::poll_fn(|cx| Pin::new(&mut load).poll(cx)));
    assert!(matches!(result, Err(LoadError::Abandoned)), "{result:?}");
}

#[test]
#[should_panic(expected = "inside a Tokio runtime")]
fn loading_outside_a_tokio_runtime_says_so() {
    let loader = BatchLoader::new(Recorder::default());
    let mut load = loader.load(1);
    let _ = poll_once(&mut load);
}

#[tokio::test]
async fn clearing_a_key_of_the_open_batch_neither_fetches_it_twice_nor_loses_it() {
    let recorder = Recorder::default();
    let loader = BatchLoader::new(recorder.clone());
    let mut first = loader.load(3);
    assert!(poll_once(&mut first).is_pending());
    loader.clear(&3);
    let mut second = loader.load(3); // the key goes into the open batch again
    assert!(poll_once(&mut second).is_pending());
    loader.prime(4, 44);
    loader.clear(&4);
    let third = loader.load(4);
    let (first, second, third) = futures::join!(first, second, third);
    assert_eq!(
        (first.unwrap(), second.unwrap(), third.unwrap()),
        (Some(30), Some(30), Some(40))
    );
    assert_eq!(recorder.calls(), vec![vec![3, 4]], "each key once");
}

#[tokio::test]
async fn a_key_cleared_while_its_batch_runs_still_gets_its_value() {
    let (recorder, gate) = Recorder::gated();
    let loader = BatchLoader::new(recorder.clone());
    let first = tokio::spawn({
        let loader = loader.clone();
        async move { loader.load(5).await }
    });
    while recorder.calls().is_empty() {
        tokio::task::yield_now().await;
    }
    loader.clear(&5);
    loader.prime(6, 66);
    gate.add_permits(2);
    assert_eq!(first.await.unwrap().unwrap(), Some(50));
    assert_eq!(
        loader.load(5).await.unwrap(),
        Some(50),
        "fetched again after the clear"
    );
    assert_eq!(recorder.calls().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_batch_function_that_never_returns_fails_every_waiter_at_the_timeout() {
    // A batch function stuck on a dead database: the gate never opens.
    let (recorder, gate) = Recorder::gated();
    let timeout = Duration::from_millis(100);
    let loader =
        BatchLoader::with_config(recorder.clone(), LoaderConfig::new().with_timeout(timeout));
    let tasks: Vec<_> = (0..100)
        .map(|key| {
            let loader = loader.clone();
            tokio::spawn(async move { loader.load(key).await })
        })
        .collect();
    // A bound far below a hang and above the timeout: the waiters fail together.
    let loaded = tokio::time::timeout(Duration::from_secs(5), join_all(tasks))
        .await
        .expect("the loader's deadline fails the waiters");
    for result in loaded {
        match result.unwrap() {
            Err(LoadError::TimedOut(after)) => assert_eq!(after, timeout),
            other => panic!("expected a timeout, got {other:?}"),
        }
    }
    let stuck = recorder.calls().len();
    assert!(stuck >= 1, "the keys went to the batch function");
    assert_eq!(
        LoadError::<Down>::TimedOut(timeout).to_string(),
        "the batch did not finish within 100ms"
    );

    // The database is back: the next loads fetch the failed keys again.
    gate.add_permits(1_000);
    let again = tokio::time::timeout(Duration::from_secs(5), loader.load_many(0..100))
        .await
        .expect("no hang after recovery")
        .unwrap();
    assert_eq!(
        again.len(),
        (0..100)
            .filter(|key| recorder::value_of(*key).is_some())
            .count()
    );
    assert!(
        recorder.calls().len() > stuck,
        "a timed-out key is not cached"
    );
}

#[test]
fn the_default_deadline_is_documented_and_can_be_lifted() {
    let config = LoaderConfig::new();
    assert_eq!(config.timeout(), Some(LoaderConfig::DEFAULT_TIMEOUT));
    assert_eq!(LoaderConfig::DEFAULT_TIMEOUT, Duration::from_secs(5));
    assert_eq!(config.without_timeout().timeout(), None);
}

#[test]
fn a_pending_batch_on_a_runtime_without_a_timer_says_so() {
    let (recorder, _gate) = Recorder::gated();
    let loader = BatchLoader::new(recorder);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    match runtime.block_on(loader.load(1)) {
        Err(LoadError::Panicked(message)) => assert!(message.contains("enable_time"), "{message}"),
        other => panic!("expected the timer's message, got {other:?}"),
    }
}
