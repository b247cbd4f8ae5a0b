//! A cached query result against running the query, in one run.
//!
//! The query: the posts of one author (filter), newest first, with their
//! author included — 2 statements, 3 rows — on a seeded blog, through a fresh
//! `Session` per call as a request would. `cached hit`: the same query through
//! `.cached(&cache)`, whose tables have not changed (a watcher runs). On a
//! SQLite file (WAL) and, when `UNOKIT_TEST_POSTGRES_URL` is set, PostgreSQL.
//!
//! `cargo bench -p unokit-benches --bench query_cache`.

// Only its seeded database is used here; the loaders are `nested_load`'s.
#[allow(dead_code)]
#[path = "peers/postgres_blog.rs"]
mod postgres_blog;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use unokit::cache::CacheConfig;
use unokit::db::query::{Filter, Order};
use unokit::db::sqlx::Pool;
use unokit::db::{Changes, Column, Engine, ModelRow, QueryCache, Session, Watch};
use unokit_benches::{measure, print_ratios};
use unokit_fixtures::blog::{Author, Post};
use unokit_fixtures::file_blog;

#[derive(unokit::Filter, Clone, PartialEq, Eq, Hash)]
#[filter(model = Post)]
struct ByAuthor {
    author_id: Option<i64>,
}

const TABLES: [&str; 2] = ["posts", "authors"];

async fn query<DB: Engine>(pool: &Pool<DB>, cache: Option<&QueryCache>) -> Vec<Post>
where
    Post: ModelRow<DB>,
    Author: ModelRow<DB>,
    ByAuthor: Filter<DB, Model = Post>,
    i64: Column<DB>,
{
    let session = Session::new(pool.clone());
    let filter = ByAuthor { author_id: Some(3) };
    let query = session
        .query::<Post>()
        .filter(&filter)
        .include(Post::AUTHOR)
        .order_by(Order::desc("id"));
    match cache {
        Some(cache) => query.cached(cache).await,
        None => query.all().await,
    }
    .expect("the posts of author 3")
}

/// Benchmarks both rows on `pool`, named after `engine`.
fn both<DB: Watch>(
    c: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    pool: &Pool<DB>,
    names: [&'static str; 2],
) where
    Post: ModelRow<DB>,
    Author: ModelRow<DB>,
    ByAuthor: Filter<DB, Model = Post>,
    i64: Column<DB>,
{
    let changes = Changes::new();
    let watcher = runtime
        .block_on(changes.watch(pool, &TABLES))
        .expect("a watcher");
    let cache = QueryCache::new(&changes, CacheConfig::new().with_capacity(1_000));
    let ran = runtime.block_on(query(pool, None));
    assert_eq!(runtime.block_on(query(pool, Some(&cache))), ran);
    let group = format!("query_cache/{}", names[0]);
    measure(c, &group, names[0], || {
        black_box(runtime.block_on(query(pool, None)));
    });
    measure(c, &group, names[1], || {
        black_box(runtime.block_on(query(pool, Some(&cache))));
    });
    assert!(cache.hits() > 0 && cache.misses() == 1, "{cache:?}");
    drop(watcher);
}

fn query_cache(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let sqlite = runtime.block_on(file_blog::database());
    both(
        c,
        &runtime,
        &sqlite,
        ["SQLite: run the query", "SQLite: cached hit"],
    );
    runtime.block_on(file_blog::remove(sqlite));
    let mut rows = vec![
        ("SQLite", "SQLite: run the query", "SQLite: run the query"),
        ("SQLite", "SQLite: cached hit", "SQLite: run the query"),
    ];
    if let Ok(url) = std::env::var("UNOKIT_TEST_POSTGRES_URL") {
        let postgres = runtime.block_on(postgres_blog::database(&url));
        both(
            c,
            &runtime,
            &postgres,
            ["PostgreSQL: run the query", "PostgreSQL: cached hit"],
        );
        runtime.block_on(postgres_blog::remove(postgres, &url));
        rows.push((
            "Postgres",
            "PostgreSQL: run the query",
            "PostgreSQL: run the query",
        ));
        rows.push((
            "Postgres",
            "PostgreSQL: cached hit",
            "PostgreSQL: run the query",
        ));
    } else {
        println!("UNOKIT_TEST_POSTGRES_URL is not set: the PostgreSQL rows are skipped");
    }
    print_ratios("query_cache: time per query, ratio to running it", &rows);
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = query_cache
}
criterion_main!(benches);
