//! The tower layer and service of [`ResponseCache`].

use super::key::{etag, none_match, request_key};
use super::policy::lifetime;
use super::{CacheTags, Entry, Fill, Key, NOT_STORED_HEADERS, ResponseCache, SelectionProbe};
use crate::http::stream::{StreamOutcome, flush_then_fail};
use crate::trace;
use axum::body::Body;
use axum::extract::MatchedPath;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use http_body::Body as _;
use http_body_util::BodyExt;
use std::future::Future;
use std::pin::Pin;
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
    let traced = trace::Response::start(request.method(), route_of(&request));
    let eligible = matches!(*request.method(), Method::GET | Method::HEAD)
        && !request.headers().contains_key(header::RANGE);
    let selection_route = cache.uses_selection(route_of(&request));
    let key = if eligible {
        request_key(
            request.method(),
            request.uri(),
            request.headers(),
            &cache.key_rules(selection_route),
        )
    } else {
        None
    };
    let Some(key) = key.map(Key::from) else {
        cache.count_bypass();
        traced.decide("bypass", || bypass_reason(&cache, &request));
        let response = inner.call(request).await?;
        return Ok(mark(response, "BYPASS"));
    };
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(entry) = cache.lookup(&key) {
        cache.count_hit();
        traced.decide("hit", || "fresh");
        return Ok(respond(&entry, "HIT", if_none_match.as_ref()));
    }
    let guard = match cache.join_fill(&key) {
        Fill::Lead(guard) => guard,
        Fill::Wait(mut done) => {
            // Completes when the leader drops its guard, whatever happened to it.
            let _ = done.changed().await;
            // The leader's route may have turned out to read a selection: it
            // stored under the key with `fields` canonical.
            let mut entry = cache.lookup(&key);
            if entry.is_none() && !selection_route && cache.uses_selection(route_of(&request)) {
                entry = request_key(
                    request.method(),
                    request.uri(),
                    request.headers(),
                    &cache.key_rules(true),
                )
                .and_then(|canonical| cache.lookup(&canonical));
            }
            if let Some(entry) = entry {
                cache.count_hit();
                traced.decide("hit", || "fresh");
                return Ok(respond(&entry, "HIT", if_none_match.as_ref()));
            }
            // Not storable (an error status, too large, invalidated): run it
            // ourselves rather than queue again.
            cache.count_miss();
            traced.decide("miss", || "not-stored-by-leader");
            let response = inner.call(request).await?;
            return Ok(mark(response, "MISS"));
        }
    };
    cache.count_miss();
    let epoch = cache.epoch();
    let policy_request = policy_request(&cache, &request);
    let mut request = request;
    let probe = (!selection_route).then(|| Probe::insert(&cache, &mut request));
    let response = inner.call(request).await?;
    let key = match probe {
        Some(probe) if probe.marker.marked() => match probe.learn(&cache) {
            Some(canonical) => canonical,
            // A selection that does not parse: the handler refused it.
            None => {
                traced.decide("miss", || "selection-refused");
                return Ok(mark(response, "MISS"));
            }
        },
        _ => key,
    };
    let (mut parts, body) = response.into_parts();
    let ttl = match lifetime(&policy_request, &parts, cache.vary(), cache.ttl()) {
        Ok(ttl) => ttl,
        Err(why) => {
            traced.decide("miss", || why);
            return Ok(mark(Response::from_parts(parts, body), "MISS"));
        }
    };
    let body = match read_up_to(body, cache.max_entry_bytes()).await {
        Ok(body) => body,
        Err(passthrough) => {
            traced.decide("miss", || "too-large");
            return Ok(mark(Response::from_parts(parts, passthrough), "MISS"));
        }
    };
    if parts
        .extensions
        .get::<StreamOutcome>()
        .is_some_and(StreamOutcome::failed)
    {
        // Complete as a body, but its last record says the source failed.
        traced.decide("miss", || "stream-failed");
        return Ok(mark(Response::from_parts(parts, Body::from(body)), "MISS"));
    }
    let tags = parts.extensions.remove::<CacheTags>().unwrap_or_default();
    let entry = Entry {
        status: parts.status,
        headers: stored_headers(&parts.headers),
        etag: etag(&body),
        body,
        tags: tags.0.into(),
        ttl,
        id: 0,
    };
    let entry = cache.store(&key, entry, epoch);
    drop(guard);
    traced.decide("miss", || "stored");
    Ok(respond(&entry, "MISS", if_none_match.as_ref()))
}

