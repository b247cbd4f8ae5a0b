//! The tower layer and service of [`ResponseCache`].

use super::key::{etag, none_match, request_key};
use super::{CacheTags, Entry, Fill, ResponseCache};
use axum::body::Body;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_layer::Layer;
use tower_service::Service;

/// The header saying whether a response came from the cache.
const X_CACHE: &str = "x-cache";

/// Wraps a service with a [`ResponseCache`]. Made by [`ResponseCache::layer`].
#[derive(Clone)]
pub struct ResponseCacheLayer {
    cache: ResponseCache,
}

impl ResponseCacheLayer {
    pub(crate) fn new(cache: ResponseCache) -> Self {
        Self { cache }
    }
}

impl<S> Layer<S> for ResponseCacheLayer {
    type Service = ResponseCacheService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ResponseCacheService {
            inner,
            cache: self.cache.clone(),
        }
    }
}

/// A service behind a [`ResponseCache`].
#[derive(Clone)]
pub struct ResponseCacheService<S> {
    inner: S,
    cache: ResponseCache,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S> Service<Request<Body>> for ResponseCacheService<S>
where
    S: Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<Body>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        // The clone that was polled ready serves this request.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let cache = self.cache.clone();
        Box::pin(serve(cache, inner, request))
    }
}

async fn serve<S>(
    cache: ResponseCache,
    mut inner: S,
    request: Request<Body>,
) -> Result<Response<Body>, S::Error>
where
    S: Service<Request<Body>, Response = Response<Body>>,
{
    let cacheable = matches!(*request.method(), Method::GET | Method::HEAD);
    let key = if cacheable {
        request_key(
            request.method(),
            request.uri(),
            request.headers(),
            cache.vary(),
        )
    } else {
        None
    };
    let Some(key) = key.map(Arc::<str>::from) else {
        return inner.call(request).await;
    };
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(entry) = cache.lookup(&key) {
        cache.count_hit();
        return Ok(respond(&entry, "HIT", if_none_match.as_ref()));
    }
    let guard = match cache.join_fill(&key) {
        Fill::Lead(guard) => guard,
        Fill::Wait(mut done) => {
            // Completes when the leader drops its guard, whatever happened to it.
            let _ = done.changed().await;
            if let Some(entry) = cache.lookup(&key) {
                cache.count_hit();
                return Ok(respond(&entry, "HIT", if_none_match.as_ref()));
            }
            // Not storable (an error status, too large, invalidated): run it
            // ourselves rather than queue again.
            cache.count_miss();
            return inner.call(request).await;
        }
    };
    cache.count_miss();
    let epoch = cache.epoch();
    let response = inner.call(request).await?;
    if !storable(&response) {
        return Ok(response);
    }
    let (mut parts, body) = response.into_parts();
    let body = match read_up_to(body, cache.max_entry_bytes()).await {
        Ok(body) => body,
        Err(passthrough) => return Ok(Response::from_parts(parts, passthrough)),
    };
    let tags = parts.extensions.remove::<CacheTags>().unwrap_or_default();
    let entry = Arc::new(Entry {
        status: parts.status,
        headers: stored_headers(&parts.headers),
        etag: etag(&body),
        body,
    });
    cache.store(&key, Arc::clone(&entry), &tags.0, epoch);
    drop(guard);
    Ok(respond(&entry, "MISS", if_none_match.as_ref()))
}

fn storable(response: &Response<Body>) -> bool {
    // A cookie is for one client: never replay it to another.
    if !response.status().is_success() || response.headers().contains_key(header::SET_COOKIE) {
        return false;
    }
    let no_store = response
        .headers()
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|directive| {
            let directive = directive.trim();
            directive.eq_ignore_ascii_case("no-store") || directive.eq_ignore_ascii_case("private")
        });
    !no_store
}

/// The body, if it fits in `limit` bytes; otherwise a body that replays what
/// was read and streams the rest.
async fn read_up_to(mut body: Body, limit: usize) -> Result<Bytes, Body> {
    let mut buffer = BytesMut::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                let Ok(data) = frame.into_data() else {
                    continue; // trailers are not stored
                };
                buffer.extend_from_slice(&data);
                if buffer.len() > limit {
                    let head = futures_util::stream::iter([Ok(buffer.freeze())]);
                    return Err(Body::from_stream(head.chain(body.into_data_stream())));
                }
            }
            Err(error) => {
                let parts = [Ok(buffer.freeze()), Err(error)];
                return Err(Body::from_stream(futures_util::stream::iter(parts)));
            }
        }
    }
    Ok(buffer.freeze())
}

/// The headers worth replaying: not the ones describing one connection or
/// one transfer of the body.
fn stored_headers(headers: &HeaderMap) -> HeaderMap {
    let mut stored = headers.clone();
    for name in [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::CONTENT_LENGTH,
        header::DATE,
    ] {
        stored.remove(name);
    }
    stored
}

fn respond(
    entry: &Entry,
    cache_status: &'static str,
    if_none_match: Option<&HeaderValue>,
) -> Response<Body> {
    if if_none_match.is_some_and(|tags| none_match(tags, &entry.etag)) {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        let headers = response.headers_mut();
        for name in [
            header::CACHE_CONTROL,
            header::VARY,
            header::EXPIRES,
            header::CONTENT_LOCATION,
        ] {
            if let Some(value) = entry.headers.get(&name) {
                headers.insert(name, value.clone());
            }
        }
        headers.insert(header::ETAG, entry.etag.clone());
        headers.insert(X_CACHE, HeaderValue::from_static(cache_status));
        return response;
    }
    let mut response = Response::new(Body::from(entry.body.clone()));
    *response.status_mut() = entry.status;
    *response.headers_mut() = entry.headers.clone();
    response
        .headers_mut()
        .insert(header::ETAG, entry.etag.clone());
    response
        .headers_mut()
        .insert(X_CACHE, HeaderValue::from_static(cache_status));
    response
}
