//! Batching across the worker threads of multi-thread runtimes with the default
//! configuration: the lazy loads of 100 tasks are one statement per relation
//! hop on 1, 2 and 4 workers, on SQLite and PostgreSQL.
//!
//! One test in its own process, the engines and runtimes one after another:
//! what it counts depends on worker threads not being preempted for long, which
//! tests running beside it on a 2-core machine would do.

use unokit_fixtures::{blog, counting, lazy_from_100_tasks};

/// Five rounds on a seeded blog: the statements of each round, which must load
/// what the naive loop loads.
macro_rules! rounds {
    ($db:expr) => {{
        let db = $db;
        unokit::db::sqlx::raw_sql(blog::SCHEMA)
            .execute(&db.pool)
            .await
            .unwrap();
        blog::seed(&db.session()).await.unwrap();
        let naive = blog::naive(&db.session()).await.unwrap();
        let mut statements = Vec::new();
        for _ in 0..5 {
            db.reset_count();
            let lazy = lazy_from_100_tasks!(db.session());
            assert_eq!(lazy, naive);
            statements.push(db.selects());
        }
        db.finish().await;
        statements
    }};
}

/// 4 statements a round (posts, then one per hop) is the batched figure; with
/// the old default (dispatch when the opening task yields) these runtimes ran
/// 106–145. Every round must take 4, but for one round of the whole test that
/// may take 5: a worker the operating system preempts for milliseconds on a
/// loaded machine can still split a hop (measured: 4 in 180 of 180 rounds on
/// an idle 2-core machine, and in 89 of 90 beside four CPU-bound processes).
fn check(engine: &str, workers: usize, statements: &[u64], spare: &mut u32) {
    println!("{engine} on {workers} workers: {statements:?} statements per round");
    for &count in statements {
        let allowed = count == 4 || (count == 5 && *spare > 0);
        assert!(
            allowed,
            "{engine} on {workers} workers: {statements:?} statements per round"
        );
        if count == 5 {
            *spare -= 1;
        }
    }
}

#[test]
fn lazy_loads_of_100_tasks_batch_on_multi_thread_runtimes_by_default() {
    let mut spare = 1;
    for workers in [1, 2, 4] {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            check(
                "SQLite",
                workers,
                &rounds!(counting::sqlite().await),
                &mut spare,
            );
            #[cfg(feature = "postgres")]
            if let Some(db) = counting::postgres("batching_multi_thread").await {
                check("PostgreSQL", workers, &rounds!(db), &mut spare);
            }
        });
    }
}