/// Why a request bypasses the cache, for `tracing`: as `serve` and
/// `request_key` decide it.
fn bypass_reason(cache: &ResponseCache, request: &Request<Body>) -> &'static str {
    let headers = request.headers();
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        "method"
    } else if headers.contains_key(header::RANGE) {
        "range"
    } else if cache
        .credentials()
        .iter()
        .any(|name| headers.contains_key(name) && !cache.vary().contains(name))
    {
        "credentials"
    } else {
        // Longer than the key may be, or a `fields` that does not parse.
        "key"
    }
}

/// The route's pattern, as the router matched it; `""` outside a router.
fn route_of(request: &Request<Body>) -> &str {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or("", MatchedPath::as_str)
}

/// What a miss on a route not yet known to read a selection keeps of its
/// request, to key its response with `fields` canonical if it turns out to.
struct Probe {
    marker: SelectionProbe,
    route: Box<str>,
    method: Method,
    uri: http::Uri,
    /// Only the headers the key varies on.
    vary: HeaderMap,
}

impl Probe {
    fn insert(cache: &ResponseCache, request: &mut Request<Body>) -> Self {
        let marker = SelectionProbe::default();
        request.extensions_mut().insert(marker.clone());
        let mut vary = HeaderMap::new();
        for name in cache.vary() {
            for value in request.headers().get_all(name) {
                vary.append(name.clone(), value.clone());
            }
        }
        Self {
            marker,
            route: route_of(request).into(),
            method: request.method().clone(),
            uri: request.uri().clone(),
            vary,
        }
    }

    /// Records that the route reads a selection; the request's key with
    /// `fields` canonical, if it has one.
    fn learn(self, cache: &ResponseCache) -> Option<Key> {
        cache.learn_selection(&self.route);
        request_key(&self.method, &self.uri, &self.vary, &cache.key_rules(true)).map(Key::from)
    }
}

/// What the storage decision sees of the request: no credential header (a
/// request carrying one the key does not vary on never gets here; one it does
/// vary on has entries of its own), no `Cache-Control` or `Pragma` (clients
/// cannot make a server-side cache store or miss).
fn policy_request(cache: &ResponseCache, request: &Request<Body>) -> Request<()> {
    let mut copy = Request::new(());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    let mut headers = request.headers().clone();
    for name in cache.credentials() {
        headers.remove(name);
    }
    headers.remove(header::CACHE_CONTROL);
    headers.remove(header::PRAGMA);
    *copy.headers_mut() = headers;
    copy
}

fn mark(mut response: Response<Body>, cache_status: &'static str) -> Response<Body> {
    response
        .headers_mut()
        .insert(X_CACHE, HeaderValue::from_static(cache_status));
    response
}

/// The body in an exact-size buffer (the cache weighs what it holds), if it
/// fits in `limit` bytes; otherwise a body that replays what was read and
/// streams the rest, or fails as the original did.
async fn read_up_to(mut body: Body, limit: usize) -> Result<Bytes, Body> {
    let expected = body
        .size_hint()
        .exact()
        .and_then(|size| usize::try_from(size).ok());
    let mut buffer = BytesMut::with_capacity(expected.unwrap_or(0).min(limit));
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
            Err(error) => return Err(flush_then_fail(buffer.freeze(), error)),
        }
    }
    if buffer.capacity() == buffer.len() {
        Ok(buffer.freeze())
    } else {
        Ok(Bytes::copy_from_slice(&buffer))
    }
}

/// The headers worth replaying: not the ones describing one connection or
/// one transfer of the body.
fn stored_headers(headers: &HeaderMap) -> HeaderMap {
    let mut stored = headers.clone();
    for name in NOT_STORED_HEADERS {
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
