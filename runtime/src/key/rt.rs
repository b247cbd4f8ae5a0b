//! What `#[derive(CacheKey)]` and `#[cached]` generate code against, and nothing
//! else: the facade re-exports this module as `unokit::__private::key`. Not
//! public API.

pub use super::{CacheKey, KeySink};
