//! Function caches on moka: the backend of `#[cached]`.
//!
//! Each `#[cached]` function owns one cache, a [`SyncFnCache`] for a sync function
//! or an [`AsyncFnCache`] for an `async` one, created on first use and handed out
//! by the function's `*_cache()` companion. Both map the fingerprint of the call's
//! key to an entry holding the owned key and the value:
//!
//! - a hit compares the entry's key with the call's *borrowed* arguments, so no
//!   owned key is built and no fingerprint collision can return another key's value;
//! - hits are served from a small per-thread table of recently used entries and reach
//!   moka once every 32 hits, so hot keys scale across threads while moka's
//!   eviction policy still sees them (with a time to idle, every hit goes to moka);
//! - misses on one key are single-flight: one caller runs the body, the others wait
//!   for its value; misses on different keys never wait on each other.

mod base;
mod config;
mod entry;
mod front;
mod future;
mod mode;
#[doc(hidden)]
pub mod rt;
mod stats;
mod stored_key;
mod sync;

pub use config::CacheConfig;
pub use future::AsyncFnCache;
pub use stats::CacheStats;
pub use sync::SyncFnCache;
