//! The runtime of [unokit](https://docs.rs/unokit): backends that unokit's
//! generated code calls. Use it through the `unokit` crate, which re-exports it.
#![deny(missing_docs)]

pub mod batch;
pub mod cache;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod db;
pub mod di;
#[cfg(feature = "axum")]
pub mod http;
pub mod key;
#[cfg(feature = "metrics")]
pub mod metrics;
pub mod select;
pub mod task;
pub mod trace;

pub use key::CacheKey;
