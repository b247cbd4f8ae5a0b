//! A borrowed object, and how it goes back.

use super::PoolCore;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Instant;

/// An object borrowed from a [`Pool`](super::Pool); dropping it returns it.
///
/// It goes back however the borrower ends: done, returned early, panicked, or
/// cancelled (its future dropped). An object past its maximum lifetime, or beyond
/// the pool's idle limit, is dropped instead.
///
/// ```
/// use unokit::task::Pool;
///
/// let pool = Pool::builder_sync(|| Ok::<_, std::convert::Infallible>(String::new())).build();
/// let mut text = pool.try_get().unwrap();
/// text.push_str("kept");
/// drop(text); // back in the pool
/// assert_eq!(*pool.try_get().unwrap(), "kept");
/// ```
pub struct Pooled<T: Send + 'static> {
    value: Option<T>,
    born: Option<Instant>,
    pool: Arc<PoolCore<T>>,
}

impl<T: Send + 'static> Pooled<T> {
    pub(super) fn new(value: T, born: Option<Instant>, pool: Arc<PoolCore<T>>) -> Self {
        Self {
            value: Some(value),
            born,
            pool,
        }
    }

    /// Takes the object out of the pool for good: the pool forgets it, and may
    /// create another in its place.
    #[must_use]
    pub fn detach(mut this: Self) -> T {
        let value = this.value.take().expect("a pooled object holds its value");
        this.pool.forget_one(false);
        value
    }

    /// Drops the object instead of returning it (say, a connection known broken).
    pub fn discard(this: Self) {
        drop(Self::detach(this));
    }

    /// Drops an object that failed its health check.
    pub(super) fn discard_unhealthy(mut this: Self) {
        let value = this.value.take();
        this.pool.forget_one(true);
        drop(value);
    }
}

impl<T: Send + 'static> Deref for Pooled<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        match &self.value {
            Some(value) => value,
            None => unreachable!("a pooled object holds its value until dropped"),
        }
    }
}

impl<T: Send + 'static> DerefMut for Pooled<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.value {
            Some(value) => value,
            None => unreachable!("a pooled object holds its value until dropped"),
        }
    }
}

impl<T: Send + 'static> Drop for Pooled<T> {
    fn drop(&mut self) {
        if let Some(value) = self.value.take() {
            self.pool.give_back(value, self.born);
        }
    }
}

impl<T: Send + std::fmt::Debug + 'static> std::fmt::Debug for Pooled<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pooled").field(&**self).finish()
    }
}
