//! Dependency injection with resolution paths computed at compile time: the
//! runtime of `#[injectable]` and `#[container]`.
//!
//! `#[injectable]` declares a service, its lifetime (eager or lazy singleton,
//! scoped, transient) and how it is made; `#[container]` generates a container
//! type with one slot per service, a scope type and a builder. Resolving a
//! service is a generated impl whose body is a field access (and an `Arc`
//! clone), with no map lookup by `TypeId`.
//!
//! The rules the compiler checks, each reported where it is broken:
//!
//! - a dependency must be listed in the container;
//! - a singleton may depend on singletons only: holding a scoped service would
//!   capture one scope's instance forever;
//! - a field or factory parameter must be injectable: `Arc<Service>`, a
//!   transient `Service`, or a bound `Arc<dyn Trait>`;
//! - a factory's return type must be the service (or a `Result` of it, for an
//!   eager singleton).
//!
//! A dependency cycle is reported by `build()`, as [`BuildError::Cycle`] naming
//! its path, before any service is made.
//!
//! A user implements [`Dispose`] for a service with async cleanup and handles
//! [`BuildError`]; everything else is generated.

mod build;
mod dispose;
mod error;
mod factory;
mod graph;
mod kind;
pub mod rt;
mod scope;
mod service;
mod slot;

pub use dispose::Dispose;
pub use error::BuildError;
