//! What `#[batch_load]` generates code against, and nothing else: the facade
//! re-exports this module as `unokit::__private::batch`. Not public API.

pub use super::checks::{assert_batch_error, assert_batch_key, assert_batch_value};
pub use super::{
    BatchFn, BatchLoader, BatchStats, Load, LoadError, LoadMany, LoaderCache, LoaderConfig,
    SharedCache,
};
