//! The query layer, in one run.
//!
//! `detect`: the cost of the N+1 detector and statement counter on one
//! statement (a post by key from an in-memory SQLite database, through
//! `Engine::fetch_all`): outside any scope (one task-local lookup) against
//! inside a `Scope` (counted, and its shape and place recorded). The benches
//! build with the `detect` feature, as release builds compile detection out
//! otherwise.
//!
//! `cargo bench -p unokit-benches --bench query`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use unokit::db::detect::{self, Scope};
use unokit::db::sqlx::sqlite::SqlitePoolOptions;
use unokit::db::sqlx::{Arguments, Sqlite, SqlitePool};
use unokit::db::{Engine, ModelRow, Session};
use unokit_fixtures::blog::{self, Post};

async fn blog_pool() -> SqlitePool {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect("sqlite::memory:")
        .await
        .expect("an in-memory database");
    unokit::db::sqlx::raw_sql(blog::SCHEMA)
        .execute(&pool)
        .await
        .expect("the schema");
    blog::seed(&Session::new(pool.clone()))
        .await
        .expect("the seed");
    pool
}

async fn post_by_key(pool: &SqlitePool, id: i64) -> Post {
    let mut arguments = <<Sqlite as unokit::db::sqlx::Database>::Arguments<'_>>::default();
    arguments.add(id).expect("an i64 binds");
    let rows = Sqlite::fetch_all(pool, Sqlite::statements::<Post>().by_key, arguments)
        .await
        .expect("the post");
    Post::from_row(&rows[0], 0).expect("a post row")
}

fn detector(c: &mut Criterion) {
    assert!(
        detect::ENABLED,
        "the benches build with the `detect` feature"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let pool = runtime.block_on(blog_pool());
    let mut group = c.benchmark_group("detect");
    group.bench_function("statement, no scope", |b| {
        b.iter(|| runtime.block_on(post_by_key(&pool, black_box(7))));
    });
    let scope = Scope::new().with_threshold(u64::MAX);
    group.bench_function("statement, in a scope", |b| {
        b.iter(|| runtime.block_on(scope.run(post_by_key(&pool, black_box(7)))));
    });
    group.finish();
    assert!(scope.statements() > 0, "the scope counted");
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = detector
}
criterion_main!(benches);
