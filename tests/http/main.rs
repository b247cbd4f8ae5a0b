//! The axum layer over a real HTTP/1.1 server on 127.0.0.1 and a real client
//! (hyper's): 400 on a bad selection, 304 on `If-None-Match`, cache hits on
//! equivalent selections, single flight, tags, streamed bodies, middleware;
//! the `fields` length cap (`fields`).
#![cfg(feature = "axum")]

mod fields;
mod policy;
mod routes;
mod streams;
mod support;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::request::Parts;
use http::{StatusCode, header};
use serde::Serialize;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::time::Duration;
use unokit::http::{CacheTags, Memo, ResponseCache, SelectionQuery, short_circuit, when};
use unokit::partial_response;
use unokit::select::Selectable;

use support::{fetch, get_with, serve};

#[partial_response]
#[derive(Serialize, Clone)]
struct UserOut {
    id: u64,
    name: String,
    #[serde(rename = "emailAddress")]
    email: String,
}

fn ada() -> UserOut {
    UserOut {
        id: 1,
        name: "Ada".into(),
        email: "ada@example.com".into(),
    }
}

async fn user(SelectionQuery(selection): SelectionQuery<UserOut>) -> Response {
    let body = serde_json::to_vec(&ada().select(&selection)).unwrap();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selection_is_applied_and_a_bad_one_is_a_400_naming_path_and_offset() {
    let addr = serve(Router::new().route("/user", get(user))).await;

    let reply = fetch(addr, "/user?fields=id,emailAddress").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({"id": 1, "emailAddress": "ada@example.com"})
    );
    assert_eq!(
        fetch(addr, "/user").await.json(),
        serde_json::to_value(ada()).unwrap()
    );

    let reply = fetch(addr, "/user?fields=id,nmae").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        reply.json(),
        json!({
            "error": "invalid_fields",
            "message": "`UserOut` has no field `nmae`; did you mean `name`?",
            "path": "nmae",
            "offset": 3
        })
    );
    let reply = fetch(addr, "/user?fields=id,(").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["offset"], 3);
}

