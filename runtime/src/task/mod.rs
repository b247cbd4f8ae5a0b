//! Structured-concurrency helpers on tokio: a [`TaskGroup`] that cancels the rest
//! on the first error, a [`CleanupGuard`] whose async cleanup also runs on early
//! return and cancellation, and an async object [`Pool`].
//!
//! The container of [`di`](crate::di) uses all three: its scopes come from a
//! [`Pool`], and services it cannot dispose of in place (a scope dropped without
//! `close().await`) are disposed of the way a [`CleanupGuard`] runs its cleanup.

mod detached;
mod group;
mod guard;
mod pool;
#[doc(hidden)]
pub mod rt;

pub(crate) use detached::run_detached;
pub use group::TaskGroup;
pub use guard::CleanupGuard;
pub use pool::{Pool, PoolBuilder, PoolError, PoolStats, Pooled, Strategy};

use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future: what cleanups, factories and health checks are stored as.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The error type of fallible factories and pool creators: any error, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;
