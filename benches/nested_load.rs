//! Nested loading against per-hop batching, in one run.
//!
//! - `batch_load/blog depth 3, PostgreSQL`: the blog of the `batch_load` bench
//!   (100 posts, each with an author and 10 comments, each comment with an
//!   author) in a fresh schema of the PostgreSQL at `UNOKIT_TEST_POSTGRES_URL`
//!   (skipped without it): the naive N+1 loop, hand-written `= ANY($1)`
//!   batching on sqlx, unokit per-hop batching, unokit nested and unokit
//!   concurrent hops (the 4 statements sent at once); then hand-written,
//!   per-hop and concurrent hops again on a multi-thread runtime of 2 workers,
//!   as production runs them.
//! - `batch_load/growth`: a SQLite file database of 10, 1 000 and 10 000 posts
//!   (10 comments each; 40 authors, each with a profile) loaded 3 hops deep,
//!   and 1 000 posts loaded 1 to 4 hops deep, per-hop, nested (a plain
//!   statement per hop, stepped on the caller's thread) and nested in one
//!   statement (the JSON document): each should grow with the rows, not with
//!   depth × parents.
//!
//! `cargo bench -p unokit-benches --bench nested_load`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use unokit::Model;
use unokit::db::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use unokit::db::sqlx::{self, Sqlite, SqlitePool};
use unokit::db::{Chain, Include, NestedInclude, Related, Session};

#[path = "peers/postgres_blog.rs"]
mod postgres_blog;

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "g_profiles")]
struct Profile {
    #[model(primary_key)]
    id: i64,
    bio: String,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "g_authors")]
struct Author {
    #[model(primary_key)]
    id: i64,
    name: String,
    profile_id: i64,
    #[model(belongs_to(Profile, key = profile_id))]
    profile: Related<Profile>,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "g_posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
    body: String,
    author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    author: Related<Author>,
    #[model(has_many(Comment, foreign_key = post_id))]
    comments: Related<Vec<Comment>>,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "g_comments")]
struct Comment {
    #[model(primary_key)]
    id: i64,
    post_id: i64,
    author_id: i64,
    body: String,
    #[model(belongs_to(Author, key = author_id))]
    author: Related<Author>,
}

const SCHEMA: &str = "
    DROP TABLE IF EXISTS g_profiles; DROP TABLE IF EXISTS g_authors;
    DROP TABLE IF EXISTS g_posts; DROP TABLE IF EXISTS g_comments;
    CREATE TABLE g_profiles (id BIGINT PRIMARY KEY, bio TEXT NOT NULL);
    CREATE TABLE g_authors (id BIGINT PRIMARY KEY, name TEXT NOT NULL, profile_id BIGINT NOT NULL);
    CREATE TABLE g_posts (id BIGINT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, author_id BIGINT NOT NULL);
    CREATE TABLE g_comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, author_id BIGINT NOT NULL, body TEXT NOT NULL);
    CREATE INDEX g_comments_by_post ON g_comments (post_id);
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 40)
        INSERT INTO g_profiles SELECT x, 'profile of author ' || x FROM n;
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 40)
        INSERT INTO g_authors SELECT x, 'author ' || x, x FROM n;
";

fn path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("unokit-growth-{}.db", std::process::id()))
}

async fn database() -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(path())
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .expect("a SQLite file database");
    sqlx::raw_sql(SCHEMA)
        .execute(&pool)
        .await
        .expect("the schema");
    pool
}

/// Makes the blog `posts` posts long, with 10 comments each.
async fn seed(pool: &SqlitePool, posts: i64) {
    sqlx::raw_sql("DELETE FROM g_posts; DELETE FROM g_comments;")
        .execute(pool)
        .await
        .expect("emptied");
    sqlx::query(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
         INSERT INTO g_posts SELECT x, 'post ' || x, 'body of post ' || x, x % 40 + 1 FROM n",
    )
    .bind(posts)
    .execute(pool)
    .await
    .expect("the posts");
    sqlx::query(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
         INSERT INTO g_comments SELECT x, (x - 1) / 10 + 1, x * 7 % 40 + 1, 'comment ' || x FROM n",
    )
    .bind(posts * 10)
    .execute(pool)
    .await
    .expect("the comments");
}

async fn per_hop<I: Include<Post, Sqlite>>(pool: &SqlitePool, include: I) -> Vec<Post> {
    Session::new(pool.clone())
        .query::<Post>()
        .include(include)
        .all()
        .await
        .expect("per-hop")
}

async fn nested<I: NestedInclude<Post, Sqlite>>(pool: &SqlitePool, include: I) -> Vec<Post> {
    Session::new(pool.clone())
        .query::<Post>()
        .include(include)
        .nested()
        .all()
        .await
        .expect("nested")
}

async fn one_statement<I: NestedInclude<Post, Sqlite>>(pool: &SqlitePool, include: I) -> Vec<Post> {
    Session::new(pool.clone())
        .query::<Post>()
        .include(include)
        .nested()
        .one_statement()
        .all()
        .await
        .expect("nested in one statement")
}

