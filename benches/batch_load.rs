//! Batch loading, in one run.
//!
//! Relations: the blog fixture (100 posts, each with an author and 10 comments,
//! each comment with an author) from a SQLite file database, three levels deep:
//! the naive N+1 loop (1201 statements), hand-written batching (4), unokit eager
//! (4), unokit lazy from 100 concurrent tasks (4), unokit concurrent hops (4,
//! sent at once), unokit nested (4, each hop's statement stepped on the
//! caller's thread; and in one statement, the tree as one JSON document) and
//! Diesel's `belonging_to` + `grouped_by` (4, on its own synchronous
//! connection to the same file).
//!
//! `BatchLoader` (the runtime of `#[batch_load]`) side by side with a direct call
//! of the batch function, async-graphql's `DataLoader` and the `dataloader` crate.
//!
//! Per-key overhead: 1000 distinct keys loaded concurrently (`join_all` of 1000
//! loads) through a fresh loader, as a request would, with a batch function that
//! does no I/O; the direct call passes the same 1000 keys to that function once.
//! Every loader dispatches when its batch reaches 1000 keys.
//!
//! Two harnesses drive the 1000 loads. `join_all` (futures-util) gives each
//! future a task of its own, which costs more than the loaders do: the
//! "join_all floor" measures it with futures that wait once and no loader.
//! `poll_all` (in this package's lib) polls the futures in place, showing what a
//! loader itself costs; the peers' futures are not `Unpin` and are boxed there.
//! Single-load latency: one `load` on a fresh loader with the default (until
//! the runtime settles) against `window = 0` and a 1 ms window,
//! on a current-thread and a multi-thread runtime: what the default costs a
//! request that has nothing to batch.
//!
//! `cargo bench -p unokit-benches --bench batch_load`.

use criterion::{Criterion, criterion_group, criterion_main};
use futures::future::join_all;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use unokit::batch::{BatchFn, BatchLoader, LoaderConfig};
use unokit_benches::poll_all;
use unokit_fixtures::file_blog as blog;

#[path = "peers/diesel_blog.rs"]
mod diesel_blog;

const KEYS: u64 = 1_000;
/// Every loader dispatches its batch when it holds all the keys.
const BATCH: usize = 1_000;

/// The batch function every contender calls: one value per key, no I/O.
fn values_of(keys: &[u64]) -> HashMap<u64, u64> {
    keys.iter()
        .map(|&key| (key, key.wrapping_mul(31)))
        .collect()
}

async fn direct(keys: &[u64]) -> Result<HashMap<u64, u64>, Infallible> {
    Ok(values_of(keys))
}

struct Unokit;

impl BatchFn for Unokit {
    type Key = u64;
    type Value = u64;
    type Error = Infallible;
    type Map = HashMap<u64, u64>;

    async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, u64>, Infallible> {
        Ok(values_of(keys))
    }
}

struct AsyncGraphql;

impl async_graphql::dataloader::Loader<u64> for AsyncGraphql {
    type Value = u64;
    type Error = Infallible;

    async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, u64>, Infallible> {
        Ok(values_of(keys))
    }
}

struct DataloaderCrate;

impl dataloader::BatchFn<u64, u64> for DataloaderCrate {
    async fn load(&mut self, keys: &[u64]) -> HashMap<u64, u64> {
        values_of(keys)
    }
}

/// The floor of the `join_all` harness: 1000 futures that each return `Pending`
/// once and are woken together by a spawned task, as a batch's loads are, with
/// no loader at all.
struct PendingOnce {
    gate: Arc<Mutex<Vec<Waker>>>,
    polled: bool,
}

impl Future for PendingOnce {
    type Output = u64;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u64> {
        if std::mem::replace(&mut self.polled, true) {
            return Poll::Ready(1);
        }
        self.gate
            .lock()
            .expect("unpoisoned")
            .push(cx.waker().clone());
        Poll::Pending
    }
}

async fn join_all_floor() -> Vec<u64> {
    let gate = Arc::new(Mutex::new(Vec::<Waker>::new()));
    let opener = Arc::clone(&gate);
    tokio::spawn(async move {
        for waker in std::mem::take(&mut *opener.lock().expect("unpoisoned")) {
            waker.wake();
        }
    });
    join_all((0..KEYS).map(|_| PendingOnce {
        gate: Arc::clone(&gate),
        polled: false,
    }))
    .await
}

