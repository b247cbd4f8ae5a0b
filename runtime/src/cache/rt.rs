//! What `#[cached]` generates code against, and nothing else: the facade
//! re-exports this module as `unokit::__private::cache`. Not public API.
//!
//! [`Mode`] and [`StoredKey`] are here because they bound the methods the
//! generated code calls; generated code does not name them.

/// The guard `#[cached(guard = ..)]` asks (feature `guard`).
#[cfg(feature = "guard")]
pub use super::KeyGuard;
pub use super::mode::{Always, AlwaysOrNone, Mode, OkOnly, SomeOnly};
pub use super::stored_key::{AnyKey, StoredKey};
pub use super::{AsyncFnCache, CacheConfig, SyncFnCache, Timeout};
/// Keeps the key guard's check that `#[cached(guard = ..)]` writes; without
/// the `guard` feature, replaces it with an error saying to turn the feature
/// on (rather than an unresolved `KeyGuard`).
pub use crate::__unokit_with_guard as with_guard;

#[cfg(feature = "guard")]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_with_guard {
    ($($check:tt)*) => { $($check)* };
}

#[cfg(not(feature = "guard"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_with_guard {
    ($($check:tt)*) => {
        ::core::compile_error!(
            "`#[cached(guard = ..)]` asks a `KeyGuard`, which is unokit's `guard` feature: add `features = [\"guard\"]` to the `unokit` dependency"
        );
    };
}
