//! Batch loading (a DataLoader): the backend of `#[batch_load]`.
//!
//! A [`BatchLoader`] turns many `load(key)` calls into few calls of a "load many
//! by keys" function, a [`BatchFn`]: the N+1 queries of a loop over parents
//! become one query per batch.
//!
//! - Loads made while a batch is open share one call; a batch is dispatched when
//!   its window has passed or when it is full ([`LoaderConfig`]).
//! - A key is fetched once: against the loader's cache, and against batches in
//!   flight.
//! - Each batch runs in its own Tokio task. A load is a small named future that
//!   takes the loader's lock once to join a batch and reads the finished batch
//!   without a lock; nothing is boxed or sent over a channel per key.
//! - A failed or panicking batch gives every waiting key the same
//!   [`LoadError`]; dropping a load never blocks the others.

mod cell;
mod checks;
mod config;
mod dispatch;
mod error;
mod fetch;
mod load;
mod loader;
mod refresh;
#[doc(hidden)]
pub mod rt;
mod shared_cache;
mod stale;
mod state;
mod stats;

pub use config::{LoaderCache, LoaderConfig};
pub use error::LoadError;
pub use fetch::{BatchFn, BatchMap};
pub use load::{Load, LoadMany};
pub use loader::BatchLoader;
pub use shared_cache::SharedCache;
pub use stats::BatchStats;
