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

/// The pieces `#[cached(l2)]` generates code against (feature `redis`).
#[cfg(feature = "redis")]
pub use super::l2::{KeyParts as L2Key, L2Batch, L2Link, assert_l2_value, collect_tags};
/// `{ with redis } { without }`: the first group with the `redis` feature, the
/// second without; `with_l2!` reports the missing feature once.
pub use crate::__unokit_l2_or as l2_or;
/// Keeps the tokens `#[cached(l2)]` writes with the `redis` feature; without
/// it, replaces them with one error saying to turn the feature on.
pub use crate::__unokit_with_l2 as with_l2;

#[cfg(feature = "redis")]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_with_l2 {
    ($($tokens:tt)*) => { $($tokens)* };
}

#[cfg(not(feature = "redis"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_with_l2 {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`l2` uses the Redis tier, which is unokit's `redis` feature: add `features = [\"redis\"]` to the `unokit` dependency"
        );
    };
}

#[cfg(feature = "redis")]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_l2_or {
    ({ $($with:tt)* } { $($without:tt)* }) => { $($with)* };
}

#[cfg(not(feature = "redis"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_l2_or {
    ({ $($with:tt)* } { $($without:tt)* }) => { $($without)* };
}
