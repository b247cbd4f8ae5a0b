//! The container in an axum service (feature `axum`): one scope per request.
//!
//! - [`RequestScopeLayer`] opens a scope of the container for each request and
//!   closes it once the response has been sent: when its body ends, or when
//!   the body or the request's future is dropped (the handler failed, the
//!   client went away).
//! - [`Injected<H>`] resolves `H` from the request's scope, as
//!   `scope.resolve::<H>()` would: `Arc<Service>` for a singleton (the
//!   container's) or a scoped service (the request's one instance),
//!   `Service` for a transient one, `Arc<dyn Trait>` for a binding. The router's
//!   state names the container ([`ContainerState`]): `Arc<App>` does.
//! - [`RequestScope<C>`] hands the handler the scope itself, with any state.
//!
//! Closing is dropping the layer's handle to the scope: the last handle (the
//! layer's, unless the handler moved one into a task that outlives the
//! response) disposes of the scope's services, newest first; their async
//! cleanup runs in a task of its own, so the response never waits for it.
//!
//! The facade's `unokit::di` has an example.

use super::container::ScopedContainer;
use super::service::Inject as Resolve;
use ::axum::extract::FromRequestParts;
use ::axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;
use http_body::{Body, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use tower_layer::Layer;
use tower_service::Service;

/// A tower layer that gives each request its own scope of container `C`, and
/// closes it once the response has been sent, whatever way the request ends.
///
/// Add it to the router with `.layer(RequestScopeLayer::new(app))`; handlers
/// then take [`Injected`] or [`RequestScope`] extractors.
pub struct RequestScopeLayer<C> {
    container: Arc<C>,
}

impl<C: ScopedContainer> RequestScopeLayer<C> {
    /// A layer opening scopes of `container`.
    #[must_use]
    pub fn new(container: Arc<C>) -> Self {
        Self { container }
    }
}

impl<C> Clone for RequestScopeLayer<C> {
    fn clone(&self) -> Self {
        Self {
            container: Arc::clone(&self.container),
        }
    }
}

impl<C> std::fmt::Debug for RequestScopeLayer<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestScopeLayer")
            .field("container", &std::any::type_name::<C>())
            .finish()
    }
}

impl<C: ScopedContainer, S> Layer<S> for RequestScopeLayer<C> {
    type Service = RequestScopeService<S, C>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestScopeService {
            inner,
            container: Arc::clone(&self.container),
        }
    }
}

/// The service of a [`RequestScopeLayer`].
pub struct RequestScopeService<S, C> {
    inner: S,
    container: Arc<C>,
}

impl<S: Clone, C> Clone for RequestScopeService<S, C> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            container: Arc::clone(&self.container),
        }
    }
}

impl<S, C> std::fmt::Debug for RequestScopeService<S, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestScopeService")
            .field("container", &std::any::type_name::<C>())
            .finish_non_exhaustive()
    }
}

impl<S, C, ReqBody, ResBody> Service<http::Request<ReqBody>> for RequestScopeService<S, C>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    C: ScopedContainer,
{
    type Response = http::Response<ScopedBody<ResBody, C::Scope>>;
    type Error = S::Error;
    type Future = RequestScopeFuture<S::Future, C::Scope>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<ReqBody>) -> Self::Future {
        let scope = Arc::new(self.container.open_scope());
        request
            .extensions_mut()
            .insert(RequestScope::<C>(Arc::clone(&scope)));
        RequestScopeFuture {
            inner: self.inner.call(request),
            scope: Some(scope),
        }
    }
}

/// Types with pinned fields, in a module of their own: pin-project-lite cannot
/// document their fields.
mod pinned {
    #![allow(missing_docs)]

    use std::sync::Arc;

    pin_project_lite::pin_project! {
        /// The future of a [`RequestScopeService`](super::RequestScopeService):
        /// hands the scope on to the response's body, or lets go of it (closing
        /// it) if the service fails or the future is dropped.
        pub struct RequestScopeFuture<F, Sc> {
            // Declared first, so dropped first: the handler's handles to the
            // scope go before the layer's, which is then the last and closes it.
            #[pin]
            pub(super) inner: F,
            pub(super) scope: Option<Arc<Sc>>,
        }
    }

    pin_project_lite::pin_project! {
        /// A response body that holds the request's scope until it ends or is
        /// dropped: the scope is closed after the response has been sent, or
        /// when the client went away.
        pub struct ScopedBody<B, Sc> {
            #[pin]
            pub(super) inner: B,
            pub(super) scope: Option<Arc<Sc>>,
        }
    }
}

