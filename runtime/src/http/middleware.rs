//! Middleware helpers: a layer that is on or off at run time with one type, a
//! check that answers before the handler, and per-request memoization.

use axum::extract::FromRequestParts;
use http::Extensions;
use http::request::Parts;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tower_layer::Layer;
use tower_service::Service;

/// Applies `layer` only when `enabled`. Both ways the service has one type,
/// with the wrapped service's error type: the bare service's errors are
/// converted with `Into`. (`tower::util::option_layer` requires both error
/// types to be equal, which fails for layers that change it, such as timeouts.)
///
/// ```
/// use axum::{Router, routing::get};
/// use unokit::http::when;
///
/// let verbose = std::env::var_os("VERBOSE").is_some();
/// let app: Router = Router::new()
///     .route("/", get(|| async { "hi" }))
///     .layer(when(verbose, axum::middleware::map_response(|r: axum::response::Response| async { r })));
/// ```
pub fn when<L>(enabled: bool, layer: L) -> Conditional<L> {
    Conditional {
        layer: enabled.then_some(layer),
    }
}

/// A layer applied or not: see [`when`].
#[derive(Clone, Debug)]
pub struct Conditional<L> {
    layer: Option<L>,
}

impl<S, L: Layer<S>> Layer<S> for Conditional<L> {
    type Service = ConditionalService<L::Service, S>;

    fn layer(&self, inner: S) -> Self::Service {
        match &self.layer {
            Some(layer) => ConditionalService::Enabled(layer.layer(inner)),
            None => ConditionalService::Disabled(inner),
        }
    }
}

/// The service of a [`Conditional`] layer.
#[derive(Clone, Debug)]
pub enum ConditionalService<A, B> {
    /// The layer is applied.
    Enabled(A),
    /// The bare service.
    Disabled(B),
}

impl<A, B, R> Service<R> for ConditionalService<A, B>
where
    A: Service<R>,
    B: Service<R, Response = A::Response>,
    B::Error: Into<A::Error>,
{
    type Response = A::Response;
    type Error = A::Error;
    type Future = ConditionalFuture<A::Future, B::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self {
            Self::Enabled(service) => service.poll_ready(cx),
            Self::Disabled(service) => service.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, request: R) -> Self::Future {
        match self {
            Self::Enabled(service) => ConditionalFuture::Enabled {
                future: service.call(request),
            },
            Self::Disabled(service) => ConditionalFuture::Disabled {
                future: service.call(request),
            },
        }
    }
}

impl<A, B, T, EA, EB> Future for ConditionalFuture<A, B>
where
    A: Future<Output = Result<T, EA>>,
    B: Future<Output = Result<T, EB>>,
    EB: Into<EA>,
{
    type Output = Result<T, EA>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            ConditionalProjection::Enabled { future } => future.poll(cx),
            ConditionalProjection::Disabled { future } => future.poll(cx).map_err(Into::into),
        }
    }
}

/// The futures, in a module of their own: pin-project-lite cannot document
/// the fields of an enum's variants.
mod futures {
    #![allow(missing_docs)]

    pin_project_lite::pin_project! {
        /// The future of a [`ConditionalService`](super::ConditionalService).
        #[project = ConditionalProjection]
        pub enum ConditionalFuture<A, B> {
            /// From the wrapped service.
            Enabled {
                #[pin]
                future: A,
            },
            /// From the bare service.
            Disabled {
                #[pin]
                future: B,
            },
        }
    }

    pin_project_lite::pin_project! {
        /// The future of a [`ShortCircuit`](super::ShortCircuit) service.
        #[project = ShortCircuitProjection]
        pub enum ShortCircuitFuture<F, R> {
            /// The request went through.
            Inner {
                #[pin]
                future: F,
            },
            /// The check answered.
            Answered {
                response: Option<R>,
            },
        }
    }
}

pub use futures::{ConditionalFuture, ShortCircuitFuture};
use futures::{ConditionalProjection, ShortCircuitProjection};

