//! Running batches: a task per batch, spawned when the batch opens.
//!
//! The batch function runs in its own task, never inside a caller's future, so
//! dropping any caller cannot cancel the batch the others wait for. A panic in
//! the batch function, or a task dropped before it finished, still finishes the
//! batch with an error: no waiter hangs.

use super::cell::Failed;
use super::error::LoadError;
use super::fetch::BatchFn;
use super::state::{Cell, Closed, Dispatch, LoaderState, tokio_runtime};
use crate::trace;
use std::any::Any;
use std::collections::HashSet;
use std::future::{Future, poll_fn};
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

/// Does what a key's batch needed once the key was in it.
#[inline]
pub(crate) fn start<F: BatchFn>(loader: &Arc<LoaderState<F>>, dispatch: Dispatch<F>) {
    match dispatch {
        Dispatch::Joined => {}
        Dispatch::StartWindow(batch) => after_window(Arc::clone(loader), batch),
        Dispatch::Now(closed) => now(Arc::clone(loader), closed),
    }
}

/// Spawns the task that dispatches `batch` once its window has passed, unless it
/// filled up and was dispatched before.
fn after_window<F: BatchFn>(loader: Arc<LoaderState<F>>, batch: Arc<Cell<F>>) {
    // Outside any task: the thread blocking on the runtime (the body of
    // `#[tokio::main]` or `#[tokio::test]`), whose next loads no worker's
    // metrics show coming.
    let unseen = tokio::task::try_id().is_none();
    spawn(async move {
        match loader.config.window() {
            None => settle(&loader, &batch, unseen).await,
            Some(window) if !window.is_zero() => tokio::time::sleep(window).await,
            Some(_) => {}
        }
        if let Some(closed) = loader.close_if_open(&batch) {
            run(&loader, closed).await;
        }
    });
}

/// Yields until the batch has settled, then returns (early if the batch filled
/// up and was dispatched meanwhile).
///
/// Settled: no load joined it for [`QUIET`] and no other worker is running or
/// queued work, or none joined for [`QUIET_BUSY`] while others are busy; and
/// at most [`LONGEST`] after it opened. Growth counts keys and waiting tasks,
/// so loads of keys already in the batch count too.
///
/// A yield puts this task behind the tasks ready on its worker (Tokio runs a
/// yielded task again when the worker has nothing else to run, or at its next
/// maintenance, every 61 polls), so the loads of ready tasks join first; other
/// workers run theirs in parallel. The quiet time also lets tasks that a loop
/// outside the runtime is still spawning (the body of `#[tokio::main]`) join.
/// No timer is involved. On a current-thread runtime one yield without growth
/// is enough. On a multi-thread runtime a lone load waits one quiet time if the
/// other workers stay parked (66 µs measured on an idle 2-worker runtime); but
/// a worker that woke to steal, maybe because of this task's own yields, looks
/// busy, and then a lone load waits up to [`QUIET_BUSY`] (1.97 ms measured on a
/// loaded machine). A plain quiet time of 100–300 µs without the busy check
/// split hops of the 100-task test up to three ways.
///
/// While other workers are busy, each turn of the loop also gives the thread's
/// CPU away (`sched_yield`). Tokio's `yield_now` alone keeps this worker
/// spinning, and with more workers than cores the spin took the CPU from the
/// very worker holding the tasks whose loads were missing: the 100-task test
/// split 1 round in 3 on 4 workers and 2 cores (a first key, then 2 ms with
/// nothing, then the rest). With the yield it gave 4 statements in 180 of 180
/// rounds, and in 89 of 90 beside four CPU-bound processes.
///
/// A batch opened outside any task (`unseen`: by the thread blocking on a
/// multi-thread runtime) cannot see that thread in the workers' metrics: the
/// loop gives the CPU away on each turn, and waits [`QUIET_UNSEEN`] while the
/// workers are idle, [`QUIET_BUSY`] while they are not. With the 50 µs of a
/// task's batch, two loads joined in the body of a `#[tokio::test]` split
/// into two batches in about 1 run in 20 (the blocking thread, between its
/// two polls, was descheduled); with this, 0 in 2 400, beside four CPU-bound
/// processes too. A lone load from there costs about 230 µs instead of 65.
async fn settle<F: BatchFn>(loader: &LoaderState<F>, batch: &Arc<Cell<F>>, unseen: bool) {
    let Some(mut last) = loader.open_size(batch) else {
        return;
    };
    // One thread runs every task of a current-thread runtime: once a yield
    // passes without growth, every ready task has had its turn.
    let one_thread = tokio::runtime::Handle::current().runtime_flavor()
        == tokio::runtime::RuntimeFlavor::CurrentThread;
    let opened = Instant::now();
    let mut grew = opened;
    loop {
        tokio::task::yield_now().await;
        let Some(len) = loader.open_size(batch) else {
            return;
        };
        let now = Instant::now();
        let idle = one_thread || (!unseen && others_idle());
        if !idle {
            // Let the operating system run the threads this loop waits for.
            std::thread::yield_now();
        }
        let quiet = now - grew;
        if len != last {
            last = len;
            grew = now;
        } else if one_thread
            || (quiet >= QUIET
                && (quiet >= QUIET_BUSY
                    || idle
                    || (unseen && others_idle() && quiet >= QUIET_UNSEEN)))
        {
            return;
        }
        if now - opened >= LONGEST {
            return;
        }
    }
}

/// How long a batch must not have grown before it is dispatched.
const QUIET: Duration = Duration::from_micros(50);

