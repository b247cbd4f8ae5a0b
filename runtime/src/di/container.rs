//! What `#[container]` implements for a container and its scope type, so that
//! code generic over containers (the axum layer, [`axum`](super::axum)) can
//! open, resolve from and close scopes.

use std::future::Future;
use std::sync::Arc;

/// A container made by `#[container]`: names its scope type and opens scopes.
///
/// `#[container(..)] pub struct App;` implements it for `App`, with
/// `Scope = AppScope`; [`open_scope`](Self::open_scope) is `App::scope`.
/// Generic code bounds on it, as the axum layer does (`RequestScopeLayer<App>`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `#[container]`",
    label = "not a container",
    note = "name the container type itself (`App` of `#[container(..)] pub struct App;`), not an `Arc` of it, its scope or a service"
)]
pub trait ScopedContainer: Send + Sync + Sized + 'static {
    /// The container's scope type: `AppScope` for `App`.
    type Scope: ContainerScope<Container = Self>;

    /// Opens a scope, as `App::scope` does: cheap, its slots come from a pool.
    fn open_scope(self: &Arc<Self>) -> Self::Scope;
}

/// A scope of a `#[container]`: `AppScope` for `App`. Implemented by the macro.
///
/// Dropping a scope disposes of its services, detached when some have async
/// cleanup; [`close`](Self::close) awaits the cleanup.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the scope of a `#[container]`",
    label = "not a container's scope"
)]
pub trait ContainerScope: Send + Sync + Sized + 'static {
    /// The container it belongs to.
    type Container: ScopedContainer;

    /// The container it belongs to.
    fn container(&self) -> &Arc<Self::Container>;

    /// Disposes of the scope's services, newest first, awaiting each one's
    /// cleanup, as `AppScope::close` does.
    fn close(self) -> impl Future<Output = ()> + Send;
}
