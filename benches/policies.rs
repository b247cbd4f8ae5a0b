//! The cost of `#[cached]`'s freshness policies, side by side with the plain
//! cache in one run.
//!
//! - `policies/hit`: a hit with `refresh_ahead` against today's plain hit, with
//!   and without a time to live (refresh-ahead needs one): one hot key and 1 000
//!   keys drawn uniformly, every key warm and far from its refresh point. The goal
//!   is ≤ 1.1× the plain hit with a time to live. `hot_keys` is that hit with
//!   hot-key tracking (`prewarm = 1000`), whose goal is ≤ 1.05×;
//!   `refresh_ahead_hot_keys` both.
//! - `policies/failing_source`: 100 keys whose source fails after they expired;
//!   the time per request with `stale_if_error` (served stale, the source asked
//!   once per key and back-off) against without (every request runs the body and
//!   returns its error), and, printed, how many of 10 000 requests were served.
//!
//! - `policies/batch_hit`: a `#[batch_load]` loader's hit on its moka cache
//!   (`ttl`) with each of its policies against none, 1 000 warm keys drawn
//!   uniformly.
//!
//! `cargo bench -p unokit-benches --bench policies`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;
use unokit_benches::run;

const NAME: &str = "ada lovelace";

fn compute(id: u64, name: &str) -> String {
    format!("user {id}: {name}")
}

#[unokit::cached(capacity = 200_000)]
async fn plain(id: u64, name: &str) -> String {
    compute(id, name)
}

#[unokit::cached(capacity = 200_000, ttl = "1h")]
async fn plain_ttl(id: u64, name: &str) -> String {
    compute(id, name)
}

#[unokit::cached(capacity = 200_000, ttl = "1h", refresh_ahead = 0.8)]
async fn refresh_ahead(id: u64, name: &str) -> String {
    compute(id, name)
}

/// The plain hit with a time to live, counting hot keys for pre-warming.
#[unokit::cached(capacity = 200_000, ttl = "1h", prewarm = 1_000)]
async fn hot_keys(id: u64, name: &str) -> String {
    compute(id, name)
}

/// Refresh-ahead for hot keys only, which it asks the count of on each refresh.
#[unokit::cached(capacity = 200_000, ttl = "1h", refresh_ahead = 0.8, prewarm = 1_000)]
async fn refresh_ahead_hot(id: u64, name: &str) -> String {
    compute(id, name)
}

type Contender = (&'static str, fn(u64));

fn contenders() -> [Contender; 5] {
    [
        ("plain", |id| {
            black_box(run(plain(black_box(id), black_box(NAME))));
        }),
        ("plain_ttl", |id| {
            black_box(run(plain_ttl(black_box(id), black_box(NAME))));
        }),
        ("refresh_ahead", |id| {
            black_box(run(refresh_ahead(black_box(id), black_box(NAME))));
        }),
        ("hot_keys", |id| {
            black_box(run(hot_keys(black_box(id), black_box(NAME))));
        }),
        ("refresh_ahead_hot_keys", |id| {
            black_box(run(refresh_ahead_hot(black_box(id), black_box(NAME))));
        }),
    ]
}

/// 1 000 keys drawn uniformly by SplitMix64, precomputed.
fn uniform(keys: u64) -> Vec<u64> {
    let mut state = keys;
    (0..1 << 16)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) % keys
        })
        .collect()
}

fn hits(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let _context = runtime.enter();
    let mut group = c.benchmark_group("policies/hit");
    for (column, draws) in [("1_key", vec![7]), ("1000_uniform", uniform(1_000))] {
        for &(_, call) in &contenders() {
            draws.iter().copied().for_each(call);
        }
        for &(name, call) in &contenders() {
            group.bench_function(BenchmarkId::new(name, column), |b| {
                let mut next = 0_usize;
                b.iter(|| {
                    call(draws[next % draws.len()]);
                    next = next.wrapping_add(1);
                });
            });
        }
    }
    group.finish();
}

static DOWN: AtomicBool = AtomicBool::new(false);

async fn source(id: u64) -> Result<String, String> {
    if DOWN.load(Relaxed) {
        Err(format!("database down for {id}"))
    } else {
        Ok(compute(id, NAME))
    }
}

