//! The query layer, in one run.
//!
//! `detect`: the cost of the N+1 detector and statement counter on one
//! statement (a post by key from an in-memory SQLite database, through
//! `Engine::fetch_all`): outside any scope (one task-local lookup) against
//! inside a `Scope` (counted, and its shape and place recorded). The benches
//! build with the `detect` feature, as release builds compile detection out
//! otherwise.
//!
//! `filter`: building the SQL and binds of a 4-condition filter (`=`, `IN` of
//! 3, `starts_with`, `>=`) on SQLite: unokit's `Filter` (the text built once
//! per shape, then only binds), a hand-written `String` with its binds, and
//! sea-query's builder with its values. No statement runs.
//!
//! `cargo bench -p unokit-benches --bench query`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use unokit::Filter;
use unokit::db::detect::{self, Scope};
use unokit::db::query::{escape_like, statement};
use unokit::db::sqlx::sqlite::SqlitePoolOptions;
use unokit::db::sqlx::{Arguments, Sqlite, SqlitePool};
use unokit::db::{Engine, ModelRow, Session};
use unokit_fixtures::blog::{self, Post};

// The benches build with the `detect` feature.
const _: () = assert!(detect::ENABLED);

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
    <Post as ModelRow<Sqlite>>::from_row(&rows[0], 0).expect("a post row")
}

fn detector(c: &mut Criterion) {
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
    runtime.block_on(scope.run(post_by_key(&pool, 7)));
    assert_eq!(scope.statements(), 1, "the scope counts");
    group.bench_function("statement, in a scope", |b| {
        b.iter(|| runtime.block_on(scope.run(post_by_key(&pool, black_box(7)))));
    });
    group.finish();
}

/// The filter of the `filter` rows.
#[derive(Filter)]
#[filter(model = Post)]
struct PostFilter {
    author_id: Option<i64>,
    #[filter(op = "in")]
    id: Option<Vec<i64>>,
    #[filter(op = "starts_with")]
    title: Option<String>,
    #[filter(op = "gte", column = "id")]
    min_id: Option<i64>,
}

fn four_conditions() -> PostFilter {
    PostFilter {
        author_id: Some(3),
        id: Some(vec![1, 2, 3]),
        title: Some("post 1".to_owned()),
        min_id: Some(2),
    }
}

/// What an application writes by hand: the same text, pushed piece by piece,
/// and the same binds.
fn hand_written(
    filter: &PostFilter,
) -> (
    String,
    <Sqlite as unokit::db::sqlx::Database>::Arguments<'_>,
) {
    let mut sql = String::with_capacity(192);
    let mut arguments = <<Sqlite as unokit::db::sqlx::Database>::Arguments<'_>>::default();
    sql.push_str(Sqlite::statements::<Post>().select);
    let mut first = true;
    let mut and = |sql: &mut String| {
        sql.push_str(if first { " WHERE " } else { " AND " });
        first = false;
    };
    if let Some(author) = &filter.author_id {
        and(&mut sql);
        sql.push_str("\"author_id\" = ?");
        arguments.add(author).expect("binds");
    }
    if let Some(ids) = &filter.id {
        and(&mut sql);
        sql.push_str("\"id\" IN (");
        for (position, id) in ids.iter().enumerate() {
            sql.push_str(if position == 0 { "?" } else { ", ?" });
            arguments.add(id).expect("binds");
        }
        sql.push(')');
    }
    if let Some(title) = &filter.title {
        and(&mut sql);
        sql.push_str("\"title\" LIKE ? ESCAPE '\\'");
        arguments
            .add(format!("{}%", escape_like(title)))
            .expect("binds");
    }
    if let Some(min) = &filter.min_id {
        and(&mut sql);
        sql.push_str("\"id\" >= ?");
        arguments.add(min).expect("binds");
    }
    sql.push_str(" ORDER BY \"id\"");
    (sql, arguments)
}

fn sea_query(filter: &PostFilter) -> (String, sea_query::Values) {
    use sea_query::{Alias, Expr, ExprTrait, LikeExpr, Order, Query, SqliteQueryBuilder};
    let mut query = Query::select();
    query
        .columns(["id", "title", "body", "author_id"].map(Alias::new))
        .from(Alias::new("posts"));
    if let Some(author) = filter.author_id {
        query.and_where(Expr::col(Alias::new("author_id")).eq(author));
    }
    if let Some(ids) = &filter.id {
        query.and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()));
    }
    if let Some(title) = &filter.title {
        query.and_where(
            Expr::col(Alias::new("title"))
                .like(LikeExpr::new(format!("{}%", escape_like(title))).escape('\\')),
        );
    }
    if let Some(min) = filter.min_id {
        query.and_where(Expr::col(Alias::new("id")).gte(min));
    }
    query.order_by(Alias::new("id"), Order::Asc);
    query.build(SqliteQueryBuilder)
}

fn filter(c: &mut Criterion) {
    let filter = four_conditions();
    let (ours, _) = statement::<Post, Sqlite, _>(&filter, &[], None).expect("a statement");
    let (theirs, _) = hand_written(&filter);
    assert_eq!(ours, theirs, "the same statement");
    let mut group = c.benchmark_group("filter");
    group.bench_function("unokit", |b| {
        b.iter(|| {
            statement::<Post, Sqlite, _>(black_box(&filter), &[], None).expect("a statement")
        });
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| hand_written(black_box(&filter)))
    });
    group.bench_function("sea-query", |b| b.iter(|| sea_query(black_box(&filter))));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = detector, filter
}
criterion_main!(benches);
