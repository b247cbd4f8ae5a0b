//! `unokit::__private::di`: services, containers and their resolution paths.

use super::RtPath;

const fn di(item: &'static str) -> RtPath {
    RtPath::new("di", item)
}

// A service: `#[injectable]`.
pub(crate) const INJECTABLE: RtPath = di("Injectable");
pub(crate) const EAGER_SINGLETON: RtPath = di("EagerSingleton");
pub(crate) const LAZY_SINGLETON: RtPath = di("LazySingleton");
pub(crate) const SCOPED: RtPath = di("Scoped");
pub(crate) const TRANSIENT: RtPath = di("Transient");
pub(crate) const DISPOSE: RtPath = di("Dispose");
pub(crate) const RECIPE: RtPath = di("Recipe");
pub(crate) const INJECT: RtPath = di("Inject");
pub(crate) const HANDLE: RtPath = di("Handle");
pub(crate) const ASSERT_HANDLE: RtPath = di("assert_handle");
pub(crate) const FACTORY_OUTPUT: RtPath = di("FactoryOutput");
pub(crate) const INFALLIBLE_OUTPUT: RtPath = di("InfallibleOutput");
pub(crate) const READY: RtPath = di("ready");
pub(crate) const AWAITING: RtPath = di("awaiting");

// The rules, as traits of the kinds and roles.
pub(crate) const KIND: RtPath = di("Kind");
pub(crate) const VISIBLE_IN: RtPath = di("VisibleIn");
pub(crate) const BORROWABLE: RtPath = di("Borrowable");
pub(crate) const REPLACEABLE: RtPath = di("Replaceable");
pub(crate) const ROOT_ROLE: RtPath = di("RootRole");
pub(crate) const SCOPE_ROLE: RtPath = di("ScopeRole");

// A container: `#[container]`.
pub(crate) const CONTEXT: RtPath = di("Context");
pub(crate) const PROVIDES: RtPath = di("Provides");
pub(crate) const RECIPES: RtPath = di("Recipes");
pub(crate) const ROOT_SLOTS: RtPath = di("RootSlots");
pub(crate) const SERVICE_SLOT: RtPath = di("ServiceSlot");
pub(crate) const SCOPE_SLOTS: RtPath = di("ScopeSlots");
pub(crate) const BINDING: RtPath = di("Binding");
pub(crate) const ROOT_CORE: RtPath = di("RootCore");
pub(crate) const SCOPE_CORE: RtPath = di("ScopeCore");
pub(crate) const CREATION_LOG: RtPath = di("CreationLog");
pub(crate) const CONTAINER: RtPath = di("Container");
pub(crate) const STARTING: RtPath = di("Starting");
pub(crate) const NEVER_MADE: RtPath = di("never_made");
pub(crate) const IS_BUILT: RtPath = di("is_built");
pub(crate) const START: RtPath = di("start");
pub(crate) const BUILD: RtPath = di("build");
pub(crate) const BUILD_ERROR: RtPath = di("BuildError");
// What code generic over containers names: the axum layer.
pub(crate) const SCOPED_CONTAINER: RtPath = di("ScopedContainer");
pub(crate) const CONTAINER_SCOPE: RtPath = di("ContainerScope");