/// Runs `check` on each request before the service: `None` lets it through
/// (the check may add extensions), `Some(response)` answers at once, without
/// calling the service or boxing anything.
///
/// ```
/// use axum::{Router, routing::get, response::IntoResponse};
/// use http::{Request, StatusCode, header};
/// use unokit::http::short_circuit;
///
/// let app: Router = Router::new()
///     .route("/admin", get(|| async { "secret" }))
///     .layer(short_circuit(|request: &mut Request<axum::body::Body>| {
///         match request.headers().get(header::AUTHORIZATION) {
///             Some(token) if token == "Bearer admin" => None,
///             _ => Some(StatusCode::UNAUTHORIZED.into_response()),
///         }
///     }));
/// ```
pub fn short_circuit<F>(check: F) -> ShortCircuitLayer<F> {
    ShortCircuitLayer { check }
}

/// See [`short_circuit`].
#[derive(Clone, Debug)]
pub struct ShortCircuitLayer<F> {
    check: F,
}

impl<S, F: Clone> Layer<S> for ShortCircuitLayer<F> {
    type Service = ShortCircuit<S, F>;

    fn layer(&self, inner: S) -> Self::Service {
        ShortCircuit {
            inner,
            check: self.check.clone(),
        }
    }
}

/// The service of a [`ShortCircuitLayer`].
#[derive(Clone, Debug)]
pub struct ShortCircuit<S, F> {
    inner: S,
    check: F,
}

impl<S, F, R> Service<R> for ShortCircuit<S, F>
where
    S: Service<R>,
    F: Fn(&mut R) -> Option<S::Response>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = ShortCircuitFuture<S::Future, S::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: R) -> Self::Future {
        match (self.check)(&mut request) {
            None => ShortCircuitFuture::Inner {
                future: self.inner.call(request),
            },
            Some(response) => ShortCircuitFuture::Answered {
                response: Some(response),
            },
        }
    }
}

impl<F, T, E> Future for ShortCircuitFuture<F, T>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            ShortCircuitProjection::Inner { future } => future.poll(cx),
            ShortCircuitProjection::Answered { response } => {
                Poll::Ready(Ok(response.take().expect("polled after completion")))
            }
        }
    }
}

/// An extractor run at most once per request: the first extraction (in a
/// middleware, say) is stored in the request's extensions, and later ones (in
/// other middleware, in the handler) clone it.
///
/// ```
/// use axum::extract::FromRequestParts;
/// use http::request::Parts;
/// use unokit::http::Memo;
///
/// #[derive(Clone)]
/// struct CurrentUser(u64);
///
/// impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
///     type Rejection = http::StatusCode;
///     async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
///         // An expensive token check or database lookup.
///         Ok(CurrentUser(7))
///     }
/// }
///
/// async fn handler(Memo(user): Memo<CurrentUser>) -> String {
///     format!("user {}", user.0)
/// }
/// # let _: axum::Router = axum::Router::new().route("/", axum::routing::get(handler));
/// ```
#[derive(Clone, Debug)]
pub struct Memo<E>(pub E);

/// The stored result: a private type, so that it cannot collide with an
/// extension of type `E` that something else inserted.
#[derive(Clone)]
struct Memoized<E>(E);

impl<S, E> FromRequestParts<S> for Memo<E>
where
    S: Send + Sync,
    E: FromRequestParts<S> + Clone + Send + Sync + 'static,
{
    type Rejection = E::Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(Memoized(value)) = parts.extensions.get::<Memoized<E>>() {
            return Ok(Self(value.clone()));
        }
        let value = E::from_request_parts(parts, state).await?;
        parts.extensions.insert(Memoized(value.clone()));
        Ok(Self(value))
    }
}

/// Computes a value at most once per request: later calls with the same
/// extensions (in other middleware, in the handler) return the first result.
///
/// ```
/// use unokit::http::memoized;
///
/// let mut extensions = http::Extensions::new();
/// assert_eq!(memoized(&mut extensions, || 1_u32), 1);
/// assert_eq!(memoized(&mut extensions, || 2_u32), 1); // not recomputed
/// ```
pub fn memoized<T: Clone + Send + Sync + 'static>(
    extensions: &mut Extensions,
    compute: impl FnOnce() -> T,
) -> T {
    if let Some(Memoized(value)) = extensions.get::<Memoized<T>>() {
        return value.clone();
    }
    let value = compute();
    extensions.insert(Memoized(value.clone()));
    value
}
