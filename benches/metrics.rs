//! The cost of what `unokit::metrics` records as it happens, side by side with
//! a bare `metrics::counter!` increment through the same Prometheus recorder
//! and an `AtomicU64` add (the floor): a recorded increment must stay within
//! 20 ns. Also a site while nothing records (before the exporter is
//! installed: one relaxed load), and a render of 20 watched caches.
//!
//! `cargo bench -p unokit-benches --bench metrics`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};
use unokit::metrics::{Exporter, bench};

#[unokit::cached]
fn square(n: u64) -> u64 {
    n * n
}

fn record(c: &mut Criterion) {
    let mut group = c.benchmark_group("metrics");
    // First, while no exporter records: every site is one relaxed load.
    group.bench_function("off: DI scope count, nothing recording", |b| {
        b.iter(bench::count_scope);
    });
    let exporter = Exporter::install().expect("the only recorder");

    let atomic = AtomicU64::new(0);
    group.bench_function("AtomicU64 fetch_add", |b| {
        b.iter(|| black_box(&atomic).fetch_add(1, Relaxed));
    });
    group.bench_function("bare metrics::counter!(\"x\").increment(1)", |b| {
        b.iter(|| metrics::counter!("bench_bare_total").increment(1));
    });
    let kept = metrics::counter!("bench_kept_total");
    group.bench_function("kept metrics::Counter increment(1)", |b| {
        b.iter(|| black_box(&kept).increment(1));
    });
    group.bench_function("unokit: DI scope count (kept counter)", |b| {
        b.iter(bench::count_scope);
    });
    // A histogram keeps its samples until a render or the upkeep folds them
    // into its summary: each sample's batch of iterations is followed by a
    // render, untimed, so that memory stays bounded.
    group.bench_function("unokit: pool wait (kept histogram)", |b| {
        b.iter_custom(|iterations| {
            let start = Instant::now();
            for _ in 0..iterations {
                bench::record_pool_wait(black_box(Duration::from_micros(250)));
            }
            let took = start.elapsed();
            drop(exporter.render());
            took
        });
    });
    group.bench_function("unokit: batch (type-name lookup + 2 samples)", |b| {
        b.iter_custom(|iterations| {
            let start = Instant::now();
            for _ in 0..iterations {
                bench::record_batch(black_box(100), black_box(Duration::from_micros(800)));
            }
            let took = start.elapsed();
            drop(exporter.render());
            took
        });
    });

    for index in 0..20 {
        unokit::metrics::watch_cache(&format!("cache{index}"), || square_cache().stats());
    }
    square(black_box(3));
    group.bench_function("render: 20 watched caches", |b| {
        b.iter(|| black_box(exporter.render()));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2));
    targets = record
}
criterion_main!(benches);