/// How long a batch opened outside any task must not have grown before it is
/// dispatched while the workers are idle: the blocking thread that opened it
/// may be between two polls, and each turn of the loop gives it the CPU.
const QUIET_UNSEEN: Duration = Duration::from_micros(200);

/// How long a batch must not have grown before it is dispatched while another
/// worker is running tasks (which may be about to add to it: a worker the
/// operating system preempted mid-task looks busy, not idle).
const QUIET_BUSY: Duration = Duration::from_millis(2);

/// Whether no worker but the calling one is running tasks, and none is queued
/// for any worker to take. Tokio's (stable) park count of a worker is odd
/// while it is parked.
fn others_idle() -> bool {
    let metrics = tokio::runtime::Handle::current().metrics();
    let active = (0..metrics.num_workers())
        .filter(|&worker| metrics.worker_park_unpark_count(worker).is_multiple_of(2))
        .count();
    active <= 1 && metrics.global_queue_depth() == 0
}

/// The longest a batch that keeps growing stays open; a batch that fills up is
/// dispatched at once anyway.
const LONGEST: Duration = Duration::from_millis(10);

/// Spawns the task that runs a full batch.
fn now<F: BatchFn>(loader: Arc<LoaderState<F>>, closed: Closed<F>) {
    spawn(async move { run(&loader, closed).await });
}

fn spawn(task: impl Future<Output = ()> + Send + 'static) {
    drop(tokio_runtime().spawn(task));
}

async fn run<F: BatchFn>(loader: &LoaderState<F>, closed: Closed<F>) {
    let guard = FinishOnDrop(&closed.batch);
    // A dirty batch may hold a key twice; the batch function gets each once.
    let distinct: Vec<F::Key>;
    let keys: &[F::Key] = if closed.dirty {
        let mut seen = HashSet::with_capacity(closed.keys.len());
        distinct = closed
            .keys
            .iter()
            .filter(|key| seen.insert(*key))
            .cloned()
            .collect();
        &distinct
    } else {
        &closed.keys
    };
    #[cfg(feature = "metrics")]
    let started = crate::metrics::on().then(Instant::now);
    let fetching = catch_unwind(within(loader.config.timeout(), loader.fetch.load(keys)));
    let loader_name = std::any::type_name::<F>();
    let fetched = trace::batch(loader_name, keys.len(), batch_outcome, fetching).await;
    #[cfg(feature = "metrics")]
    if let Some(started) = started {
        crate::metrics::batch(loader_name, keys.len(), started.elapsed());
    }
    let outcome = match fetched {
        Ok(Some(Ok(map))) => Ok(loader.settle(&closed, map)),
        Ok(Some(Err(error))) => Err(LoadError::Batch(Arc::new(error))),
        Ok(None) => Err(LoadError::TimedOut(
            loader.config.timeout().unwrap_or_default(),
        )),
        Err(message) => Err(LoadError::Panicked(message)),
    };
    let outcome = match outcome {
        Ok(values) => {
            loader.remember(&closed.keys, &values);
            Ok(values)
        }
        Err(error) => Err(Failed {
            error,
            stale: loader.rescue(&closed.keys),
        }),
    };
    closed.batch.finish(outcome);
    drop(guard);
    loader.forget(&closed.keys, &closed.batch);
}

/// How a batch ended, as `tracing` tells it.
fn batch_outcome<M, E>(fetched: &Result<Option<Result<M, E>>, Arc<str>>) -> &'static str {
    match fetched {
        Ok(Some(Ok(_))) => "ok",
        Ok(Some(Err(_))) => "error",
        Ok(None) => "timeout",
        Err(_) => "panicked",
    }
}

/// Finishes the batch with an error if the task ends without finishing it: when
/// the runtime drops the task, or code outside the batch function panics.
struct FinishOnDrop<'a, V, E>(&'a super::cell::BatchCell<V, E>);

impl<V, E> Drop for FinishOnDrop<'_, V, E> {
    fn drop(&mut self) {
        let error = if std::thread::panicking() {
            LoadError::Panicked("the batch loader panicked while finishing the batch".into())
        } else {
            LoadError::Abandoned
        };
        // A no-op when the batch finished normally.
        self.0.finish(Err(error.into()));
    }
}

/// Runs `work` for at most `timeout`: `None` if it did not finish, and is
/// dropped. Work that finishes on its first poll never starts a timer.
async fn within<T>(timeout: Option<Duration>, work: impl Future<Output = T>) -> Option<T> {
    let mut work = pin!(work);
    let Some(timeout) = timeout else {
        return Some(work.await);
    };
    let first = poll_fn(|cx| Poll::Ready(work.as_mut().poll(cx))).await;
    if let Poll::Ready(output) = first {
        return Some(output);
    }
    tokio::time::timeout(timeout, work).await.ok()
}

/// Runs `future`, turning a panic into its message.
async fn catch_unwind<T>(future: impl Future<Output = T>) -> Result<T, Arc<str>> {
    let mut future = pin!(future);
    poll_fn(
        |cx| match panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(message(&*payload))),
        },
    )
    .await
}

fn message(payload: &(dyn Any + Send)) -> Arc<str> {
    if let Some(text) = payload.downcast_ref::<&str>() {
        Arc::from(*text)
    } else if let Some(text) = payload.downcast_ref::<String>() {
        Arc::from(text.as_str())
    } else {
        Arc::from("a panic without a message")
    }
}
