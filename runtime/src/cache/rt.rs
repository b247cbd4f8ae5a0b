//! What `#[cached]` generates code against, and nothing else: the facade
//! re-exports this module as `unokit::__private::cache`. Not public API.
//!
//! [`Mode`] and [`StoredKey`] are here because they bound the methods the
//! generated code calls; generated code does not name them.

pub use super::mode::{Always, AlwaysOrNone, Mode, OkOnly, SomeOnly};
pub use super::stored_key::{AnyKey, StoredKey};
pub use super::{AsyncFnCache, CacheConfig, SyncFnCache, Timeout};
