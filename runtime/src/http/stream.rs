//! [`JsonStream`] as an axum response: chunked, `application/json` or
//! `application/x-ndjson`.

use crate::select::Selectable;
use crate::select::stream::{Framing, JsonStream};
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use futures_core::Stream;
use http::{HeaderValue, header};

impl<St, T, E> IntoResponse for JsonStream<St, T, E>
where
    St: Stream<Item = Result<T, E>> + Send + 'static,
    T: Selectable + Send + 'static,
    E: Send + 'static,
{
    /// Streams the body. A source error mid-stream ends it as
    /// [the stream module](crate::select::stream) describes: an error record
    /// for NDJSON, an aborted body for a JSON array.
    fn into_response(self) -> Response {
        let content_type = match self.framing() {
            Framing::Array => "application/json",
            Framing::Ndjson => "application/x-ndjson",
        };
        let mut response = Response::new(Body::from_stream(self));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}
