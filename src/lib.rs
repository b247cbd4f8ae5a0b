//! # unokit
//!
//! Procedural macros that turn a web service's performance plan into annotations,
//! generating the code an expert would write by hand.
//!
//! - [`#[cached]`](macro@cached) memoizes a function on a [moka] cache, keyed at
//!   compile time from its arguments.
//! - [`#[derive(CacheKey)]`](derive@CacheKey) gives your types a compact,
//!   collision-free key and a stable 64-bit fingerprint.
//! - [`#[injectable]`](macro@injectable) and [`#[container]`](macro@container)
//!   generate a dependency-injection container whose resolution paths are field
//!   accesses, with singleton, scoped and transient lifetimes; [`task`] has the
//!   task group, cleanup guard and object pool it runs on.
//! - [`#[partial_response]`](macro@partial_response) serializes only the fields a
//!   client selected (`?fields=`); [`select`] has the selections and streaming, and
//!   `http` (feature `axum`) the extractor, response cache and middleware.
//! - [`#[batch_load]`](macro@batch_load) turns a "load many by keys" function into a
//!   batch loader (a `DataLoader`): N+1 loads become one call per batch.
//! - [`#[derive(Model)]`](derive@Model) maps a row struct to a table on sqlx
//!   (SQLite with the default `sqlite` feature; PostgreSQL with `postgres`), with
//!   relations loaded eagerly or lazily through batch loaders: one statement per
//!   relation hop.
//!
//! Features: `sqlite` (default) and `postgres` bring the database layer (`db`,
//! `#[derive(Model)]`) and sqlx; `stream`, `axum` (the HTTP layer) and `uuid` are
//! off by default. A crate that wants only `#[cached]` or `#[partial_response]`
//! sets `default-features = false` and compiles neither sqlx nor SQLite.
//!
//! List `unokit` alone in `Cargo.toml`: generated code reaches moka and the runtime
//! through this crate. To read what a macro generated, run `cargo expand`
//! (`cargo install cargo-expand`) on the module that uses it.
//!
//! [moka]: https://docs.rs/moka
#![deny(missing_docs)]

pub use unokit_runtime::{batch, cache, key, select, task};

#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use unokit_runtime::db;

pub mod di {
    #![doc = include_str!("docs/di.md")]

    pub use unokit_runtime::di::{BuildError, ContainerScope, Dispose, ScopedContainer};

    /// One container scope per request in axum (feature `axum`): the layer, the
    /// extractors.
    #[cfg(feature = "axum")]
    pub use unokit_runtime::di::axum;

    // Not public API, and not in the docs; reachable here, through modules that
    // are not hidden, so that rustc's errors name its items by their short
    // names (`Inject<AppScope>`, a `Scoped` service), as it does only for items
    // reachable that way.
    #[doc(hidden)]
    pub use unokit_runtime::di::rt;
}

#[cfg(feature = "axum")]
pub use unokit_runtime::http;

#[cfg(feature = "metrics")]
pub use unokit_runtime::metrics;
/// The `tracing` spans and events (feature `tracing`): the table of targets,
/// names and fields.
pub use unokit_runtime::trace;

/// The key of a cache entry: derive it with `#[derive(CacheKey)]`.
///
/// See [`key::CacheKey`] for what is implemented and what the fingerprint promises.
pub use unokit_runtime::CacheKey;

#[doc = include_str!("docs/cached.md")]
pub use unokit_macros::cached;

#[doc = include_str!("docs/derive_cache_key.md")]
pub use unokit_macros::CacheKey;

#[doc = include_str!("docs/partial_response.md")]
pub use unokit_macros::partial_response;

#[doc = include_str!("docs/injectable.md")]
pub use unokit_macros::injectable;

#[doc = include_str!("docs/container.md")]
pub use unokit_macros::container;

#[doc = include_str!("docs/batch_load.md")]
pub use unokit_macros::batch_load;

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[doc = include_str!("docs/derive_model.md")]
pub use unokit_macros::Model;

#[doc = include_str!("docs/derive_filter.md")]
pub use unokit_macros::Filter;

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[doc = include_str!("docs/derive_sort.md")]
pub use unokit_macros::Sort;

/// Paths for generated code. Not public API: anything here may change in any release.
#[doc(hidden)]
pub mod __private {
    // One module per runtime capability: each is that capability's `rt`, which
    // holds exactly what the macros generate code against.
    pub use unokit_runtime::batch::rt as batch;
    pub use unokit_runtime::cache::rt as cache;
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub use unokit_runtime::db::rt as db;
    pub use unokit_runtime::di::rt as di;
    pub use unokit_runtime::key::rt as key;
    pub use unokit_runtime::select::rt as select;
    pub use unokit_runtime::task::rt as task;
}

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
