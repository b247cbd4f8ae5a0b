//! A list of 50 posts under `?fields=id,title`, and under
//! `?fields=id,title,author(name),comments(body,author(name))`, from an
//! in-memory SQLite database, serialized to JSON:
//!
//! - `pushdown`: `query.select(&selection)`: for `id,title` one statement
//!   reading two columns; for the nested selection 4 statements, each level
//!   reading only its selected columns and the keys that join it;
//! - `full, then pruned`: every column and every relation loaded (posts, their
//!   authors, their comments and the comments' authors: 4 statements), then
//!   the same selection applied when serializing.
//!
//! The bytes of column values each path reads are printed once, before the
//! timings (integers count 8 bytes, text its length).
//!
//! `cargo bench -p unokit-benches --bench select_pushdown`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;
use unokit::db::sqlx::sqlite::SqlitePoolOptions;
use unokit::db::sqlx::{self, SqlitePool};
use unokit::db::{Related, Session};
use unokit::select::{Selectable, Selection};
use unokit::{Model, partial_response};

#[partial_response]
#[derive(Model, serde::Serialize, Clone)]
#[model(table = "authors")]
struct Author {
    #[model(primary_key)]
    id: i64,
    name: String,
    bio: String,
}

#[partial_response]
#[derive(Model, serde::Serialize, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
    body: String,
    #[serde(skip)]
    author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    #[serde(skip_serializing_if = "Related::is_unloaded")]
    author: Related<Author>,
    #[model(has_many(Comment, foreign_key = post_id))]
    #[serde(skip_serializing_if = "Related::is_unloaded")]
    comments: Related<Vec<Comment>>,
}

#[partial_response]
#[derive(Model, serde::Serialize, Clone)]
#[model(table = "comments")]
struct Comment {
    #[model(primary_key)]
    id: i64,
    #[serde(skip)]
    post_id: i64,
    body: String,
    #[serde(skip)]
    author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    #[serde(skip_serializing_if = "Related::is_unloaded")]
    author: Related<Author>,
}

/// 10 authors with a 500-byte bio, 50 posts with a 2 000-byte body, 5
/// comments of 200 bytes per post.
async fn database() -> SqlitePool {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect("sqlite::memory:")
        .await
        .expect("an in-memory database");
    sqlx::raw_sql(
        "CREATE TABLE authors (id BIGINT PRIMARY KEY, name TEXT NOT NULL, bio TEXT NOT NULL);
         CREATE TABLE posts (id BIGINT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, author_id BIGINT NOT NULL);
         CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, body TEXT NOT NULL, author_id BIGINT NOT NULL);
         CREATE INDEX comments_post ON comments (post_id);",
    )
    .execute(&pool)
    .await
    .expect("the schema");
    for author in 1..=10_i64 {
        sqlx::query("INSERT INTO authors VALUES (?, ?, ?)")
            .bind(author)
            .bind(format!("author {author}"))
            .bind("b".repeat(500))
            .execute(&pool)
            .await
            .expect("an author");
    }
    for post in 1..=50_i64 {
        sqlx::query("INSERT INTO posts VALUES (?, ?, ?, ?)")
            .bind(post)
            .bind(format!("post number {post}"))
            .bind("p".repeat(2_000))
            .bind(post % 10 + 1)
            .execute(&pool)
            .await
            .expect("a post");
        for comment in 0..5_i64 {
            sqlx::query("INSERT INTO comments VALUES (?, ?, ?, ?)")
                .bind(post * 10 + comment)
                .bind(post)
                .bind("c".repeat(200))
                .bind((post + comment) % 10 + 1)
                .execute(&pool)
                .await
                .expect("a comment");
        }
    }
    pool
}

async fn pushdown(session: &Session<sqlx::Sqlite>, selection: &Selection<Post>) -> Vec<u8> {
    let posts = session
        .query::<Post>()
        .select(selection)
        .all()
        .await
        .expect("the posts");
    serde_json::to_vec(&posts.select(selection)).expect("JSON")
}

async fn full_then_pruned(session: &Session<sqlx::Sqlite>, selection: &Selection<Post>) -> Vec<u8> {
    let posts = session
        .query::<Post>()
        .include(Post::AUTHOR)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .all()
        .await
        .expect("the posts");
    serde_json::to_vec(&posts.select(selection)).expect("JSON")
}

/// The bytes of the column values `sql` returns, summed by the database.
async fn bytes(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .expect("a sum")
}

/// The bytes of column values a full load reads: every column of the posts,
/// their comments, and the authors of both.
const READ_FULL: &str = "SELECT (SELECT SUM(16 + LENGTH(title) + LENGTH(body)) FROM posts)
      + (SELECT SUM(24 + LENGTH(body)) FROM comments)
      + (SELECT SUM(8 + LENGTH(name) + LENGTH(bio)) FROM authors WHERE id IN (SELECT author_id FROM posts))
      + (SELECT SUM(8 + LENGTH(name) + LENGTH(bio)) FROM authors WHERE id IN (SELECT author_id FROM comments))";

/// One selection: both paths checked equal, the bytes each reads printed,
/// then timed.
fn compare(
    c: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    pool: &SqlitePool,
    fields: &str,
    read_pushdown: &str,
) {
    let selection = Selection::<Post>::parse(fields).expect("a selection");
    // Fresh sessions, as each request gets: nothing is cached between runs.
    let pushed = runtime.block_on(pushdown(&Session::new(pool.clone()), &selection));
    let pruned = runtime.block_on(full_then_pruned(&Session::new(pool.clone()), &selection));
    assert_eq!(pushed, pruned, "both paths give the same response");
    let read_pushdown = runtime.block_on(bytes(pool, read_pushdown));
    let read_full = runtime.block_on(bytes(pool, READ_FULL));
    println!(
        "select_pushdown: bytes read for 50 posts, ?fields={fields}: pushdown {read_pushdown}, full then pruned {read_full} ({:.0}x); response {} bytes",
        read_full as f64 / read_pushdown as f64,
        pushed.len()
    );
    let mut group = c.benchmark_group(format!("select_pushdown/50 posts, {fields}"));
    group.bench_function("pushdown", |b| {
        b.iter(|| runtime.block_on(pushdown(&Session::new(pool.clone()), &selection)));
    });
    group.bench_function("full, then pruned", |b| {
        b.iter(|| runtime.block_on(full_then_pruned(&Session::new(pool.clone()), &selection)));
    });
    group.finish();
}

fn select_pushdown(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let pool = runtime.block_on(database());
    compare(
        c,
        &runtime,
        &pool,
        "id,title",
        "SELECT SUM(8 + LENGTH(title)) FROM posts",
    );
    // Posts: id, title, author_id; authors: id, name; comments: id, post_id,
    // body, author_id.
    compare(
        c,
        &runtime,
        &pool,
        "id,title,author(name),comments(body,author(name))",
        "SELECT (SELECT SUM(16 + LENGTH(title)) FROM posts)
              + (SELECT SUM(24 + LENGTH(body)) FROM comments)
              + (SELECT SUM(8 + LENGTH(name)) FROM authors WHERE id IN (SELECT author_id FROM posts))
              + (SELECT SUM(8 + LENGTH(name)) FROM authors WHERE id IN (SELECT author_id FROM comments))",
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = select_pushdown
}
criterion_main!(benches);
