//! Async cleanup that runs however a scope is left.

use super::{BoxFuture, run_detached};
use std::future::Future;

/// Holds async cleanups and runs them, newest first, when the guarded code is done
/// with them, whether it finishes, returns early or is cancelled.
///
/// - Normal exit: `guard.finish().await` runs the cleanups in place, in reverse
///   order of [`defer`](Self::defer), each awaited before the next starts.
/// - Early return (`?`), panic, or cancellation (the enclosing future is dropped):
///   the guard's `Drop` hands the cleanups, still in reverse order and one after
///   the other, to be run detached: spawned on the current tokio runtime, or run
///   on the spot when there is none.
///
/// What the drop path cannot guarantee: that the cleanup has finished when the
/// guarded code's caller resumes (it runs concurrently, later), nor that it runs
/// at all when the runtime is shutting down. Call `finish` where the order
/// against later code matters.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use unokit::task::CleanupGuard;
///
/// async fn handle(log: Arc<Mutex<Vec<&'static str>>>, fail: bool) -> Result<(), &'static str> {
///     let mut guard = CleanupGuard::new();
///     let first = log.clone();
///     guard.defer(async move { first.lock().unwrap().push("close connection") });
///     let second = log.clone();
///     guard.defer(async move { second.lock().unwrap().push("release lock") });
///     if fail {
///         return Err("early"); // the guard's Drop runs both cleanups
///     }
///     guard.finish().await; // runs both here
///     Ok(())
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let log = Arc::new(Mutex::new(Vec::new()));
/// handle(log.clone(), false).await.unwrap();
/// assert_eq!(*log.lock().unwrap(), ["release lock", "close connection"]);
/// # });
/// ```
#[must_use = "a guard dropped at once runs its cleanups at once"]
pub struct CleanupGuard {
    cleanups: Vec<BoxFuture<'static, ()>>,
}

impl CleanupGuard {
    /// A guard with nothing to clean up yet.
    pub fn new() -> Self {
        Self {
            cleanups: Vec::new(),
        }
    }

    /// Registers `cleanup`, to run before every cleanup registered earlier.
    pub fn defer<F>(&mut self, cleanup: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.cleanups.push(Box::pin(cleanup));
    }

    /// Cleanups registered and not yet run.
    #[must_use]
    pub fn len(&self) -> usize {
        self.cleanups.len()
    }

    /// Whether no cleanup is registered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.cleanups.is_empty()
    }

    /// Forgets every cleanup without running it: the guarded work was committed.
    pub fn dismiss(mut self) {
        self.cleanups.clear();
    }

    /// Runs the cleanups here, newest first. If this future is itself cancelled
    /// midway, the cleanups not yet finished run detached, as on drop.
    pub async fn finish(mut self) {
        while let Some(cleanup) = self.cleanups.pop() {
            // Put back in place while it runs, so cancellation still finds it.
            self.cleanups.push(cleanup);
            if let Some(running) = self.cleanups.last_mut() {
                running.await;
            }
            self.cleanups.pop();
        }
    }
}

impl Default for CleanupGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        if self.cleanups.is_empty() {
            return;
        }
        let mut cleanups = std::mem::take(&mut self.cleanups);
        run_detached(Box::pin(async move {
            while let Some(cleanup) = cleanups.pop() {
                cleanup.await;
            }
        }));
    }
}

impl std::fmt::Debug for CleanupGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CleanupGuard")
            .field("pending", &self.cleanups.len())
            .finish()
    }
}
