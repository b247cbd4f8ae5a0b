//! [`JsonStream`] as an axum response: chunked, `application/json` or
//! `application/x-ndjson`.
//!
//! The response carries a [`StreamOutcome`] extension that says, once the body
//! has been read, whether the source failed: the response cache stores only
//! bodies that completed.

use crate::select::Selectable;
use crate::select::stream::{Framing, JsonStream, StreamError};
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderValue, header};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

impl<St, T, E> IntoResponse for JsonStream<St, T, E>
where
    St: Stream<Item = Result<T, E>> + Send + 'static,
    T: Selectable + Send + 'static,
    E: Send + 'static,
{
    /// Streams the body. A source error mid-stream ends it as
    /// [the stream module](crate::select::stream) describes: an error record
    /// for NDJSON, an aborted body for a JSON array (after the response head
    /// and the rows so far went out).
    fn into_response(self) -> Response {
        let content_type = match self.framing() {
            Framing::Array => "application/json",
            Framing::Ndjson => "application/x-ndjson",
        };
        let outcome = StreamOutcome::default();
        let body = Observed {
            rows: self,
            outcome: outcome.clone(),
            error: None,
        };
        let mut response = Response::new(Body::from_stream(body));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response.extensions_mut().insert(outcome);
        response
    }
}

/// Whether a streamed body failed, shared between the body and whoever holds
/// the response's extensions (the response cache).
#[derive(Clone, Debug, Default)]
pub(crate) struct StreamOutcome(Arc<AtomicBool>);

impl StreamOutcome {
    pub(crate) fn failed(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    fn fail(&self) {
        self.0.store(true, Ordering::Release);
    }
}

pin_project_lite::pin_project! {
    /// A [`JsonStream`] that reports its failure to a [`StreamOutcome`] and
    /// holds its error back for one poll (see [`FlushThenFail`]).
    struct Observed<St, T, E>
    where
        T: Selectable,
    {
        #[pin]
        rows: JsonStream<St, T, E>,
        outcome: StreamOutcome,
        error: Option<StreamError>,
    }
}

impl<St, T, E> Stream for Observed<St, T, E>
where
    St: Stream<Item = Result<T, E>>,
    T: Selectable,
{
    type Item = Result<Bytes, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        if let Some(error) = this.error.take() {
            return Poll::Ready(Some(Err(error)));
        }
        match this.rows.as_mut().poll_next(cx) {
            Poll::Ready(Some(Err(error))) => {
                this.outcome.fail();
                *this.error = Some(error);
                yield_once(cx)
            }
            Poll::Ready(Some(Ok(chunk))) => {
                if this.rows.has_failed() {
                    this.outcome.fail(); // the NDJSON error record
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            other => other,
        }
    }
}

/// Pending once, woken at once. A server polls the body again only after it
/// has flushed what it wrote (hyper's HTTP/1 dispatcher flushes whenever the
/// body is pending), so an error that follows reaches the client as an
/// aborted body after the head and the last rows, not as a connection closed
/// before any response: the same however fast the source fails.
fn yield_once<T>(cx: &mut Context<'_>) -> Poll<T> {
    cx.waker().wake_by_ref();
    Poll::Pending
}

/// Replays `head`, then fails with `error` after giving the server a chance
/// to flush: the response cache's answer when a body it was reading failed.
pub(crate) fn flush_then_fail(head: Bytes, error: axum::Error) -> Body {
    Body::from_stream(FlushThenFail {
        head: (!head.is_empty()).then_some(head),
        error: Some(error),
        yielded: false,
    })
}

struct FlushThenFail {
    head: Option<Bytes>,
    error: Option<axum::Error>,
    yielded: bool,
}

impl Stream for FlushThenFail {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(head) = self.head.take() {
            return Poll::Ready(Some(Ok(head)));
        }
        if !self.yielded {
            self.yielded = true;
            return yield_once(cx);
        }
        Poll::Ready(self.error.take().map(Err))
    }
}