pub use pinned::{RequestScopeFuture, ScopedBody};

impl<F, Sc, B, E> Future for RequestScopeFuture<F, Sc>
where
    F: Future<Output = Result<http::Response<B>, E>>,
{
    type Output = Result<http::Response<ScopedBody<B, Sc>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        let scope = this.scope.take();
        Poll::Ready(result.map(|response| response.map(|inner| ScopedBody { inner, scope })))
    }
}

impl<B: Body, Sc> Body for ScopedBody<B, Sc> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx));
        if !matches!(frame, Some(Ok(_))) {
            // The body is over, sent or failed: close the scope now rather than
            // when the server gets round to dropping the body.
            this.scope.take();
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B, Sc> std::fmt::Debug for ScopedBody<B, Sc> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScopedBody")
            .field("open", &self.scope.is_some())
            .finish_non_exhaustive()
    }
}

/// The request's scope of container `C`, put in the request's extensions by
/// [`RequestScopeLayer`]; an extractor with any router state. It derefs to
/// the scope (`AppScope`), whose `resolve` gives any service.
pub struct RequestScope<C: ScopedContainer>(Arc<C::Scope>);

impl<C: ScopedContainer> RequestScope<C> {
    /// The scope, shared: a handle moved into a task that outlives the
    /// response keeps the scope open until the task lets go of it.
    #[must_use]
    pub fn shared(&self) -> &Arc<C::Scope> {
        &self.0
    }

    fn of(parts: &Parts) -> Result<&Self, MissingRequestScope> {
        parts.extensions.get::<Self>().ok_or(MissingRequestScope {
            container: std::any::type_name::<C>(),
        })
    }
}

impl<C: ScopedContainer> Clone for RequestScope<C> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<C: ScopedContainer> std::ops::Deref for RequestScope<C> {
    type Target = C::Scope;

    fn deref(&self) -> &C::Scope {
        &self.0
    }
}

impl<C: ScopedContainer> std::fmt::Debug for RequestScope<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RequestScope")
            .field(&std::any::type_name::<C>())
            .finish()
    }
}

impl<C: ScopedContainer, S: Send + Sync> FromRequestParts<S> for RequestScope<C> {
    type Rejection = MissingRequestScope;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Self::of(parts).cloned()
    }
}

/// A router state that names the container [`Injected`] resolves from: `Arc<App>`
/// does; for a state of your own, implement it (the container itself need
/// not be in the state: [`RequestScopeLayer`] holds it).
///
/// ```ignore
/// // `ignore`: it needs a `#[container]` in scope.
/// #[derive(Clone)]
/// struct AppState { app: Arc<App>, name: String }
///
/// impl unokit::di::axum::ContainerState for AppState {
///     type Container = App;
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "the router's state `{Self}` does not name a container for `Injected`",
    label = "no container",
    note = "use the container as the state (`.with_state(app)` with `app: Arc<App>`), implement `ContainerState` for your state (`type Container = App;`), or take `RequestScope<App>` instead"
)]
pub trait ContainerState: Send + Sync {
    /// The `#[container]` whose request scopes [`Injected`] resolves from.
    type Container: ScopedContainer;
}

impl<C: ScopedContainer> ContainerState for Arc<C> {
    type Container = C;
}

/// Resolves `H` from the request's scope: `Arc<Service>` (a singleton, or the
/// request's one instance of a scoped service), `Service` (a new transient
/// one), `Arc<dyn Trait>` (a binding). The container is the one the router's
/// state names ([`ContainerState`]).
///
/// Without a [`RequestScopeLayer`] on the route, the request is rejected with
/// a 500 that says so.
#[derive(Debug, Clone, Copy, Default)]
pub struct Injected<H>(pub H);

impl<H, S> FromRequestParts<S> for Injected<H>
where
    S: ContainerState,
    H: Resolve<<S::Container as ScopedContainer>::Scope>,
{
    type Rejection = MissingRequestScope;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let scope = RequestScope::<S::Container>::of(parts)?;
        Ok(Self(H::inject(&scope.0)))
    }
}

/// The rejection of [`Injected`] and [`RequestScope`] on a request that has no
/// scope: the route lacks a [`RequestScopeLayer`] of that container. A 500,
/// since it is the server's mistake.
#[derive(Debug, Clone)]
pub struct MissingRequestScope {
    container: &'static str,
}

impl std::fmt::Display for MissingRequestScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no request scope of `{}`: add `.layer(RequestScopeLayer::new(container))` to the router",
            self.container
        )
    }
}

impl std::error::Error for MissingRequestScope {}

impl IntoResponse for MissingRequestScope {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}
