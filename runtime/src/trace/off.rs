//! Without the `tracing` feature: identities and no-ops, which the compiler
//! removes. Same signatures as `on.rs`.
#![allow(clippy::inline_always)]

use std::future::Future;
use std::time::{Duration, Instant};

#[inline(always)]
pub(crate) fn miss<F: Future>(_: &'static str, _: fn(&F::Output) -> &'static str, body: F) -> F {
    body
}

#[inline(always)]
pub(crate) fn miss_sync<R>(
    _: &'static str,
    _: fn(&R) -> &'static str,
    body: impl FnOnce() -> R,
) -> R {
    body()
}

#[inline(always)]
pub(crate) fn batch<F: Future>(
    _: &'static str,
    _: usize,
    _: fn(&F::Output) -> &'static str,
    dispatch: F,
) -> F {
    dispatch
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[inline(always)]
pub(crate) fn hop<F: Future>(_: &'static str, _: usize, hop: F) -> F {
    hop
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[inline(always)]
pub(crate) fn relation_statements(_: &'static str, _: usize, _: usize, _: usize) {}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[inline(always)]
pub(crate) fn nested_statement(_: &'static str, _: usize) {}

#[inline(always)]
pub(crate) fn scope_closed(_: &'static str, _: usize, _: &'static str, _: Duration) {}

#[inline(always)]
pub(crate) fn clock() -> Option<Instant> {
    None
}

#[inline(always)]
pub(crate) fn since(_: Option<Instant>) -> Duration {
    Duration::ZERO
}

#[inline(always)]
pub(crate) fn pool_wait<F: Future>(_: &'static str, wait: F) -> F {
    wait
}

#[inline(always)]
pub(crate) fn pool_timeout(_: &'static str, _: Duration) {}

#[cfg(feature = "axum")]
pub(crate) struct Response;

#[cfg(feature = "axum")]
impl Response {
    #[inline(always)]
    pub(crate) fn start(_: &http::Method, _: &str) -> Self {
        Self
    }

    #[inline(always)]
    pub(crate) fn decide(&self, _: &'static str, _: impl FnOnce() -> &'static str) {}
}