fn per_key_overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let keys: Vec<u64> = (0..KEYS).collect();
    let mut group = c.benchmark_group("batch_load/1000 keys");
    group.bench_function("direct call of the batch fn", |b| {
        b.iter(|| runtime.block_on(async { black_box(direct(black_box(&keys)).await) }));
    });
    group.bench_function("join_all floor (no loader)", |b| {
        b.iter(|| runtime.block_on(async { black_box(join_all_floor().await) }));
    });
    group.bench_function("unokit, join_all of load", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let loader = BatchLoader::new(Unokit);
                black_box(join_all(keys.iter().map(|&key| loader.load(key))).await)
            })
        });
    });
    group.bench_function("async-graphql, join_all of load_one", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let loader = async_graphql::dataloader::DataLoader::new(AsyncGraphql, tokio::spawn)
                    .max_batch_size(BATCH);
                black_box(join_all(keys.iter().map(|&key| loader.load_one(key))).await)
            })
        });
    });
    group.bench_function("dataloader crate, join_all of load", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let loader =
                    dataloader::cached::Loader::new(DataloaderCrate).with_max_batch_size(BATCH);
                black_box(join_all(keys.iter().map(|&key| loader.load(key))).await)
            })
        });
    });
    group.bench_function("unokit, poll_all of load", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let loader = BatchLoader::new(Unokit);
                black_box(poll_all(keys.iter().map(|&key| loader.load(key))).await)
            })
        });
    });
    group.bench_function("async-graphql, poll_all of boxed load_one", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let loader = async_graphql::dataloader::DataLoader::new(AsyncGraphql, tokio::spawn)
                    .max_batch_size(BATCH);
                black_box(poll_all(keys.iter().map(|&key| Box::pin(loader.load_one(key)))).await)
            })
        });
    });
    group.bench_function("dataloader crate, poll_all of boxed load", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let loader =
                    dataloader::cached::Loader::new(DataloaderCrate).with_max_batch_size(BATCH);
                black_box(poll_all(keys.iter().map(|&key| Box::pin(loader.load(key)))).await)
            })
        });
    });
    group.bench_function("unokit, load_many", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let loader = BatchLoader::new(Unokit);
                black_box(loader.load_many(keys.iter().copied()).await)
            })
        });
    });
    group.finish();
}

fn relations(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let pool = runtime.block_on(blog::database());
    runtime.block_on(blog::check_all_equal(&pool));
    let mut diesel = diesel_blog::connect(&blog::file());
    assert_eq!(
        diesel_blog::load(&mut diesel),
        runtime.block_on(blog::naive(&pool))
    );
    let mut group = c.benchmark_group("batch_load/blog depth 3");
    group.sample_size(20);
    group.bench_function("naive N+1 (1201 statements)", |b| {
        b.iter(|| runtime.block_on(async { black_box(blog::naive(&pool).await) }));
    });
    group.bench_function("hand-written batching (4 statements)", |b| {
        b.iter(|| runtime.block_on(async { black_box(blog::hand_batched(&pool).await) }));
    });
    group.bench_function("unokit eager (4 statements)", |b| {
        b.iter(|| runtime.block_on(async { black_box(blog::eager(&pool).await) }));
    });
    group.bench_function("unokit nested (4 statements stepped in place)", |b| {
        b.iter(|| runtime.block_on(async { black_box(blog::nested(&pool).await) }));
    });
    let untested = runtime.block_on(blog::untested_pool());
    group.bench_function(
        "unokit nested, pool without test_before_acquire (4 statements stepped in place)",
        |b| b.iter(|| runtime.block_on(async { black_box(blog::nested(&untested).await) })),
    );
    group.bench_function("unokit nested one_statement (1 statement, JSON)", |b| {
        b.iter(|| runtime.block_on(async { black_box(blog::nested_document(&pool).await) }));
    });
    group.bench_function("unokit concurrent hops (4 statements at once)", |b| {
        b.iter(|| runtime.block_on(async { black_box(blog::concurrent(&pool).await) }));
    });
    group.bench_function("diesel belonging_to + grouped_by (4 statements)", |b| {
        b.iter(|| black_box(diesel_blog::load(&mut diesel)));
    });
    group.bench_function("unokit lazy, 100 tasks (4 statements)", |b| {
        b.iter(|| runtime.block_on(async { black_box(blog::lazy_concurrent(&pool).await) }));
    });
    group.finish();
    runtime.block_on(untested.close());
    runtime.block_on(blog::remove(pool));
}

/// What the default window costs a request that loads one key: a fresh loader, one
/// `load`, a batch function without I/O, by dispatch setting, on a
/// current-thread and a 2-worker multi-thread runtime. The load runs in a
/// spawned task, as a request handler does; the last row loads from the
/// thread blocking on the runtime (outside any task, as the body of
/// `#[tokio::main]` does), where the default waits the busy quiet time.
fn single_load_latency(c: &mut Criterion) {
    let configs = [
        ("default (until settled)", LoaderConfig::new()),
        (
            "window = 0",
            LoaderConfig::new().with_window(Duration::ZERO),
        ),
        (
            "window = 1 ms",
            LoaderConfig::new().with_window(Duration::from_millis(1)),
        ),
    ];
    for (flavour, runtime) in [
        (
            "current-thread",
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build(),
        ),
        (
            "multi-thread, 2 workers",
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build(),
        ),
    ] {
        let runtime = runtime.expect("a runtime");
        let mut group = c.benchmark_group(format!("batch_load/single load, {flavour}"));
        for (name, config) in configs {
            group.bench_function(name, |b| {
                b.iter(|| {
                    runtime.block_on(async {
                        let task = tokio::spawn(async move {
                            let loader = BatchLoader::with_config(Unokit, config);
                            black_box(loader.load(black_box(7)).await).is_ok()
                        });
                        task.await.expect("the task")
                    })
                });
            });
        }
        group.bench_function("default, outside any task", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let loader = BatchLoader::with_config(Unokit, LoaderConfig::new());
                    black_box(loader.load(black_box(7)).await).is_ok()
                })
            });
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = relations, per_key_overhead, single_load_latency
}
criterion_main!(benches);
