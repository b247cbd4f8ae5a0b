//! The Redis tier (`unokit::cache::l2`), side by side with hand-written code on
//! the same connection:
//!
//! - `l2/codec`: encoding and decoding a 20-field struct and a 100-element
//!   list with MessagePack (the tier's codec) against `serde_json` and
//!   `postcard`; the encoded sizes are printed;
//! - `l2/hit`: a tier hit against a hand-written `GET` + MessagePack decode,
//!   and against the `cached` crate's `AsyncRedisCache` (its connection
//!   manager, the same value); a hit of an entry with tags (one `MGET` of
//!   their invalidation times more);
//! - `l2/100 keys`: one `MGET` against 100 sequential `GET`s;
//! - `l2/breaker open`: a call while the breaker skips Redis;
//! - `l2/L1 hit`: a hit in the process of an `#[cached(l2)]` function against a
//!   plain `#[cached]` one (no Redis asked: a hit never leaves the process).
//!
//! The Redis rows need the server at `UNOKIT_TEST_REDIS_URL` (default
//! `redis://127.0.0.1:6379`) and are skipped when it does not answer.
//! `cargo bench -p unokit-benches --bench l2`.

use cached::ConcurrentCachedAsync as _;
use criterion::{Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::time::Duration;
use unokit::cache::l2::{RedisTier, Space, TierConfig};

#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
struct Wide {
    id: u64,
    name: String,
    email: String,
    active: bool,
    score: f64,
    age: u32,
    city: String,
    country: String,
    zip: String,
    phone: Option<String>,
    created: u64,
    updated: u64,
    tags: Vec<String>,
    rank: i32,
    ratio: f32,
    bio: String,
    avatar: Option<String>,
    followers: u64,
    following: u64,
    verified: bool,
}

fn wide(id: u64) -> Wide {
    Wide {
        id,
        name: format!("User {id}"),
        email: format!("user{id}@example.com"),
        active: true,
        score: 0.75,
        age: 37,
        city: "Lisbon".into(),
        country: "PT".into(),
        zip: "1100-148".into(),
        phone: Some("+351 21 000 0000".into()),
        created: 1_700_000_000,
        updated: 1_700_000_500,
        tags: vec!["admin".into(), "beta".into()],
        rank: -3,
        ratio: 1.5,
        bio: "Writes about caches.".into(),
        avatar: None,
        followers: 1234,
        following: 56,
        verified: false,
    }
}

fn codec(c: &mut Criterion) {
    let one = wide(7);
    let list: Vec<u64> = (0..100).map(|n| n * 1_000_003).collect();
    let sizes = [
        (
            "MessagePack",
            rmp_serde::to_vec(&one).unwrap().len(),
            rmp_serde::to_vec(&list).unwrap().len(),
        ),
        (
            "serde_json",
            serde_json::to_vec(&one).unwrap().len(),
            serde_json::to_vec(&list).unwrap().len(),
        ),
        (
            "postcard",
            postcard::to_allocvec(&one).unwrap().len(),
            postcard::to_allocvec(&list).unwrap().len(),
        ),
    ];
    for (name, struct_bytes, list_bytes) in sizes {
        println!(
            "l2/codec sizes: {name}: 20-field struct {struct_bytes} B, 100 u64 {list_bytes} B"
        );
    }
    let mut group = c.benchmark_group("l2/codec");
    group.bench_function("MessagePack, 20-field struct, encode+decode", |b| {
        b.iter(|| {
            rmp_serde::from_slice::<Wide>(&rmp_serde::to_vec(black_box(&one)).unwrap()).unwrap()
        });
    });
    group.bench_function("serde_json, 20-field struct, encode+decode", |b| {
        b.iter(|| {
            serde_json::from_slice::<Wide>(&serde_json::to_vec(black_box(&one)).unwrap()).unwrap()
        });
    });
    group.bench_function("postcard, 20-field struct, encode+decode", |b| {
        b.iter(|| {
            postcard::from_bytes::<Wide>(&postcard::to_allocvec(black_box(&one)).unwrap()).unwrap()
        });
    });
    group.bench_function("MessagePack, 100 u64, encode+decode", |b| {
        b.iter(|| {
            rmp_serde::from_slice::<Vec<u64>>(&rmp_serde::to_vec(black_box(&list)).unwrap())
                .unwrap()
        });
    });
    group.bench_function("serde_json, 100 u64, encode+decode", |b| {
        b.iter(|| {
            serde_json::from_slice::<Vec<u64>>(&serde_json::to_vec(black_box(&list)).unwrap())
                .unwrap()
        });
    });
    group.bench_function("postcard, 100 u64, encode+decode", |b| {
        b.iter(|| {
            postcard::from_bytes::<Vec<u64>>(&postcard::to_allocvec(black_box(&list)).unwrap())
                .unwrap()
        });
    });
    group.finish();
}

fn redis_url() -> String {
    std::env::var("UNOKIT_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn tier_rows(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = redis_url();
    let Some((tier, mut raw, peer)) = runtime.block_on(async {
        let tier = RedisTier::new(TierConfig::new(&url)).ok()?;
        let client = redis::Client::open(url.as_str()).ok()?;
        let raw = tokio::time::timeout(
            Duration::from_secs(1),
            client.get_multiplexed_async_connection(),
        )
        .await
        .ok()?
        .ok()?;
        // The `cached` crate's async Redis store, on a connection manager as
        // the tier's.
        let peer = cached::AsyncRedisCache::<u64, Wide>::builder(format!(
            "unokit-bench-peer:{}:",
            std::process::id()
        ))
        .connection_string(&url)
        .connection_manager(true)
        .ttl(Duration::from_secs(600))
        .build()
        .await
        .ok()?;
        Some((tier, raw, peer))
    }) else {
        println!("l2: Redis at {url} does not answer; the Redis rows are skipped");
        return;
    };
    let space = Space::new(&format!("unokit-bench:{}", std::process::id()), 1);
    runtime.block_on(async {
        for id in 0..100_u64 {
            tier.put(
                &space,
                &id,
                &wide(id),
                Duration::from_secs(600),
                Duration::ZERO,
            )
            .await;
        }
        // The hand-written baseline reads plain MessagePack values.
        let () = redis::cmd("SET")
            .arg("unokit-bench:plain:7")
            .arg(rmp_serde::to_vec(&wide(7)).unwrap())
            .query_async(&mut raw)
            .await
            .unwrap();
        peer.async_cache_set(7, wide(7)).await.unwrap();
        // An entry with two tags: its read asks their times too.
        let tags = ["bench:user:8".to_owned(), "bench:team:1".to_owned()];
        tier.put_tagged(
            &space,
            &8_u64,
            &wide(8),
            Duration::from_secs(600),
            Duration::ZERO,
            &tags,
        )
        .await;
    });

    let mut group = c.benchmark_group("l2/hit");
    group.bench_function("unokit RedisTier::get", |b| {
        b.iter(|| {
            runtime
                .block_on(tier.get::<u64, Wide>(&space, black_box(&7)))
                .unwrap()
        });
    });
    group.bench_function("unokit RedisTier::get, entry with 2 tags", |b| {
        b.iter(|| {
            runtime
                .block_on(tier.get::<u64, Wide>(&space, black_box(&8)))
                .unwrap()
        });
    });
    group.bench_function("hand-written GET + MessagePack decode", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let bytes: Vec<u8> = redis::cmd("GET")
                    .arg("unokit-bench:plain:7")
                    .query_async(&mut raw)
                    .await
                    .unwrap();
                rmp_serde::from_slice::<Wide>(&bytes).unwrap()
            })
        });
    });
    group.bench_function("cached::AsyncRedisCache::async_cache_get", |b| {
        b.iter(|| {
            runtime
                .block_on(peer.async_cache_get(black_box(&7)))
                .unwrap()
                .unwrap()
        });
    });
    group.finish();

    let keys: Vec<u64> = (0..100).collect();
    let mut group = c.benchmark_group("l2/100 keys");
    group.bench_function("one MGET (get_many)", |b| {
        b.iter(|| runtime.block_on(tier.get_many::<u64, Wide>(&space, black_box(&keys))));
    });
    group.bench_function("100 sequential GETs (get)", |b| {
        b.iter(|| {
            runtime.block_on(async {
                for key in &keys {
                    black_box(tier.get::<u64, Wide>(&space, key).await);
                }
            });
        });
    });
    group.finish();

    // Nothing listens on port 1: five refused connections open the breaker.
    let down = runtime.block_on(async {
        let down = RedisTier::new(
            TierConfig::new("redis://127.0.0.1:1").with_breaker(5, Duration::from_secs(3600)),
        )
        .unwrap();
        for _ in 0..5 {
            let _ = down.get::<u64, Wide>(&space, &7).await;
        }
        down
    });
    let mut group = c.benchmark_group("l2/breaker open");
    group.bench_function("RedisTier::get, skipped", |b| {
        b.iter(|| unokit_benches::run(down.get::<u64, Wide>(&space, black_box(&7))));
    });
    group.finish();
}

#[unokit::cached(ttl = "10m")]
async fn plain_cached(id: u64) -> String {
    format!("user {id}")
}

#[unokit::cached(l2, ttl = "10m")]
async fn l2_cached(id: u64) -> String {
    format!("user {id}")
}

fn l1_hit(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let _entered = runtime.enter();
    // Warm: no tier is installed, so the misses ran on the process alone.
    for id in 0..1_000 {
        unokit_benches::run(plain_cached(id));
        unokit_benches::run(l2_cached(id));
    }
    assert_eq!(l2_cached_cache().stats().l2_unavailable, 1_000);
    let mut group = c.benchmark_group("l2/L1 hit");
    for (column, keys) in [("hot key", 1_u64), ("1000 keys", 1_000)] {
        group.bench_function(format!("#[cached], {column}"), |b| {
            let mut id = 0;
            b.iter(|| {
                id = (id + 1) % keys;
                unokit_benches::run(plain_cached(black_box(id)))
            });
        });
        group.bench_function(format!("#[cached(l2)], {column}"), |b| {
            let mut id = 0;
            b.iter(|| {
                id = (id + 1) % keys;
                unokit_benches::run(l2_cached(black_box(id)))
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = codec, tier_rows, l1_hit
}
criterion_main!(benches);
