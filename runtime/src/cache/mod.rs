//! Function caches on moka: the backend of `#[cached]`.
//!
//! Each `#[cached]` function owns one cache, a [`SyncFnCache`] for a sync function
//! or an [`AsyncFnCache`] for an `async` one, created on first use. Both map the
//! fingerprint of the call's key to a slot holding the owned key and the value:
//!
//! - a hit compares the slot's key with the call's *borrowed* arguments, so no
//!   owned key is built and no fingerprint collision can return another key's value;
//! - hits are served from a small per-thread table of recently used slots and reach
//!   moka once every 32 hits, so hot keys scale across threads while moka's
//!   eviction policy still sees them (with a time to idle, every hit goes to moka);
//! - misses on one key are single-flight: one caller runs the body, the others wait
//!   for its value; misses on different keys never wait on each other.

mod config;
mod front;
mod future;
pub mod mode;
pub(crate) mod shared;
pub(crate) mod slot;
mod stats;
mod sync;

pub use config::CacheConfig;
pub use future::AsyncFnCache;
pub use slot::{AnyKey, StoredKey};
pub use stats::CacheStats;
pub use sync::SyncFnCache;
