//! What `#[injectable]` and `#[container]` generate code against, and nothing
//! else: the facade re-exports this module as `unokit::__private::di`. Not
//! public API: every item here is `#[doc(hidden)]`.
//!
//! A service's impls name its kind and recipe; a container's name the slots,
//! contexts and build steps. Every rule that the compiler checks is a bound on
//! one of these traits, each with its own diagnostic. The types those traits'
//! signatures name (`RecipeIn`, `Nothing`, `Role`, `Installer`, the slots) are
//! here too, so that errors and `cargo expand` show them by their short names.
//!
//! Unlike the other capabilities' `rt`, neither the module nor its items are
//! `#[doc(hidden)]` where they are defined (each re-export here is, and the
//! facade hides its re-export of the module): rustc shortens a path in an
//! error to its last segment only for an item it can reach through modules
//! and items that are not hidden, and these errors (`UnitOfWork` is a `Scoped`
//! service, `Inject<AppScope>` is not implemented) are read by users.

#[doc(hidden)]
pub use super::build::{
    Binding, Container, Installer, RootSlots, Starting, build, is_built, never_made, start,
};
#[doc(hidden)]
pub use super::container::{ContainerScope, ScopedContainer};
#[doc(hidden)]
pub use super::dispose::{CreationLog, Dispose};
#[doc(hidden)]
pub use super::error::BuildError;
#[doc(hidden)]
pub use super::factory::{FactoryOutput, InfallibleOutput, awaiting, ready};
#[doc(hidden)]
pub use super::kind::{
    Borrowable, EagerSingleton, Kind, LazySingleton, Replaceable, Role, RootRole, ScopeRole,
    Scoped, Transient, VisibleIn,
};
#[doc(hidden)]
pub use super::scope::{RootCore, ScopeCore, ScopeSlots};
#[doc(hidden)]
pub use super::service::{
    Context, Handle, Inject, Injectable, Nothing, Provides, Recipe, RecipeIn, Recipes,
    assert_handle,
};
#[doc(hidden)]
pub use super::slot::{EagerSlot, NoSlot, OnceSlot, ServiceSlot};