#[unokit::cached(ttl = "100ms")]
async fn without_fail_safe(id: u64) -> Result<String, String> {
    source(id).await
}

#[unokit::cached(ttl = "100ms", stale_if_error = "1h", error_backoff = "1h")]
async fn with_fail_safe(id: u64) -> Result<String, String> {
    source(id).await
}

const KEYS: u64 = 100;

/// A contender's name and a request on one key: whether it was served.
type Served = (&'static str, fn(u64) -> bool);

fn failing_source(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let _context = runtime.enter();
    let contenders: [Served; 2] = [
        ("without_stale_if_error", |id| {
            run(without_fail_safe(black_box(id))).is_ok()
        }),
        ("with_stale_if_error", |id| {
            run(with_fail_safe(black_box(id))).is_ok()
        }),
    ];
    for &(_, call) in &contenders {
        (0..KEYS).for_each(|id| {
            call(id);
        });
    }
    DOWN.store(true, Relaxed);
    std::thread::sleep(Duration::from_millis(300));
    for &(name, call) in &contenders {
        let served = (0..10_000).filter(|&request| call(request % KEYS)).count();
        println!("policies/failing_source/{name}: {served} of 10000 requests served");
    }
    let mut group = c.benchmark_group("policies/failing_source");
    for &(name, call) in &contenders {
        group.bench_function(name, |b| {
            let mut next = 0_u64;
            b.iter(|| {
                black_box(call(next % KEYS));
                next = next.wrapping_add(1);
            });
        });
    }
    group.finish();
}

fn names(ids: &[u64]) -> Result<HashMap<u64, String>, String> {
    Ok(ids.iter().map(|&id| (id, compute(id, NAME))).collect())
}

#[unokit::batch_load(ttl = "1h", capacity = 10_000)]
async fn names_ttl(ids: &[u64]) -> Result<HashMap<u64, String>, String> {
    names(ids)
}

#[unokit::batch_load(ttl = "1h", capacity = 10_000, jitter = "10%")]
async fn names_jitter(ids: &[u64]) -> Result<HashMap<u64, String>, String> {
    names(ids)
}

#[unokit::batch_load(ttl = "1h", capacity = 10_000, stale_if_error = "1h")]
async fn names_stale(ids: &[u64]) -> Result<HashMap<u64, String>, String> {
    names(ids)
}

#[unokit::batch_load(ttl = "1h", capacity = 10_000, refresh_ahead = 0.8)]
async fn names_refresh(ids: &[u64]) -> Result<HashMap<u64, String>, String> {
    names(ids)
}

fn batch_hits(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let _context = runtime.enter();
    let ttl = NamesTtlLoader::new();
    let jitter = NamesJitterLoader::new();
    let stale = NamesStaleLoader::new();
    let refresh = NamesRefreshLoader::new();
    let keys: Vec<u64> = (0..1_000).collect();
    runtime.block_on(async {
        ttl.load_many(keys.clone()).await.expect("warm");
        jitter.load_many(keys.clone()).await.expect("warm");
        stale.load_many(keys.clone()).await.expect("warm");
        refresh.load_many(keys.clone()).await.expect("warm");
    });
    let draws = uniform(1_000);
    let mut group = c.benchmark_group("policies/batch_hit");
    let mut bench = |name: &str, load: &dyn Fn(u64) -> Option<String>| {
        group.bench_function(name, |b| {
            let mut next = 0_usize;
            b.iter(|| {
                black_box(load(draws[next % draws.len()]));
                next = next.wrapping_add(1);
            });
        });
    };
    bench("ttl", &|id| run(ttl.load(id)).expect("a hit"));
    bench("jitter", &|id| run(jitter.load(id)).expect("a hit"));
    bench("stale_if_error", &|id| run(stale.load(id)).expect("a hit"));
    bench("refresh_ahead", &|id| run(refresh.load(id)).expect("a hit"));
    group.finish();
    assert_eq!(
        ttl.stats().batches,
        1,
        "every load after the warm-up was a hit"
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = hits, failing_source, batch_hits
}
criterion_main!(benches);
