//! The blog (depth 3, SQLite file) loaded by unokit's nested hops and by
//! Diesel, one load of each in turn, many times: the median of each and their
//! ratio.
//!
//! Criterion measures one row after the other; on a 2-core machine whose
//! speed drifts by a third from minute to minute, two rows measured a minute
//! apart differ by more than the rows do. Here every round runs each load
//! once, so a drift slows all of them alike and the ratio of the medians holds.
//! Rows: `.nested().all()` on the fixture's pool (connections pinged when
//! acquired, sqlx's default), the same on a pool that does not ping them,
//! the same on a multi-thread runtime of 2 workers (as axum and
//! `#[tokio::main]` run it: the statements step inside `block_in_place`),
//! and Diesel's `belonging_to` + `grouped_by` on its own connection.
//!
//! `cargo bench -p unokit-benches --bench blog_interleaved` (`ROUNDS`, default
//! 1500, after 100 rounds of warm-up).

use std::time::Duration;
use unokit::db::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use unokit_benches::{WARM_UP, median_of, rounds, timed};
use unokit_fixtures::file_blog as blog;

#[path = "peers/diesel_blog.rs"]
mod diesel_blog;

fn main() {
    let rounds = rounds();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let pool = runtime.block_on(blog::database());
    let untested = runtime.block_on(blog::untested_pool());
    let threads = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    // The fixture's database, through a pool of the multi-thread runtime
    // (sqlx's defaults, as the fixture's pool).
    let shared = threads.block_on(
        SqlitePoolOptions::new().max_connections(4).connect_with(
            SqliteConnectOptions::new()
                .filename(blog::file())
                .journal_mode(SqliteJournalMode::Wal),
        ),
    );
    let shared = shared.expect("the SQLite file database");
    let mut diesel = diesel_blog::connect(&blog::file());
    assert_eq!(
        diesel_blog::load(&mut diesel),
        runtime.block_on(blog::nested(&pool))
    );
    let mut rows: [(&str, Vec<Duration>); 4] = [
        ("unokit nested (4 statements stepped in place)", Vec::new()),
        (
            "unokit nested, pool without test_before_acquire",
            Vec::new(),
        ),
        ("unokit nested, multi-thread runtime", Vec::new()),
        ("diesel belonging_to + grouped_by", Vec::new()),
    ];
    for round in 0..WARM_UP + rounds {
        let [nested, untested_row, threads_row, diesel_row] = &mut rows;
        timed(&mut nested.1, || runtime.block_on(blog::nested(&pool)));
        timed(&mut untested_row.1, || {
            runtime.block_on(blog::nested(&untested))
        });
        timed(&mut threads_row.1, || {
            threads.block_on(blog::nested(&shared))
        });
        timed(&mut diesel_row.1, || diesel_blog::load(&mut diesel));
        if round + 1 == WARM_UP {
            rows.iter_mut().for_each(|(_, times)| times.clear());
        }
    }
    let medians: Vec<Duration> = rows.iter_mut().map(|(_, times)| median_of(times)).collect();
    println!("blog depth 3, SQLite file, {rounds} interleaved rounds (median per load):");
    let diesel = medians.last().expect("Diesel's row").as_secs_f64();
    for ((name, _), median) in rows.iter().zip(&medians) {
        let ratio = median.as_secs_f64() / diesel;
        println!("  {name}: {median:.2?}, {ratio:.3}× Diesel");
    }
    threads.block_on(shared.close());
    drop(threads);
    runtime.block_on(untested.close());
    runtime.block_on(blog::remove(pool));
}
