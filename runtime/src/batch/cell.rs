//! One batch: the outcome its waiters read, and their wakers.

use super::error::LoadError;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::Waker;

/// What a finished batch gives each of its keys, by position.
pub(crate) type Outcome<V, E> = Result<Vec<Option<V>>, Failed<V, E>>;

/// A failed batch: its error, and by position the stale values served instead
/// of it (`stale_if_error`); empty when no key has one.
pub(crate) struct Failed<V, E> {
    pub(crate) error: LoadError<E>,
    pub(crate) stale: Vec<Option<V>>,
}

impl<V, E> From<LoadError<E>> for Failed<V, E> {
    fn from(error: LoadError<E>) -> Self {
        Self {
            error,
            stale: Vec::new(),
        }
    }
}

/// A batch shared by its dispatcher and every load waiting on it.
///
/// While the batch is open its keys and wakers live in the loader's state, under
/// the loader's one lock, so that a load takes a single lock. Closing the batch
/// moves the wakers here; a finished batch's outcome is read without a lock.
pub(crate) struct BatchCell<V, E> {
    outcome: OnceLock<Outcome<V, E>>,
    waiters: Mutex<Waiters>,
}

#[derive(Default)]
pub(crate) struct Waiters {
    pub(crate) done: bool,
    pub(crate) wakers: Vec<Waker>,
}

impl<V, E> BatchCell<V, E> {
    pub(crate) fn new() -> Self {
        Self {
            outcome: OnceLock::new(),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    /// The outcome, once the batch has finished.
    #[inline]
    pub(crate) fn outcome(&self) -> Option<&Outcome<V, E>> {
        self.outcome.get()
    }

    /// The waiters, whichever panic poisoned the lock: they are only wakers.
    pub(crate) fn waiters(&self) -> MutexGuard<'_, Waiters> {
        self.waiters.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Publishes the outcome and wakes every waiter. Only the first call counts.
    pub(crate) fn finish(&self, outcome: Outcome<V, E>) {
        if self.outcome.set(outcome).is_err() {
            return;
        }
        let wakers = {
            let mut waiters = self.waiters();
            waiters.done = true;
            std::mem::take(&mut waiters.wakers)
        };
        for waker in wakers {
            waker.wake();
        }
    }
}

/// A waiter's value from a finished batch.
#[inline]
pub(crate) fn read<V: Clone, E>(
    outcome: &Outcome<V, E>,
    index: u32,
) -> Result<Option<V>, LoadError<E>> {
    match outcome {
        Ok(values) => Ok(values[index as usize].clone()),
        Err(failed) => match failed.stale.get(index as usize) {
            Some(Some(stale)) => Ok(Some(stale.clone())),
            _ => Err(failed.error.clone()),
        },
    }
}
