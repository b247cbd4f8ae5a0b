//! Async cleanup of services, in reverse creation order.

use super::service::Injectable;
use crate::task::{BoxFuture, run_detached};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

/// Async cleanup run when a service's scope or container is closed: flush a
/// buffer, commit or roll back, close a connection. Mark the service
/// `#[injectable(.., dispose)]` to have it called.
///
/// Services are disposed of in reverse creation order, each awaited before the
/// next, by `scope.close().await` and `container.close().await`; a scope or
/// container dropped without `close` runs the same disposal detached: spawned
/// on the current tokio runtime, or run on the spot when there is none, as a
/// [`CleanupGuard`](crate::task::CleanupGuard) does when it is dropped.
///
/// ```
/// use unokit::di::Dispose;
///
/// struct Buffer;
///
/// impl Dispose for Buffer {
///     async fn dispose(&self) {
///         // flush...
///     }
/// }
/// ```
pub trait Dispose: Send + Sync {
    /// Cleans up. Other handles to the service may still exist: this is a close,
    /// not a drop.
    fn dispose(&self) -> impl Future<Output = ()> + Send;
}

/// A created service, type-erased for the creation log.
trait Created: Send + Sync {
    fn teardown(&self) -> Option<BoxFuture<'_, ()>>;
}

impl<S: Injectable> Created for S {
    fn teardown(&self) -> Option<BoxFuture<'_, ()>> {
        Injectable::teardown(self)
    }
}

struct Entry {
    service: Arc<dyn Created>,
    has_teardown: bool,
}

/// The services a container or scope created, in creation order. It holds a
/// handle to each, so that they are dropped, after their async cleanup, newest
/// first, even when the slots that hold them are cleared in another order.
#[derive(Default)]
pub struct CreationLog {
    entries: Mutex<Vec<Entry>>,
}

impl CreationLog {
    /// Records a service just created.
    pub fn record<S: Injectable>(&self, service: &Arc<S>) {
        #[cfg(feature = "metrics")]
        crate::metrics::service_built();
        let entry = Entry {
            service: service.clone(),
            has_teardown: S::HAS_TEARDOWN,
        };
        self.lock().push(entry);
    }

    /// How many services are recorded.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn take_newest(&self) -> Option<Entry> {
        self.lock().pop()
    }

    /// Disposes of every recorded service, newest first, awaiting each cleanup,
    /// and lets go of them.
    pub async fn close(&self) {
        while let Some(entry) = self.take_newest() {
            if let Some(cleanup) = entry.service.teardown() {
                cleanup.await;
            }
        }
    }

    /// Like [`close`](Self::close), from code that cannot await: without async
    /// cleanup, the services are let go of here, newest first, and the log keeps
    /// its capacity for a pooled scope's next use; with some, the whole disposal
    /// runs detached.
    pub fn close_detached(&self) {
        let mut entries = self.lock();
        if entries.iter().any(|entry| entry.has_teardown) {
            let mut entries = std::mem::take(&mut *entries);
            run_detached(Box::pin(async move {
                while let Some(entry) = entries.pop() {
                    if let Some(cleanup) = entry.service.teardown() {
                        cleanup.await;
                    }
                }
            }));
        } else {
            // Dropped in place, newest first, keeping the buffer for a pooled
            // scope's next use. No service can reach this log any more: its
            // scope or container is going away.
            while entries.pop().is_some() {}
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        // Nothing panics while holding the lock: a poisoned log is still sound.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for CreationLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreationLog")
            .field("len", &self.len())
            .finish()
    }
}
