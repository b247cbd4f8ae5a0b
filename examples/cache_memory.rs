//! The response cache's resident memory against its cap: fills a cache
//! capped at 64 MiB with unique-key responses through the layer (three tags
//! each), to four times the cap, and prints the resident memory it added as a
//! multiple of the cap. Linux only (reads `/proc/self/statm`).
//!
//! ```sh
//! cargo run --release --example cache_memory --features axum -- BODY_BYTES KEY_BYTES
//! ```

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::{Request, Uri};
use tower_service::Service;
use unokit::http::{CacheTags, ResponseCache};

const CAP: u64 = 64 << 20;

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|pages| pages.parse().ok())
        .expect("statm's second field");
    pages * 4096
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|arg| arg.parse::<usize>().expect("a number"));
    let body_bytes = args.next().unwrap_or(1024);
    let key_bytes = args.next().unwrap_or(16);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let before = resident_bytes();
    let cache = ResponseCache::builder().max_bytes(CAP).build();
    let body = "x".repeat(body_bytes);
    let mut router = Router::new()
        .route(
            "/items",
            get(move |uri: Uri| {
                let body = body.clone();
                async move {
                    let at = uri.query().unwrap_or_default().len();
                    let tags = CacheTags::new([
                        "items".to_owned(),
                        format!("group:{}", at % 100),
                        format!(
                            "item:{}",
                            uri.query()
                                .unwrap_or_default()
                                .get(..24)
                                .unwrap_or_default()
                        ),
                    ]);
                    (tags, body)
                }
            }),
        )
        .layer(cache.layer());
    let padding = "p".repeat(key_bytes);
    let per_entry = (body_bytes + key_bytes) as u64 + 1;
    let count = 4 * CAP / per_entry;
    for at in 0..count {
        let request = Request::get(format!("/items?at={at:020}&pad={padding}"))
            .body(Body::empty())
            .expect("a valid request");
        let response = runtime.block_on(router.call(request)).expect("infallible");
        assert_eq!(response.headers()["x-cache"], "MISS");
    }
    let added = resident_bytes().saturating_sub(before);
    let stats = cache.stats();
    println!(
        "body {body_bytes} B, key ~{key_bytes} B: {count} stores, {} entries, resident +{:.1} MiB = {:.2}x the {} MiB cap",
        stats.entries,
        added as f64 / f64::from(1 << 20),
        added as f64 / CAP as f64,
        CAP >> 20,
    );
}
