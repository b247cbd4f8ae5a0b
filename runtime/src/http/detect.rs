//! The N+1 detector as a tower layer: every request runs in a detector scope
//! of its own ([`crate::db::detect`]).

use crate::db::detect::Scope;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tower_layer::Layer;
use tower_service::Service;

/// Runs each request in a new [`Scope`]: sessions made while handling it
/// record their statements there, and its N+1 findings are reported as
/// `tracing` warnings when the request is done (or, [strict](Self::strict),
/// fail the statement that made them). Compiled in with `debug_assertions` or
/// the `detect` feature; otherwise the scope records nothing.
///
/// ```
/// use axum::{Router, routing::get};
/// use unokit_runtime::http::DetectLayer;
///
/// let app: Router = Router::new()
///     .route("/", get(|| async { "ok" }))
///     .layer(DetectLayer::new().threshold(3));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct DetectLayer {
    threshold: u64,
    strict: bool,
}

impl Default for DetectLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl DetectLayer {
    /// Findings are shapes run more than [`Scope::DEFAULT_THRESHOLD`] times
    /// from one place; they are warnings.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            threshold: Scope::DEFAULT_THRESHOLD,
            strict: false,
        }
    }

    /// Findings are shapes run more than `threshold` times from one place.
    #[must_use]
    pub const fn threshold(mut self, threshold: u64) -> Self {
        self.threshold = threshold;
        self
    }

    /// The statement that makes a finding fails.
    #[must_use]
    pub const fn strict(mut self) -> Self {
        self.strict = true;
        self
    }

    fn scope(self) -> Scope {
        let scope = Scope::new().with_threshold(self.threshold);
        if self.strict { scope.strict() } else { scope }
    }
}

impl<S> Layer<S> for DetectLayer {
    type Service = Detect<S>;

    fn layer(&self, inner: S) -> Detect<S> {
        Detect {
            inner,
            layer: *self,
        }
    }
}

/// The service of [`DetectLayer`].
#[derive(Clone, Debug)]
pub struct Detect<S> {
    inner: S,
    layer: DetectLayer,
}

impl<S, R> Service<R> for Detect<S>
where
    S: Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let scope = self.layer.scope();
        // The handler's future is made inside the scope too: sessions made
        // while building it take the scope.
        let future = scope.enter(|| self.inner.call(request));
        Box::pin(async move {
            let response = scope.run(future).await;
            scope.report();
            response
        })
    }
}
