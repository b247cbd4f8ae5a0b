//! `#[cached]` hits side by side with the same memoization written by hand on
//! moka (`future` and `sync`), with the `cached` crate (default and
//! `unsync_reads`), and with a control that does no caching.
//!
//! Each contender is a `(u64, &str) -> String` (`async` but for moka's sync
//! cache), on warm keys, polled once with a no-op waker inside a multi-thread
//! tokio runtime's context. Columns: one hot key; 1 000, 100 000 and 1 000 000
//! keys drawn uniformly; 100 000 and 1 000 000 keys drawn from Zipf(1.0). The
//! draws are precomputed, so the loop pays only an index into them. Every cache
//! holds all the keys: what is measured is a hit. `cargo bench -p unokit-benches --bench cached`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::LazyLock;
use std::time::Duration;
use unokit_benches::{run, split_over_threads};

const NAME: &str = "ada lovelace";
const HOT: u64 = 7;
/// Above the largest column, so that every key stays cached.
const CAPACITY: u64 = 2_000_000;

fn compute(id: u64, name: &str) -> String {
    format!("user {id}: {name}")
}

#[unokit::cached(capacity = 2_000_000)]
async fn unokit_cached(id: u64, name: &str) -> String {
    compute(id, name)
}

static HAND: LazyLock<moka::future::Cache<(u64, String), String>> =
    LazyLock::new(|| moka::future::Cache::new(CAPACITY));

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

static HAND_SYNC: LazyLock<moka::sync::Cache<(u64, String), String>> =
    LazyLock::new(|| moka::sync::Cache::new(CAPACITY));

/// The same on moka's sync cache, which never awaits.
fn hand_written_moka_sync(id: u64, name: &str) -> String {
    let key = (id, name.to_owned());
    if let Some(hit) = HAND_SYNC.get(&key) {
        return hit;
    }
    let value = compute(id, name);
    HAND_SYNC.insert(key, value.clone());
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

static CONTROL_VALUE: LazyLock<String> = LazyLock::new(|| compute(HOT, NAME));

/// The floor: builds the owned key a cache would need and clones the value, caching nothing.
async fn control(id: u64, name: &str) -> String {
    let key = (id, name.to_owned());
    black_box(&key);
    CONTROL_VALUE.clone()
}

macro_rules! contenders {
    ($($name:literal => $call:expr),* $(,)?) => {
        [$(($name, (|id: u64| { black_box($call(black_box(id), black_box(NAME))); }) as fn(u64))),*]
    };
}

/// A contender's name and a call on one key.
type Contender = (&'static str, fn(u64));

fn contenders() -> [Contender; 6] {
    contenders![
        "unokit" => |id, name| run(unokit_cached(id, name)),
        "hand_written_moka_future" => |id, name| run(hand_written_moka(id, name)),
        "hand_written_moka_sync" => hand_written_moka_sync,
        "cached_crate" => |id, name| run(cached_crate(id, name)),
        "cached_crate_unsync_reads" => |id, name| run(cached_crate_unsync_reads(id, name)),
        "control_no_cache" => |id, name| run(control(id, name)),
    ]
}

/// SplitMix64: a fixed, dependency-free source for the precomputed draws.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    #[allow(clippy::cast_precision_loss)]
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }
}

/// How many draws each column precomputes: a power of two, far more than the keys.
const DRAWS: usize = 1 << 20;

fn uniform(keys: u64) -> Vec<u64> {
    let mut rng = SplitMix(keys);
    (0..DRAWS).map(|_| rng.next() % keys).collect()
}

/// Zipf(1.0) over `keys` ranks, by inverting the cumulative weights `1/k`.
#[allow(clippy::cast_precision_loss)]
fn zipf(keys: u64) -> Vec<u64> {
    let mut cumulative = Vec::with_capacity(usize::try_from(keys).expect("fits"));
    let mut total = 0.0;
    for rank in 1..=keys {
        total += 1.0 / rank as f64;
        cumulative.push(total);
    }
    let mut rng = SplitMix(42);
    (0..DRAWS)
        .map(|_| {
            let target = rng.unit() * total;
            cumulative.partition_point(|&weight| weight < target) as u64
        })
        .collect()
}

fn columns() -> Vec<(&'static str, u64, Vec<u64>)> {
    vec![
        ("1_key", 1, vec![HOT]),
        ("1000_uniform", 1_000, uniform(1_000)),
        ("100000_uniform", 100_000, uniform(100_000)),
        ("100000_zipf", 100_000, zipf(100_000)),
        ("1000000_uniform", 1_000_000, uniform(1_000_000)),
        ("1000000_zipf", 1_000_000, zipf(1_000_000)),
    ]
}

fn hits(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let _context = runtime.enter();
    let contenders = contenders();
    let mut group = c.benchmark_group("cached/hit");
    for (column, keys, draws) in columns() {
        for &(_, call) in &contenders {
            (0..keys).for_each(call);
            call(HOT);
        }
        let mask = draws.len().next_power_of_two() - 1;
        for &(name, call) in &contenders {
            group.bench_function(BenchmarkId::new(name, column), |b| {
                let mut next = 0_usize;
                b.iter(|| {
                    // Columns shorter than a power of two (the one hot key) repeat their last draw.
                    let id = draws[(next & mask).min(draws.len() - 1)];
                    next = next.wrapping_add(1);
                    call(id);
                });
            });
        }
    }
    group.finish();
}

/// Throughput on one hot key with 1 and 2 threads: time per call over all threads.
fn hot_key_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("cached/hot_key_threads");
    for (name, call) in contenders() {
        call(HOT);
        for threads in [1, 2] {
            group.bench_function(BenchmarkId::new(name, threads), |b| {
                b.iter_custom(|iterations| split_over_threads(threads, iterations, || call(HOT)));
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = hits, hot_key_threads
}
criterion_main!(benches);
