//! What a factory may return, and how `build()` runs it.

use crate::task::{BoxError, BoxFuture};
use std::future::{self, Future};

/// The return type of an eager singleton's factory: the service itself, or a
/// `Result` whose error `build()` reports with the service's name.
#[diagnostic::on_unimplemented(
    message = "a factory of `{S}` returns `{Self}`, which is neither `{S}` nor `Result<{S}, E>`",
    label = "this factory's return type does not match",
    note = "a factory returns `{S}`, or `Result<{S}, E>` with an error type that converts into `Box<dyn Error + Send + Sync>`",
    note = "an `async fn` factory is written `factory = async path::to::function`"
)]
pub trait FactoryOutput<S> {
    /// The service, or the factory's error, boxed.
    ///
    /// # Errors
    ///
    /// The factory's error.
    fn into_result(self) -> Result<S, BoxError>;
}

impl<S> FactoryOutput<S> for S {
    #[inline]
    fn into_result(self) -> Result<S, BoxError> {
        Ok(self)
    }
}

impl<S, E: Into<BoxError>> FactoryOutput<S> for Result<S, E> {
    #[inline]
    fn into_result(self) -> Result<S, BoxError> {
        self.map_err(Into::into)
    }
}

/// The return type of a factory that runs on resolve (lazy singletons, scoped and
/// transient services): the service itself. Resolving cannot fail or wait.
#[diagnostic::on_unimplemented(
    message = "a factory of `{S}` returns `{Self}`, but it runs on resolve, which cannot fail or wait: it must return `{S}`",
    label = "must return `{S}`",
    note = "a factory that may fail or is `async` belongs to an eager singleton, `#[injectable(singleton, eager, ..)]`, whose errors `build()` reports"
)]
pub trait InfallibleOutput<S> {
    /// The service.
    fn into_service(self) -> S;
}

impl<S> InfallibleOutput<S> for S {
    #[inline(always)]
    fn into_service(self) -> S {
        self
    }
}

/// An eager singleton made synchronously: a ready future.
pub fn ready<S: Send + 'static>(
    made: Result<S, BoxError>,
) -> BoxFuture<'static, Result<S, BoxError>> {
    Box::pin(future::ready(made))
}

/// An eager singleton made by an `async` factory.
pub fn awaiting<S, F>(making: F) -> BoxFuture<'static, Result<S, BoxError>>
where
    S: Send + 'static,
    F: Future + Send + 'static,
    F::Output: FactoryOutput<S>,
{
    Box::pin(async move { making.await.into_result() })
}
