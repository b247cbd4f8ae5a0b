//! The runtime of [unokit](https://docs.rs/unokit): backends that unokit's
//! generated code calls. Use it through the `unokit` crate, which re-exports it.
#![deny(missing_docs)]

pub mod cache;
#[cfg(feature = "axum")]
pub mod http;
pub mod key;
pub mod select;

pub use key::CacheKey;
pub mod di;
pub mod task;