/// Benches the ways of loading `include` (checked equal first) as `depth`:
/// per hop, nested (on SQLite a plain statement per hop, stepped in place)
/// and nested in one statement (the JSON document).
macro_rules! both {
    ($group:ident, $runtime:ident, $pool:ident, $label:expr, $include:expr) => {{
        let (a, b, c) = $runtime.block_on(async {
            (
                per_hop(&$pool, $include).await,
                nested(&$pool, $include).await,
                one_statement(&$pool, $include).await,
            )
        });
        assert_eq!(a, b);
        assert_eq!(a, c);
        $group.bench_with_input(
            BenchmarkId::new("unokit per-hop", $label),
            &(),
            |bench, ()| {
                bench.iter(|| {
                    $runtime.block_on(async { black_box(per_hop(&$pool, $include).await) })
                });
            },
        );
        $group.bench_with_input(
            BenchmarkId::new("unokit nested", $label),
            &(),
            |bench, ()| {
                bench.iter(|| {
                    $runtime.block_on(async { black_box(nested(&$pool, $include).await) })
                });
            },
        );
        $group.bench_with_input(
            BenchmarkId::new("unokit nested one_statement", $label),
            &(),
            |bench, ()| {
                bench.iter(|| {
                    $runtime.block_on(async { black_box(one_statement(&$pool, $include).await) })
                });
            },
        );
    }};
}

fn growth(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let pool = runtime.block_on(database());
    let mut group = c.benchmark_group("batch_load/growth");
    group.sample_size(10);
    for posts in [10, 1_000, 10_000] {
        runtime.block_on(seed(&pool, posts));
        both!(
            group,
            runtime,
            pool,
            format!("depth 3, {posts} posts"),
            Chain(Post::AUTHOR, Post::COMMENTS.with(Comment::AUTHOR))
        );
        if posts == 1_000 {
            both!(group, runtime, pool, "depth 1, 1000 posts", Post::COMMENTS);
            both!(
                group,
                runtime,
                pool,
                "depth 2, 1000 posts",
                Post::COMMENTS.with(Comment::AUTHOR)
            );
            both!(
                group,
                runtime,
                pool,
                "depth 4, 1000 posts",
                Chain(
                    Post::AUTHOR.with(Author::PROFILE),
                    Post::COMMENTS.with(Comment::AUTHOR.with(Author::PROFILE))
                )
            );
        }
    }
    group.finish();
    runtime.block_on(pool.close());
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

fn postgres(c: &mut Criterion) {
    let Ok(url) = std::env::var("UNOKIT_TEST_POSTGRES_URL") else {
        println!("UNOKIT_TEST_POSTGRES_URL is not set: the PostgreSQL rows are skipped");
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let pool = runtime.block_on(postgres_blog::database(&url));
    runtime.block_on(postgres_blog::check_all_equal(&pool));
    let mut group = c.benchmark_group("batch_load/blog depth 3, PostgreSQL");
    group.sample_size(20);
    group.bench_function("naive N+1 (1201 statements)", |b| {
        b.iter(|| runtime.block_on(async { black_box(postgres_blog::naive(&pool).await) }));
    });
    group.bench_function("hand-written batching (4 statements)", |b| {
        b.iter(|| runtime.block_on(async { black_box(postgres_blog::hand_batched(&pool).await) }));
    });
    group.bench_function("hand-written, at once (4 statements at once)", |b| {
        b.iter(|| runtime.block_on(async { black_box(postgres_blog::hand_at_once(&pool).await) }));
    });
    group.bench_function("unokit per-hop (4 statements)", |b| {
        b.iter(|| runtime.block_on(async { black_box(postgres_blog::eager(&pool).await) }));
    });
    group.bench_function("unokit nested (4 statements, one connection)", |b| {
        b.iter(|| runtime.block_on(async { black_box(postgres_blog::nested(&pool).await) }));
    });
    group.bench_function("unokit nested, one statement", |b| {
        b.iter(|| {
            runtime.block_on(async { black_box(postgres_blog::nested_document(&pool).await) })
        });
    });
    group.bench_function("unokit concurrent hops (4 statements at once)", |b| {
        b.iter(|| runtime.block_on(async { black_box(postgres_blog::concurrent(&pool).await) }));
    });
    // Production runs on a multi-thread runtime (axum, `#[tokio::main]`):
    // there, a load's tasks can decode on both cores.
    let threads = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let shared = threads.block_on(postgres_blog::connect(&url));
    threads.block_on(postgres_blog::check_all_equal(&shared));
    group.bench_function("multi-thread: hand-written batching (4 statements)", |b| {
        b.iter(|| {
            threads.block_on(async { black_box(postgres_blog::hand_batched(&shared).await) })
        });
    });
    group.bench_function(
        "multi-thread: hand-written, at once (4 statements at once)",
        |b| {
            b.iter(|| {
                threads.block_on(async { black_box(postgres_blog::hand_at_once(&shared).await) })
            });
        },
    );
    group.bench_function("multi-thread: unokit per-hop (4 statements)", |b| {
        b.iter(|| threads.block_on(async { black_box(postgres_blog::eager(&shared).await) }));
    });
    group.bench_function(
        "multi-thread: unokit concurrent hops (4 statements at once)",
        |b| {
            b.iter(|| {
                threads.block_on(async { black_box(postgres_blog::concurrent(&shared).await) })
            });
        },
    );
    group.finish();
    threads.block_on(shared.close());
    drop(threads);
    runtime.block_on(postgres_blog::remove(pool, &url));
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = postgres, growth
}
criterion_main!(benches);
