//! `fields` is canonicalized in the cache key only on routes whose handler reads
//! a selection: elsewhere it is a query parameter like any other.

use crate::support::{fetch, serve};
use axum::Router;
use axum::extract::RawQuery;
use axum::routing::get;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use unokit::http::ResponseCache;

/// A route that echoes its raw query: `fields=a,b` and `fields=b,a` are two
/// different answers here.
fn echo(runs: Arc<AtomicU64>) -> Router {
    Router::new().route(
        "/echo",
        get(move |RawQuery(query): RawQuery| {
            runs.fetch_add(1, SeqCst);
            async move { query.unwrap_or_default() }
        }),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_on_a_route_without_a_selection_is_keyed_as_sent() {
    let runs = Arc::new(AtomicU64::new(0));
    let cache = ResponseCache::new();
    let addr = serve(echo(Arc::clone(&runs)).layer(cache.layer())).await;

    let first = fetch(addr, "/echo?fields=a,b").await;
    assert_eq!(first.headers["x-cache"], "MISS");
    let second = fetch(addr, "/echo?fields=b,a").await;
    assert_eq!(
        second.headers["x-cache"], "MISS",
        "another query, another entry"
    );
    assert_eq!(second.body.unwrap(), "fields=b,a");
    assert_eq!(
        fetch(addr, "/echo?fields=a,b").await.headers["x-cache"],
        "HIT"
    );

    // Not a selection here, so not refused as one: cached like any query.
    assert_eq!(
        fetch(addr, "/echo?fields=a,(").await.headers["x-cache"],
        "MISS"
    );
    let again = fetch(addr, "/echo?fields=a,(").await;
    assert_eq!(again.headers["x-cache"], "HIT");
    assert_eq!(again.body.unwrap(), "fields=a,(");
    assert_eq!(runs.load(SeqCst), 3);
}
