//! A group of tasks that live and die together.

use std::future::Future;
use std::panic;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Spawns tasks on the current tokio runtime and waits for all of them; the first
/// error cancels the others and is returned.
///
/// - [`join_all`](Self::join_all) returns every task's value, in spawn order, or
///   the first error (by completion time) after aborting the tasks still running.
/// - [`with_max_concurrency`](Self::with_max_concurrency) bounds how many tasks run
///   at once: the others wait for a slot before their first poll.
/// - Dropping the group aborts every task it still holds, so no task outlives it.
///   Abortion is cooperative: a task stops at its next `.await`.
/// - A task that panics makes `join_all` panic with the same payload, after
///   aborting the others.
///
/// ```
/// use unokit::task::TaskGroup;
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let mut group = TaskGroup::with_max_concurrency(2);
/// for n in 1..=4_u64 {
///     group.spawn(async move { Ok::<_, String>(n * 10) });
/// }
/// assert_eq!(group.join_all().await, Ok(vec![10, 20, 30, 40]));
///
/// let mut failing = TaskGroup::new();
/// failing.spawn(async { Err::<u64, _>("no connection".to_owned()) });
/// failing.spawn(std::future::pending()); // aborted when the first task fails
/// assert_eq!(failing.join_all().await, Err("no connection".to_owned()));
/// # });
/// ```
pub struct TaskGroup<T, E> {
    tasks: JoinSet<(usize, Result<T, E>)>,
    slots: Option<Arc<Semaphore>>,
    spawned: usize,
}

impl<T, E> TaskGroup<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    /// A group whose tasks all run at once.
    #[must_use]
    pub fn new() -> Self {
        Self {
            tasks: JoinSet::new(),
            slots: None,
            spawned: 0,
        }
    }

    /// A group that runs at most `limit` tasks at once (at least one).
    #[must_use]
    pub fn with_max_concurrency(limit: usize) -> Self {
        Self {
            slots: Some(Arc::new(Semaphore::new(limit.max(1)))),
            ..Self::new()
        }
    }

    /// Spawns `task` on the current runtime. Panics outside a tokio runtime, as
    /// `tokio::spawn` does.
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        let index = self.spawned;
        self.spawned += 1;
        match self.slots.clone() {
            None => self.tasks.spawn(async move { (index, task.await) }),
            Some(slots) => self.tasks.spawn(async move {
                // The semaphore is never closed, so acquiring only waits.
                let _slot = slots.acquire_owned().await;
                (index, task.await)
            }),
        };
    }

    /// Tasks spawned and not yet joined.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no task is left to join.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Aborts every task still running; they stop at their next `.await`.
    pub fn abort_all(&mut self) {
        self.tasks.abort_all();
    }

    /// Waits for every task; their values come back in spawn order. On the first
    /// error the other tasks are aborted, waited for (so none outlives this call),
    /// and the error is returned.
    ///
    /// # Errors
    ///
    /// The first error a task returned.
    ///
    /// # Panics
    ///
    /// When a task panicked: with its payload, after aborting the others.
    pub async fn join_all(mut self) -> Result<Vec<T>, E> {
        let mut values: Vec<Option<T>> = Vec::new();
        values.resize_with(self.spawned, || None);
        while let Some(joined) = self.tasks.join_next().await {
            match joined {
                Ok((index, Ok(value))) => values[index] = Some(value),
                Ok((_, Err(error))) => {
                    self.shutdown().await;
                    return Err(error);
                }
                Err(error) if error.is_panic() => {
                    self.shutdown().await;
                    panic::resume_unwind(error.into_panic());
                }
                // Aborted through `abort_all`: it has no value to give.
                Err(_) => {}
            }
        }
        Ok(values.into_iter().flatten().collect())
    }

    /// Aborts the remaining tasks and waits until each has stopped.
    async fn shutdown(&mut self) {
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }
}

impl<T, E> Default for TaskGroup<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<T, E> std::fmt::Debug for TaskGroup<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskGroup")
            .field("running", &self.tasks.len())
            .field("spawned", &self.spawned)
            .finish_non_exhaustive()
    }
}
