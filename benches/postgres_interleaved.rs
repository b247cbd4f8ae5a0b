//! The blog (depth 3) on PostgreSQL, loaded by hand-written batching (a
//! statement to the pool per hop, or all four on one connection), by its
//! hand-written equivalents with the four statements sent at once (in one
//! task; on the multi-thread runtime also a task each), and by unokit's
//! nested load (the hops on one connection) and concurrent hops, one load of
//! each in turn, many times, on a current-thread runtime and on a
//! multi-thread runtime of 2 workers (as axum and `#[tokio::main]` run it):
//! the median of each, and its ratio to hand-written batching on the same
//! runtime and to the fastest hand-written row.
//!
//! Criterion measures one row after the other; on this 2-core machine two
//! rows measured a minute apart differ by more than the rows do (see
//! `blog_interleaved`). Here a drift slows every row alike.
//!
//! `cargo bench -p unokit-benches --bench postgres_interleaved` with
//! `UNOKIT_TEST_POSTGRES_URL` (skipped without it; `ROUNDS`, default 1500,
//! after 100 rounds of warm-up).

use std::time::Duration;
use unokit::db::sqlx::postgres::PgPool;
use unokit_benches::{WARM_UP, median_of, rounds, timed};
use unokit_fixtures::file_blog::Post;

#[path = "peers/postgres_blog.rs"]
mod postgres_blog;

/// A way of loading the blog: a row of the table on each runtime it runs on.
#[derive(Clone, Copy, PartialEq)]
enum Way {
    Batched,
    OneConnection,
    AtOnce,
    TaskPerStatement,
    Nested,
    Concurrent,
}

impl Way {
    fn name(self) -> &'static str {
        match self {
            Self::Batched => "hand-written batching",
            Self::OneConnection => "hand-written batching, one connection",
            Self::AtOnce => "hand-written, at once",
            Self::TaskPerStatement => "hand-written, at once, a task per statement",
            Self::Nested => "unokit nested (hops on one connection)",
            Self::Concurrent => "unokit concurrent hops",
        }
    }

    fn hand_written(self) -> bool {
        !matches!(self, Self::Nested | Self::Concurrent)
    }

    async fn load(self, pool: &PgPool) -> Vec<Post> {
        match self {
            Self::Batched => postgres_blog::hand_batched(pool).await,
            Self::OneConnection => postgres_blog::hand_one_connection(pool).await,
            Self::AtOnce => postgres_blog::hand_at_once(pool).await,
            Self::TaskPerStatement => postgres_blog::hand_tasks(pool).await,
            Self::Nested => postgres_blog::nested(pool).await,
            Self::Concurrent => postgres_blog::concurrent(pool).await,
        }
    }
}

/// The rows, each on a multi-thread runtime or not. Each row's ratio is to
/// hand-written batching on its runtime. A task per statement only makes a
/// difference where tasks run in parallel.
const ROWS: [(bool, Way); 11] = [
    (false, Way::Batched),
    (false, Way::OneConnection),
    (false, Way::AtOnce),
    (false, Way::Nested),
    (false, Way::Concurrent),
    (true, Way::Batched),
    (true, Way::OneConnection),
    (true, Way::AtOnce),
    (true, Way::TaskPerStatement),
    (true, Way::Nested),
    (true, Way::Concurrent),
];

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
    let mut times = vec![Vec::<Duration>::new(); ROWS.len()];
    for round in 0..WARM_UP + rounds {
        for (&(multi_thread, way), times) in ROWS.iter().zip(&mut times) {
            let (runtime, pool) = if multi_thread {
                (&threads, &shared)
            } else {
                (&runtime, &pool)
            };
            timed(times, || runtime.block_on(way.load(pool)));
        }
        if round + 1 == WARM_UP {
            times.iter_mut().for_each(Vec::clear);
        }
    }
    let medians: Vec<f64> = times
        .iter_mut()
        .map(|times| median_of(times).as_secs_f64())
        .collect();
    let fastest_hand = ROWS
        .iter()
        .zip(&medians)
        .filter(|((_, way), _)| way.hand_written())
        .map(|(_, &median)| median)
        .fold(f64::INFINITY, f64::min);
    let batched_on = |multi_thread: bool| {
        let row = ROWS
            .iter()
            .position(|&row| row == (multi_thread, Way::Batched));
        medians[row.expect("a hand-written batching row on each runtime")]
    };
    println!("blog depth 3, PostgreSQL, {rounds} interleaved rounds (median per load):");
    for (&(multi_thread, way), median) in ROWS.iter().zip(&medians) {
        let runtime = if multi_thread { "multi-thread: " } else { "" };
        println!(
            "  {runtime}{}: {:.2} ms, {:.3}× hand-written batching on its runtime, {:.3}× the fastest hand-written row",
            way.name(),
            median * 1e3,
            median / batched_on(multi_thread),
            median / fastest_hand
        );
    }
    threads.block_on(shared.close());
    drop(threads);
    runtime.block_on(postgres_blog::remove(pool, &url));
}
