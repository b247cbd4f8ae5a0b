//! A Redis tier under the function caches, shared by every instance of a
//! service (feature `redis`).
//!
//! [`RedisTier`] is one handle per process; each function that uses it has a
//! [`Space`] (a key namespace and a schema hash). Entries are kept in a small
//! versioned envelope holding the full key, so that a fingerprint collision is
//! a miss, never another key's value; values are encoded with MessagePack.
//! Every operation has a deadline (50 ms by default) and a circuit breaker
//! skips Redis while it keeps failing: an outage makes calls miss, never fail
//! or wait. Invalidations reach the other instances over a pub/sub channel
//! per space ([`RedisTier::publish`], [`RedisTier::subscribe`]).
//!
//! `#[cached(l2)]` functions use the tier the process [`install`]s once at
//! start-up; without one they run on their in-process cache alone.
//!
//! The tier runs on one Redis ([`TierConfig::new`]) or on a Redis Cluster
//! ([`TierConfig::cluster`]). On a cluster a space's keys share a hash tag
//! (the namespace in braces), so that they live in one slot: a batch lookup
//! is one `MGET`, the writes of a space one pipeline, a key's lock beside it;
//! the price is that one function's keys, and its load, sit on one master.
//!
//! ```no_run
//! use unokit::cache::l2::{self, RedisTier, TierConfig};
//!
//! # async fn start() -> Result<(), Box<dyn std::error::Error>> {
//! let config = TierConfig::cluster(["redis://10.0.0.1:6379", "redis://10.0.0.2:6379"]);
//! assert!(l2::install(RedisTier::new(config)?).is_ok());
//! # Ok(())
//! # }
//! ```

mod backplane;
mod batch;
mod breaker;
mod config;
mod connection;
mod envelope;
mod hedge;
mod load;
mod queue;
mod stampede;
mod tags;
mod tier;
mod wired;

pub use backplane::Invalidation;
#[doc(hidden)]
pub use batch::L2Batch;
pub use breaker::BreakerState;
pub use stampede::KeyLock;
#[doc(hidden)]
pub use tags::collect_tags;
pub use tags::invalidate_tag;
#[doc(hidden)]
pub use tier::KeyParts;
pub use tier::{Fetched, RedisTier, Space, Stored, TierConfig, TierStats};
#[doc(hidden)]
pub use wired::{L2Codec, L2Link, assert_l2_value};
pub use wired::{L2Value, install, installed};
