//! N+1 queries, and how unokit removes them.
//!
//! Creates an embedded SQLite database (a file in the temporary directory),
//! seeds a blog: 100 posts, each with an author and 10 comments, each comment
//! with an author. Then loads every post with its author and its comments with
//! their authors, three ways, counting the statements SQLite runs:
//!
//! 1. naively, the way a loop over parents does: 1 + 100 + 100 + 1000 statements;
//! 2. with unokit, eagerly: `include` the relations, one statement per hop;
//! 3. with unokit, lazily, from 100 concurrent tasks: each task loads its own
//!    post's relations, and the session's batch loaders still make it one
//!    statement per hop.
//!
//! `cargo run --example blog --release`

use futures::future::join_all;
use std::future::Future;
use std::time::{Duration, Instant};
use unokit::db::sqlx::{self, Sqlite, SqlitePool};
use unokit::db::{DbError, Engine as _, ModelRow, Session};
use unokit_fixtures::counting as statements;
use unokit_fixtures::file_blog::{self, Author, Comment, Post};

// ---- The models -----------------------------------------------------------
// `Author`, `Post` and `Comment` are the blog fixture's, which the benchmark
// loads too (`fixtures/src/file_blog.rs`): each struct is a table, with
// `#[derive(Model)]`; `Related` fields are relations, loaded through batch
// loaders and never by a hidden query.

// ---- The three ways -------------------------------------------------------

/// What a loop over parents does: a statement per post for its author and its
/// comments, and one per comment for its author.
async fn naive(pool: &SqlitePool) -> Result<Vec<Post>, DbError> {
    let read = |row: &sqlx::sqlite::SqliteRow| <Post as ModelRow<Sqlite>>::from_row(row, 0);
    let mut posts = sqlx::query(Sqlite::statements::<Post>().select_all)
        .fetch_all(pool)
        .await?
        .iter()
        .map(read)
        .collect::<Result<Vec<_>, _>>()?;
    let comments_sql = format!(
        "{} WHERE post_id = ? ORDER BY id",
        Sqlite::statements::<Comment>().select
    );
    for post in &mut posts {
        post.author.set(author(pool, post.author_id).await?);
        let rows = sqlx::query(&comments_sql)
            .bind(post.id)
            .fetch_all(pool)
            .await?;
        let mut comments = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut comment = <Comment as ModelRow<Sqlite>>::from_row(row, 0)?;
            comment.author.set(author(pool, comment.author_id).await?);
            comments.push(comment);
        }
        post.comments.set(comments);
    }
    Ok(posts)
}

async fn author(pool: &SqlitePool, id: i64) -> Result<Author, DbError> {
    let row = sqlx::query(Sqlite::statements::<Author>().by_key)
        .bind(id)
        .fetch_one(pool)
        .await?;
    Ok(<Author as ModelRow<Sqlite>>::from_row(&row, 0)?)
}

/// unokit, eagerly: the relations to load are named up front, checked at
/// compile time, and each hop is one statement for all the parents.
async fn eager(pool: &SqlitePool) -> Result<Vec<Post>, DbError> {
    let session = Session::new(pool.clone()); // one per request
    session
        .query::<Post>()
        .include(Post::AUTHOR)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .all()
        .await
}

/// unokit, lazily: each task loads its post's relations when it needs them.
/// The loads are explicit (`Post::AUTHOR.load`), and concurrent loads of the
/// same relation share a batch: still one statement per hop.
async fn lazy(pool: &SqlitePool) -> Result<Vec<Post>, DbError> {
    let session = Session::new(pool.clone());
    let tasks: Vec<_> = session
        .all::<Post>()
        .await?
        .into_iter()
        .map(|mut post| {
            let session = session.clone();
            tokio::spawn(async move {
                Post::AUTHOR.load(&session, &mut post).await?;
                Post::COMMENTS.load(&session, &mut post).await?;
                let comments = post.comments.get_mut()?;
                let loads = comments
                    .iter_mut()
                    .map(|comment| Comment::AUTHOR.load(&session, comment));
                for loaded in join_all(loads).await {
                    loaded?;
                }
                Ok::<_, DbError>(post)
            })
        })
        .collect();
    let mut posts = Vec::with_capacity(tasks.len());
    for task in tasks {
        posts.push(task.await.expect("the task ran")?);
    }
    Ok(posts)
}

// ---- Running them ---------------------------------------------------------

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    statements::install();
    let pool = file_blog::database().await;

    let (naive_posts, naive_run) = run("naive loop", || naive(&pool)).await?;
    let (eager_posts, eager_run) = run("unokit, eager", || eager(&pool)).await?;
    let (lazy_posts, lazy_run) = run("unokit, lazy from 100 tasks", || lazy(&pool)).await?;
    assert_eq!(
        eager_posts, naive_posts,
        "eager loading loads what the loop loads"
    );
    assert_eq!(
        lazy_posts, naive_posts,
        "lazy loading loads what the loop loads"
    );

    let first = &eager_posts[0];
    println!(
        "\n{:?} by {}, {} comments; the first by {}",
        first.title,
        first.author.get()?.name,
        first.comments.get()?.len(),
        first.comments.get()?[0].author.get()?.name,
    );
    println!("\nagainst the naive loop:");
    for (name, measured) in [("eager", eager_run), ("lazy", lazy_run)] {
        let ratio = measured.time.as_secs_f64() / naive_run.time.as_secs_f64();
        println!(
            "  unokit {name:5}: {:>4}x fewer statements, {:.1}x faster ({:.0}% less time)",
            naive_run.statements / measured.statements.max(1),
            1.0 / ratio,
            (1.0 - ratio) * 100.0,
        );
    }
    file_blog::remove(pool).await;
    Ok(())
}

/// What one way took: the statements SQLite ran, and the best time of a few runs.
#[derive(Clone, Copy)]
struct Measured {
    statements: u64,
    time: Duration,
}

async fn run<F, Fut>(name: &str, load: F) -> Result<(Vec<Post>, Measured), DbError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Vec<Post>, DbError>>,
{
    let before = statements::selects();
    let posts = load().await?;
    let statements = statements::selects() - before;
    let mut time = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        load().await?;
        time = time.min(start.elapsed());
    }
    println!(
        "{name:28} {statements:>5} statements  {:>8.2} ms",
        time.as_secs_f64() * 1e3
    );
    Ok((posts, Measured { statements, time }))
}
