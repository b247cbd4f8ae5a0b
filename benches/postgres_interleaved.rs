//! The blog (depth 3) on PostgreSQL, loaded by hand-written batching (a
//! statement to the pool per hop, or all four on one connection), by its
//! hand-written equivalents with the four statements sent at once (in one
//! task; on the multi-thread runtime also a task each), and by unokit's
//! concurrent hops, one load of each in turn, many times, on a
//! current-thread runtime and on a multi-thread runtime of 2 workers (as
//! axum and `#[tokio::main]` run it): the median of each, and its ratio to
//! hand-written batching on the same runtime and to the fastest hand-written
//! row.
//!
//! Criterion measures one row after the other; on this 2-core machine two
//! rows measured a minute apart differ by more than the rows do (see
//! `blog_interleaved`). Here a drift slows every row alike.
//!
//! `cargo bench -p unokit-benches --bench postgres_interleaved` with
//! `UNOKIT_TEST_POSTGRES_URL` (skipped without it; `ROUNDS`, default 1500,
//! after 100 rounds of warm-up).

use std::time::Duration;
use unokit_benches::{WARM_UP, median_of, rounds, timed};

#[path = "peers/postgres_blog.rs"]
mod postgres_blog;

fn main() {
    let Ok(url) = std::env::var("UNOKIT_TEST_POSTGRES_URL") else {
        println!("UNOKIT_TEST_POSTGRES_URL is not set: skipped");
        return;
    };
    let rounds = rounds();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let pool = runtime.block_on(postgres_blog::database(&url));
    runtime.block_on(postgres_blog::check_all_equal(&pool));
    let threads = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let shared = threads.block_on(postgres_blog::connect(&url));
    // Current-thread rows first, then multi-thread; each row's ratio is to
    // the first row of its runtime, hand-written batching.
    let names = [
        "hand-written batching",
        "hand-written batching, one connection",
        "hand-written, at once",
        "unokit concurrent hops",
        "multi-thread: hand-written batching",
        "multi-thread: hand-written, at once",
        "multi-thread: hand-written, at once, a task per statement",
        "multi-thread: unokit concurrent hops",
    ];
    let mut times: [Vec<Duration>; 8] = Default::default();
    for round in 0..WARM_UP + rounds {
        let [
            hand,
            one_connection,
            at_once,
            concurrent,
            hand_mt,
            at_once_mt,
            tasks_mt,
            concurrent_mt,
        ] = &mut times;
        timed(hand, || {
            runtime.block_on(postgres_blog::hand_batched(&pool))
        });
        timed(one_connection, || {
            runtime.block_on(postgres_blog::hand_one_connection(&pool))
        });
        timed(at_once, || {
            runtime.block_on(postgres_blog::hand_at_once(&pool))
        });
        timed(concurrent, || {
            runtime.block_on(postgres_blog::concurrent(&pool))
        });
        timed(hand_mt, || {
            threads.block_on(postgres_blog::hand_batched(&shared))
        });
        timed(at_once_mt, || {
            threads.block_on(postgres_blog::hand_at_once(&shared))
        });
        timed(tasks_mt, || {
            threads.block_on(postgres_blog::hand_tasks(&shared))
        });
        timed(concurrent_mt, || {
            threads.block_on(postgres_blog::concurrent(&shared))
        });
        if round + 1 == WARM_UP {
            times.iter_mut().for_each(Vec::clear);
        }
    }
    let medians: Vec<f64> = times
        .iter_mut()
        .map(|times| median_of(times).as_secs_f64())
        .collect();
    let fastest_hand = [0, 1, 2, 4, 5, 6]
        .iter()
        .map(|&row| medians[row])
        .fold(f64::INFINITY, f64::min);
    println!("blog depth 3, PostgreSQL, {rounds} interleaved rounds (median per load):");
    for (row, (name, median)) in names.iter().zip(&medians).enumerate() {
        let same_runtime = medians[if row < 4 { 0 } else { 4 }];
        println!(
            "  {name}: {:.2} ms, {:.3}× hand-written batching on its runtime, {:.3}× the fastest hand-written row",
            median * 1e3,
            median / same_runtime,
            median / fastest_hand
        );
    }
    threads.block_on(shared.close());
    drop(threads);
    runtime.block_on(postgres_blog::remove(pool, &url));
}
