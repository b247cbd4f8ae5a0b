//! `#[cached]` on a warm key, side by side with the same memoization written by
//! hand on moka, with the `cached` crate, and with a control that does no caching.
//!
//! Each contender is an `async fn (u64, &str) -> String`, polled once with a no-op
//! waker. `cargo bench -p unokit-benches --bench cached`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::LazyLock;
use std::time::Duration;
use unokit_benches::{run, split_over_threads};

const ID: u64 = 7;
const NAME: &str = "ada lovelace";

fn compute(id: u64, name: &str) -> String {
    format!("user {id}: {name}")
}

#[unokit::cached(capacity = 10_000)]
async fn unokit_cached(id: u64, name: &str) -> String {
    compute(id, name)
}

static HAND: LazyLock<moka::future::Cache<(u64, String), String>> =
    LazyLock::new(|| moka::future::Cache::new(10_000));

/// What an expert writes without a macro: an owned key, moka's future cache, a cloned value.
async fn hand_written_moka(id: u64, name: &str) -> String {
    let key = (id, name.to_owned());
    if let Some(hit) = HAND.get(&key).await {
        return hit;
    }
    let value = compute(id, name);
    HAND.insert(key, value.clone()).await;
    value
}

#[cached::proc_macro::cached(key = "(u64, String)", convert = r#"{ (id, name.to_owned()) }"#)]
async fn cached_crate(id: u64, name: &str) -> String {
    compute(id, name)
}

#[cached::proc_macro::cached(
    key = "(u64, String)",
    convert = r#"{ (id, name.to_owned()) }"#,
    unsync_reads = true
)]
async fn cached_crate_unsync_reads(id: u64, name: &str) -> String {
    compute(id, name)
}

static CONTROL_VALUE: LazyLock<String> = LazyLock::new(|| compute(ID, NAME));

/// The floor: builds the owned key a cache would need and clones the value, caching nothing.
async fn control(id: u64, name: &str) -> String {
    let key = (id, name.to_owned());
    black_box(&key);
    CONTROL_VALUE.clone()
}

macro_rules! contenders {
    ($($name:literal => $function:path),* $(,)?) => {
        [$(($name, (|| { black_box(run($function(black_box(ID), black_box(NAME)))); }) as fn())),*]
    };
}

fn contenders() -> [(&'static str, fn()); 5] {
    contenders![
        "unokit" => unokit_cached,
        "hand_written_moka" => hand_written_moka,
        "cached_crate" => cached_crate,
        "cached_crate_unsync_reads" => cached_crate_unsync_reads,
        "control_no_cache" => control,
    ]
}

fn warm_hit(c: &mut Criterion) {
    let mut group = c.benchmark_group("cached/warm_hit");
    for (name, call) in contenders() {
        call();
        group.bench_function(name, |b| b.iter(call));
    }
    group.finish();
}

/// Throughput on one hot key with 1 and 2 threads: time per call over all threads.
fn hot_key_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("cached/hot_key_threads");
    for (name, call) in contenders() {
        call();
        for threads in [1, 2] {
            group.bench_function(BenchmarkId::new(name, threads), |b| {
                b.iter_custom(|iterations| split_over_threads(threads, iterations, call));
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = warm_hit, hot_key_threads
}
criterion_main!(benches);