/// A handler that counts its runs, answering after `delay`.
fn counted(runs: Arc<AtomicU64>, delay: Duration) -> Router {
    Router::new().route(
        "/user",
        get(move |SelectionQuery(selection): SelectionQuery<UserOut>| {
            let runs = Arc::clone(&runs);
            async move {
                runs.fetch_add(1, SeqCst);
                tokio::time::sleep(delay).await;
                let body = serde_json::to_vec(&ada().select(&selection)).unwrap();
                (CacheTags::new(["users", "user:1"]), body)
            }
        }),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn equivalent_selections_share_one_cache_entry() {
    let runs = Arc::new(AtomicU64::new(0));
    let cache = ResponseCache::new();
    let addr = serve(counted(Arc::clone(&runs), Duration::ZERO).layer(cache.layer())).await;

    let first = fetch(addr, "/user?fields=name,id&x=1").await;
    assert_eq!(first.headers["x-cache"], "MISS");
    let second = fetch(addr, "/user?x=1&fields=id,name").await;
    assert_eq!(second.headers["x-cache"], "HIT");
    let third = fetch(addr, "/user?fields=id%2C%20name&x=1").await;
    assert_eq!(third.headers["x-cache"], "HIT");
    assert_eq!(runs.load(SeqCst), 1);
    assert_eq!(first.body.unwrap(), second.body.unwrap());

    // Another selection is another entry.
    assert_eq!(
        fetch(addr, "/user?fields=id&x=1").await.headers["x-cache"],
        "MISS"
    );
    assert_eq!(runs.load(SeqCst), 2);
    assert_eq!(cache.stats().hits, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn if_none_match_gets_a_304_without_a_body() {
    let runs = Arc::new(AtomicU64::new(0));
    let cache = ResponseCache::new();
    let addr = serve(counted(Arc::clone(&runs), Duration::ZERO).layer(cache.layer())).await;

    let first = fetch(addr, "/user?fields=id").await;
    let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "a strong ETag: {etag}"
    );

    let revalidated = get_with(addr, "/user?fields=id", &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert_eq!(revalidated.headers[header::ETAG], etag.as_str());
    assert!(revalidated.body.unwrap().is_empty());

    let weak = format!("\"nope\", W/{etag}");
    let revalidated = get_with(addr, "/user?fields=id", &[("if-none-match", &weak)]).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);

    let stale = get_with(addr, "/user?fields=id", &[("if-none-match", "\"other\"")]).await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.json(), json!({"id": 1}));
    assert_eq!(runs.load(SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_misses_run_the_handler_once() {
    let runs = Arc::new(AtomicU64::new(0));
    let cache = ResponseCache::new();
    let addr =
        serve(counted(Arc::clone(&runs), Duration::from_millis(300)).layer(cache.layer())).await;

    let replies =
        futures::future::join_all((0..16).map(|_| fetch(addr, "/user?fields=name"))).await;
    assert!(replies.iter().all(|reply| reply.status == StatusCode::OK));
    assert!(
        replies
            .iter()
            .all(|reply| reply.json() == json!({"name": "Ada"}))
    );
    assert_eq!(runs.load(SeqCst), 1);
    let misses = replies
        .iter()
        .filter(|r| r.headers["x-cache"] == "MISS")
        .count();
    assert_eq!(misses, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidating_a_tag_drops_its_entries() {
    let runs = Arc::new(AtomicU64::new(0));
    let cache = ResponseCache::new();
    let addr = serve(counted(Arc::clone(&runs), Duration::ZERO).layer(cache.layer())).await;

    fetch(addr, "/user?fields=id").await;
    fetch(addr, "/user?fields=name").await;
    assert_eq!(
        fetch(addr, "/user?fields=id").await.headers["x-cache"],
        "HIT"
    );
    cache.invalidate_tag("user:1");
    assert_eq!(
        fetch(addr, "/user?fields=id").await.headers["x-cache"],
        "MISS"
    );
    assert_eq!(
        fetch(addr, "/user?fields=name").await.headers["x-cache"],
        "MISS"
    );
    cache.invalidate_tag("someone-else");
    assert_eq!(
        fetch(addr, "/user?fields=name").await.headers["x-cache"],
        "HIT"
    );
    assert_eq!(runs.load(SeqCst), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cacheable_statuses_are_stored_and_credentials_bypass() {
    let runs = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&runs);
    let cache = ResponseCache::new();
    let app = Router::new()
        .route(
            "/missing",
            get(move || {
                counter.fetch_add(1, SeqCst);
                async { StatusCode::NOT_FOUND }
            }),
        )
        .merge(counted(Arc::clone(&runs), Duration::ZERO))
        .layer(cache.layer());
    let addr = serve(app).await;

    // 404 is cacheable by default (RFC 9111).
    assert_eq!(fetch(addr, "/missing").await.status, StatusCode::NOT_FOUND);
    let again = fetch(addr, "/missing").await;
    assert_eq!(
        (again.status, again.cache()),
        (StatusCode::NOT_FOUND, "HIT")
    );
    assert_eq!(runs.load(SeqCst), 1);
    // A bad selection is the handler's 400, never stored.
    assert_eq!(
        fetch(addr, "/user?fields=(").await.status,
        StatusCode::BAD_REQUEST
    );
    get_with(addr, "/user", &[("authorization", "Bearer a")]).await;
    let second = get_with(addr, "/user", &[("authorization", "Bearer b")]).await;
    assert_eq!(second.cache(), "BYPASS");
    assert_eq!(runs.load(SeqCst), 3);
}

/// A costly extractor, counted.
#[derive(Clone)]
struct CurrentUser(String);

static LOOKUPS: AtomicU64 = AtomicU64::new(0);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        LOOKUPS.fetch_add(1, SeqCst);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or(StatusCode::UNAUTHORIZED)?;
        Ok(Self(
            token
                .to_str()
                .unwrap()
                .trim_start_matches("Bearer ")
                .to_owned(),
        ))
    }
}

async fn audit(Memo(user): Memo<CurrentUser>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert("x-audited", user.0.parse().unwrap());
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn middleware_short_circuits_memoizes_and_switches() {
    let handled = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&handled);
    let app = |verbose: bool| {
        let counter = Arc::clone(&counter);
        Router::new()
            .route(
                "/me",
                get(move |Memo(user): Memo<CurrentUser>| {
                    counter.fetch_add(1, SeqCst);
                    async move { user.0 }
                }),
            )
            .layer(middleware::from_fn(audit))
            // One type whether on or off, though this layer changes nothing.
            .layer(when(
                verbose,
                middleware::map_response(|mut response: Response| async move {
                    response
                        .headers_mut()
                        .insert("x-verbose", "1".parse().unwrap());
                    response
                }),
            ))
            .layer(short_circuit(|request: &mut Request<Body>| {
                if request.headers().contains_key(header::AUTHORIZATION) {
                    None
                } else {
                    Some((StatusCode::UNAUTHORIZED, "sign in").into_response())
                }
            }))
    };
    let addr = serve(app(true)).await;

    let denied = fetch(addr, "/me").await;
    assert_eq!(denied.status, StatusCode::UNAUTHORIZED);
    assert_eq!(denied.body.unwrap(), "sign in");
    assert_eq!(handled.load(SeqCst), 0);
    assert_eq!(
        LOOKUPS.load(SeqCst),
        0,
        "the check answered before any extractor ran"
    );

    let allowed = get_with(addr, "/me", &[("authorization", "Bearer ada")]).await;
    assert_eq!(allowed.status, StatusCode::OK);
    assert_eq!(allowed.body.unwrap(), "ada");
    assert_eq!(allowed.headers["x-audited"], "ada");
    assert_eq!(allowed.headers["x-verbose"], "1");
    assert_eq!(
        LOOKUPS.load(SeqCst),
        1,
        "middleware and handler share one lookup"
    );

    let quiet = serve(app(false)).await;
    let reply = get_with(quiet, "/me", &[("authorization", "Bearer bob")]).await;
    assert_eq!(reply.body.unwrap(), "bob");
    assert!(!reply.headers.contains_key("x-verbose"));
    assert_eq!(LOOKUPS.load(SeqCst), 2);
}

/// `when` keeps a layer whose error type differs from the service's usable.
#[test]
fn a_conditional_layer_type_checks_on_and_off() {
    use tower_like::ErrorChanging;
    fn build(
        enabled: bool,
    ) -> impl tower_service::Service<u32, Response = u32, Error = tower_like::BoxError> {
        tower_layer::Layer::layer(&when(enabled, ErrorChanging), tower_like::Echo)
    }
    let mut on = build(true);
    let mut off = build(false);
    assert_eq!(
        futures::executor::block_on(tower_service::Service::call(&mut on, 1)).unwrap(),
        2
    );
    assert_eq!(
        futures::executor::block_on(tower_service::Service::call(&mut off, 1)).unwrap(),
        1
    );
}

mod tower_like {
    use std::convert::Infallible;
    use std::future::{Ready, ready};
    use std::task::{Context, Poll};

    /// A service that cannot fail.
    pub struct Echo;

    impl tower_service::Service<u32> for Echo {
        type Response = u32;
        type Error = Infallible;
        type Future = Ready<Result<u32, Infallible>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, request: u32) -> Self::Future {
            ready(Ok(request))
        }
    }

    pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

    /// A layer whose service fails with `BoxError`, as tower's timeouts do:
    /// with tower's `option_layer` the two arms would not have one type.
    pub struct ErrorChanging;

    pub struct Doubling<S>(S);

    impl<S> tower_layer::Layer<S> for ErrorChanging {
        type Service = Doubling<S>;
        fn layer(&self, inner: S) -> Doubling<S> {
            Doubling(inner)
        }
    }

    impl<S: tower_service::Service<u32, Response = u32, Error = Infallible>>
        tower_service::Service<u32> for Doubling<S>
    {
        type Response = u32;
        type Error = BoxError;
        type Future = Ready<Result<u32, BoxError>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, request: u32) -> Self::Future {
            ready(Ok(request * 2))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_computed_during_an_invalidation_is_not_stored() {
    let runs = Arc::new(AtomicU64::new(0));
    let cache = ResponseCache::new();
    let addr =
        serve(counted(Arc::clone(&runs), Duration::from_millis(300)).layer(cache.layer())).await;

    let slow = tokio::spawn(fetch(addr, "/user?fields=id"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The data changed while the handler was reading the old version.
    cache.invalidate_tag("users");
    assert_eq!(slow.await.unwrap().headers["x-cache"], "MISS");
    assert_eq!(
        fetch(addr, "/user?fields=id").await.headers["x-cache"],
        "MISS"
    );
    assert_eq!(
        fetch(addr, "/user?fields=id").await.headers["x-cache"],
        "HIT"
    );
    assert_eq!(runs.load(SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_entry_limit_passes_through_whole() {
    let runs = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&runs);
    let cache = ResponseCache::builder().max_entry_bytes(1000).build();
    let app = Router::new()
        .route(
            "/big",
            get(move || {
                counter.fetch_add(1, SeqCst);
                async { "x".repeat(5000) }
            }),
        )
        .layer(cache.layer());
    let addr = serve(app).await;

    for _ in 0..2 {
        let reply = fetch(addr, "/big").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body.as_ref().unwrap().len(), 5000);
        assert_eq!(reply.cache(), "MISS");
    }
    assert_eq!(runs.load(SeqCst), 2);
    assert_eq!(cache.stats().stores, 0);
}
