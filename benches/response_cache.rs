//! Stores per second of the response cache as it holds more entries and more
//! tags per entry: every request has a key of its own (a cache-busting query
//! parameter), so each one runs the handler and stores its response. Storing
//! must cost the same at 1 k, 10 k and 100 k entries (the tag index is updated
//! per entry, never swept). Each sample's entries are invalidated, untimed,
//! after it, so the cache stays at its size.
//! `cargo bench -p unokit-benches --bench response_cache`.

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use http::{Request, Uri};
use std::time::{Duration, Instant};
use tower_service::Service;
use unokit::http::{CacheTags, ResponseCache};

/// A handler tagging its response with `tags` tags: the entry's own, one
/// shared by all, the others shared by fewer and fewer entries.
fn app(cache: &ResponseCache, tags: usize) -> Router {
    Router::new()
        .route(
            "/items",
            get(move |uri: Uri| async move {
                let at: u64 = uri
                    .query()
                    .and_then(|query| query.strip_prefix("at="))
                    .and_then(|at| at.parse().ok())
                    .unwrap_or_default();
                let names = (0..tags).map(|level| match level {
                    0 => format!("item:{at}"),
                    1 => "items".to_owned(),
                    _ => format!("group{level}:{}", at % 10_u64.pow(level as u32)),
                });
                (CacheTags::new(names), "{\"id\":1,\"name\":\"an item\"}")
            }),
        )
        .layer(cache.layer())
}

fn request(router: &mut Router, runtime: &tokio::runtime::Runtime, at: u64) {
    let request = Request::get(format!("/items?at={at}"))
        .body(Body::empty())
        .expect("a valid request");
    let response = runtime
        .block_on(router.call(request))
        .expect("the router is infallible");
    assert_eq!(response.headers()["x-cache"], "MISS");
}

fn stores(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let mut group = c.benchmark_group("response_cache_store");
    group.throughput(Throughput::Elements(1));
    for entries in [1_000_u64, 10_000, 100_000] {
        for tags in [1, 3, 8] {
            let cache = ResponseCache::builder()
                .max_bytes(1 << 34)
                .ttl(Duration::from_secs(3600))
                .build();
            let mut router = app(&cache, tags);
            for at in 0..entries {
                request(&mut router, &runtime, at);
            }
            let mut next = entries;
            let id = BenchmarkId::new(format!("{tags}_tags"), entries);
            group.bench_function(id, |b| {
                b.iter_custom(|iters| {
                    let first = next;
                    let start = Instant::now();
                    for _ in 0..iters {
                        request(&mut router, &runtime, next);
                        next += 1;
                    }
                    let elapsed = start.elapsed();
                    for at in first..next {
                        cache.invalidate_tag(&format!("item:{at}"));
                    }
                    elapsed
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, stores);
criterion_main!(benches);
