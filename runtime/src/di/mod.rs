//! The runtime of `#[injectable]` and `#[container]`: what a user names
//! ([`Dispose`], [`BuildError`]; the facade's `unokit::di` documents them), and
//! in [`rt`] what the generated code names.

#[cfg(feature = "axum")]
pub mod axum;
mod build;
mod container;
mod dispose;
mod error;
mod factory;
mod graph;
mod kind;
pub mod rt;
mod scope;
mod service;
mod slot;

pub use container::{ContainerScope, ScopedContainer};
pub use dispose::Dispose;
pub use error::BuildError;
