//! A cached query result against running the query, in one run.
//!
//! The query: the posts of one author (filter), newest first, with their
//! author included — 2 statements, 2–3 rows — on a seeded blog, through a
//! fresh `Session` per call in a task of a 2-worker runtime, as a request
//! handler runs. `cached hit`: the same query through `.cached(&cache)`, whose
//! tables have not changed (a watcher runs); `cached hit, 40 authors`: each
//! author's query in turn, 40 entries. Times are per task of 20 queries. On a
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

async fn query<DB: Engine>(pool: &Pool<DB>, cache: Option<&QueryCache>, author: i64) -> Vec<Post>
where
    Post: ModelRow<DB>,
    Author: ModelRow<DB>,
    ByAuthor: Filter<DB, Model = Post>,
    i64: Column<DB>,
{
    let session = Session::new(pool.clone());
    let filter = ByAuthor {
        author_id: Some(author),
    };
    let query = session
        .query::<Post>()
        .filter(&filter)
        .include(Post::AUTHOR)
        .order_by(Order::desc("id"));
    match cache {
        Some(cache) => query.cached(cache).await,
        None => query.all().await,
    }
    .expect("the posts of an author")
}

/// How many queries one task runs, so that spawning it is not what is timed.
const PER_TASK: i64 = 20;

/// [`PER_TASK`] queries in a task of `runtime`, as a request handler runs
/// them; the `author`th and those after it, in turn over the 40 authors when
/// `rotate`.
fn in_task<DB: Engine>(
    runtime: &tokio::runtime::Runtime,
    pool: &Pool<DB>,
    cache: Option<&QueryCache>,
    author: i64,
    rotate: bool,
) -> Vec<Post>
where
    Post: ModelRow<DB>,
    Author: ModelRow<DB>,
    ByAuthor: Filter<DB, Model = Post>,
    i64: Column<DB>,
{
    let (pool, cache) = (pool.clone(), cache.cloned());
    let task = async move {
        let mut last = Vec::new();
        for turn in 0..PER_TASK {
            let author = if rotate {
                (author + turn) % 40 + 1
            } else {
                author
            };
            last = query(&pool, cache.as_ref(), author).await;
        }
        last
    };
    runtime.block_on(runtime.spawn(task)).expect("the task")
}

/// Benchmarks both rows on `pool`, named after `engine`.
fn both<DB: Watch>(
    c: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    pool: &Pool<DB>,
    names: [&'static str; 3],
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
    let ran = in_task(runtime, pool, None, 3, false);
    assert_eq!(in_task(runtime, pool, Some(&cache), 3, false), ran);
    let group = format!("query_cache/{}", names[0]);
    measure(c, &group, names[0], || {
        black_box(in_task(runtime, pool, None, 3, false));
    });
    measure(c, &group, names[1], || {
        black_box(in_task(runtime, pool, Some(&cache), 3, false));
    });
    let mut author = 0;
    measure(c, &group, names[2], || {
        author = (author + PER_TASK) % 40;
        black_box(in_task(runtime, pool, Some(&cache), author, true));
    });
    assert!(cache.hits() > 0 && cache.misses() == 40, "{cache:?}");
    drop(watcher);
}

fn query_cache(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let sqlite = runtime.block_on(file_blog::database());
    both(
        c,
        &runtime,
        &sqlite,
        [
            "SQLite: run the query",
            "SQLite: cached hit",
            "SQLite: cached hit, 40 authors",
        ],
    );
    runtime.block_on(file_blog::remove(sqlite));
    let mut rows = vec![
        ("SQLite", "SQLite: run the query", "SQLite: run the query"),
        ("SQLite", "SQLite: cached hit", "SQLite: run the query"),
        (
            "SQLite",
            "SQLite: cached hit, 40 authors",
            "SQLite: run the query",
        ),
    ];
    if let Ok(url) = std::env::var("UNOKIT_TEST_POSTGRES_URL") {
        let postgres = runtime.block_on(postgres_blog::database(&url));
        both(
            c,
            &runtime,
            &postgres,
            [
                "PostgreSQL: run the query",
                "PostgreSQL: cached hit",
                "PostgreSQL: cached hit, 40 authors",
            ],
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
        rows.push((
            "Postgres",
            "PostgreSQL: cached hit, 40 authors",
            "PostgreSQL: run the query",
        ));
    } else {
        println!("UNOKIT_TEST_POSTGRES_URL is not set: the PostgreSQL rows are skipped");
    }
    print_ratios(
        "query_cache: time per 20 queries in one task, ratio to running them",
        &rows,
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = query_cache
}
criterion_main!(benches);
