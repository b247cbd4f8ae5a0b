//! Dependency injection with resolution paths computed at compile time: the
//! runtime of `#[injectable]` and `#[container]`.
//!
//! `#[injectable]` declares a service and its [kind] (eager or lazy
//! singleton, scoped, transient) and implements [`Injectable`] and [`Recipe`];
//! `#[container]` generates a container type with one slot per service, and
//! implements [`Provides`] for each: resolving a service is that impl's body, a
//! field access (and an `Arc` clone), with no map lookup by `TypeId`.
//!
//! The rules the compiler checks, each reported where it is broken:
//!
//! - a dependency must be registered in the container ([`Provides`]);
//! - a singleton may depend on singletons only ([`kind::VisibleIn`]): holding a
//!   scoped service would capture one scope's instance forever;
//! - a field or factory parameter must be injectable ([`Handle`], [`Inject`]);
//! - a factory's return type must match ([`FactoryOutput`], [`InfallibleOutput`]).
//!
//! A dependency cycle is reported by `build()`, as [`BuildError::Cycle`] naming
//! its path, before any service is made.
//!
//! The modules here are what generated code calls; a user needs [`Dispose`] and
//! [`BuildError`], and reads the rest to know what a container does.

mod build;
mod dispose;
mod error;
mod factory;
mod graph;
pub mod kind;
mod scope;
mod service;
mod slot;

pub use build::{
    Binding, Container, Installer, RootSlots, Starting, build, is_built, never_made, start,
};
pub use dispose::{CreationLog, Dispose};
pub use error::BuildError;
pub use factory::{FactoryOutput, InfallibleOutput, awaiting, ready};
pub use kind::{EagerSingleton, Kind, LazySingleton, Scoped, Transient};
pub use scope::{RootCore, ScopeCore, ScopeSlots};
pub use service::{
    Context, Handle, Inject, Injectable, Nothing, Provides, Recipe, RecipeIn, Recipes,
    assert_handle,
};
pub use slot::{EagerSlot, LazySlot, NoSlot, ScopedSlot, Slot};
