//! Running a future from synchronous code that cannot `.await` it: a `Drop`.

use super::BoxFuture;
use tokio::runtime::{Builder, Handle};

/// Runs `cleanup` to completion without the caller awaiting it: spawned on the
/// current tokio runtime when there is one, else run right here on a small
/// single-threaded runtime (with timers) built for the occasion.
///
/// This is how [`CleanupGuard`](super::CleanupGuard) and the container's scopes
/// dispose of what they hold when they are dropped instead of closed.
///
/// What it cannot guarantee: a task spawned on a runtime that is shutting down may
/// never run; the spawned cleanup runs *after* the dropping code has moved on, so
/// nothing may wait for it; and without a runtime the cleanup blocks the dropping
/// thread and has timers but no I/O driver.
pub(crate) fn run_detached(cleanup: BoxFuture<'static, ()>) {
    if let Ok(handle) = Handle::try_current() {
        drop(handle.spawn(cleanup));
        return;
    }
    match Builder::new_current_thread().enable_time().build() {
        Ok(runtime) => runtime.block_on(cleanup),
        // Only when the OS refuses the runtime's resources: dropping the cleanup
        // still runs its destructors, which is all that is left to do.
        Err(_) => drop(cleanup),
    }
}

#[cfg(test)]
mod tests {
    use super::run_detached;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn without_a_runtime_the_future_runs_on_the_spot() {
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        run_detached(Box::pin(async move { flag.store(true, Ordering::SeqCst) }));
        assert!(done.load(Ordering::SeqCst));
    }
}
