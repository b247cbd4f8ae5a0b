//! Function caches on moka: the backend of `#[cached]`.
//!
//! Each `#[cached]` function owns one cache, a [`SyncFnCache`] for a sync function
//! or an [`AsyncFnCache`] for an `async` one, created on first use and handed out
//! by the function's `*_cache()` companion. Both keep their entries in one
//! table, mapping a keyed hash of the call's key to an entry holding the owned
//! key and the value, and let moka's sync cache decide which entries stay:
//!
//! - the hash is foldhash under a seed drawn at random for each cache
//!   ([`KeyedHasher`](crate::key::KeyedHasher)), not the public, stable
//!   [`fingerprint`](crate::key::CacheKey::fingerprint): nobody outside the
//!   process can craft keys that collide in it;
//! - a hit compares the entry's key with the call's *borrowed* arguments, so no
//!   owned key is built and no hash collision can return another key's value;
//!   `*_invalidate` compares the key too, so it never removes another key's entry;
//! - a hit allocates nothing and never awaits, for any number of live keys: it
//!   reads the entry inline in the table's slot, under a read lock that counts
//!   each thread's readers apart, so threads reading one hot key write nothing
//!   they share. Moka holds a small stamp of each entry and evicts by it (its
//!   listener takes the entry out of the table); it hears of hits through a read
//!   log per thread stripe (with a time to idle, every hit goes to moka);
//! - misses on one key are single-flight: one caller runs the body, the others wait
//!   for its value (an `async` caller awaits); misses on different keys never wait
//!   on each other. A body that panics gives every caller of its flight the
//!   same panic at once, and nothing is cached.
//!
//! A key's `key_eq` and a value's `Clone` run under the table's read lock: one
//! that calls back into its own cache and stores into the part of the table it
//! is reading panics rather than waiting for itself.

mod base;
mod config;
pub(crate) mod entry;
pub(crate) mod flight;
mod future;
#[cfg(feature = "guard")]
mod guard;
mod hot;
#[cfg(feature = "redis")]
pub mod l2;
mod mode;
mod policy;
mod prewarm;
mod read_log;
#[doc(hidden)]
pub mod rt;
mod slots;
mod stats;
mod store;
mod stored_key;
mod sync;
mod table;
mod unwind;
mod weigh;

pub use config::CacheConfig;
pub use future::AsyncFnCache;
#[cfg(feature = "guard")]
pub use guard::{GuardError, GuardSource, KeyGuard};
pub use policy::Timeout;
pub use stats::CacheStats;
pub use sync::SyncFnCache;
pub use weigh::Weigh;
