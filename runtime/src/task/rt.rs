//! What `#[injectable]` and `#[container]` generate code against from this
//! module, and nothing else: the facade re-exports this module as
//! `unokit::__private::task`. Not public API.

pub use super::{BoxError, BoxFuture, PoolStats};
