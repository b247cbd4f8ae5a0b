//! What a checkout holds while it waits, creates or checks, given back
//! however it ends.

use super::{PoolCore, Pooled};
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Instant;

/// Room for one object, counted in `live` while it is created; given back if the
/// creation fails or is cancelled.
pub(super) struct Room<'a, T> {
    core: Option<&'a Arc<PoolCore<T>>>,
}

impl<'a, T: Send + 'static> Room<'a, T> {
    pub(super) fn reserved(core: &'a Arc<PoolCore<T>>) -> Self {
        Self { core: Some(core) }
    }

    pub(super) fn fill(mut self, value: T) -> Pooled<T> {
        let core = self.core.take().expect("room is filled once");
        let born = core.config.tracks_time().then(Instant::now);
        Pooled::new(value, born, core.clone())
    }

    /// Gives the room back without counting a failed creation.
    pub(super) fn release_unused(mut self) {
        if let Some(core) = self.core.take() {
            let mut state = core.lock();
            state.live -= 1;
            state.counters.created -= 1;
        }
    }
}

impl<T> Drop for Room<'_, T> {
    fn drop(&mut self) {
        if let Some(core) = self.core.take() {
            let mut state = core.lock();
            state.live -= 1;
            state.counters.created -= 1;
            state.counters.create_errors += 1;
            let wake = state.waiting > 0;
            drop(state);
            if wake {
                core.notify.notify_one();
            }
        }
    }
}

/// Runs `work` until `deadline`: `None` if it did not finish. Work that
/// finishes on its first poll never touches the timer (nor needs a runtime with
/// one).
pub(super) async fn run_until<F: Future>(deadline: Instant, work: F) -> Option<F::Output> {
    let mut work = pin!(work);
    let first = poll_fn(|cx| Poll::Ready(work.as_mut().poll(cx))).await;
    if let Poll::Ready(output) = first {
        return Some(output);
    }
    tokio::time::timeout_at(deadline.into(), work).await.ok()
}

/// An object under an async health check. If the checkout is cancelled
/// meanwhile the object is dropped, not returned: what the check had sent or
/// half-read is unknown.
pub(super) struct Checking<T: Send + 'static>(pub(super) Option<Pooled<T>>);

impl<T: Send + 'static> Drop for Checking<T> {
    fn drop(&mut self) {
        if let Some(pooled) = self.0.take() {
            Pooled::discard(pooled);
        }
    }
}

/// Counts a sleeping checkout for as long as it sleeps, cancellation included.
pub(super) struct Waiting<'a, T> {
    core: &'a PoolCore<T>,
    /// When the wait began, when the metrics exporter records.
    #[cfg(feature = "metrics")]
    since: Option<Instant>,
}

impl<'a, T> Waiting<'a, T> {
    pub(super) fn register(core: &'a PoolCore<T>) -> Self {
        core.lock().waiting += 1;
        Self {
            core,
            #[cfg(feature = "metrics")]
            since: crate::metrics::on().then(Instant::now),
        }
    }
}

impl<T> Drop for Waiting<'_, T> {
    fn drop(&mut self) {
        self.core.lock().waiting -= 1;
        #[cfg(feature = "metrics")]
        if let Some(since) = self.since {
            crate::metrics::pool_wait(since.elapsed());
        }
    }
}
