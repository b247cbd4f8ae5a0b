//! PostgreSQL's nested `all()`: each hop's plain statement on one connection
//! taken from the pool once. The same models as per-hop batching (a
//! `many_to_many` too) with one connection handed out instead of one per
//! statement (the pool checks each with a round trip: `postgres_interleaved`
//! measures what that saves); a session's deadline and a failing statement
//! end the load with a clear `DbError` and leave the pool usable.
//! (`nested_loading.rs` compares the values and text keys on both engines,
//! `nested_hops.rs` SQLite's stepped hops.)
#![cfg(feature = "postgres")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};
use unokit::db::sqlx::postgres::PgPoolOptions;
use unokit::db::sqlx::{self, Postgres};
use unokit::db::{DbError, Session};
use unokit_fixtures::blog::{self, Comment, Post};
use unokit_fixtures::counting::TestDb;
use unokit_fixtures::proxy::Proxy;

/// A blog behind a proxy (no delay until a test sets one), on a pool of four
/// that counts the connections it hands out.
async fn blog_behind_proxy(test: &str) -> Option<(TestDb<Postgres>, Proxy, Arc<AtomicUsize>)> {
    let handed_out = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&handed_out);
    // All four open from the start: a connection the pool opens for a load
    // is not counted (`before_acquire` is asked of idle ones).
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .min_connections(4)
        .before_acquire(move |_, _| {
            counter.fetch_add(1, SeqCst);
            Box::pin(async { Ok(true) })
        });
    let (db, proxy) = unokit_fixtures::counting::postgres_through_proxy(test, pool).await?;
    sqlx::raw_sql(blog::SCHEMA).execute(&db.pool).await.unwrap();
    blog::seed(&db.session()).await.unwrap();
    Some((db, proxy, handed_out))
}

async fn per_hop(session: &Session<Postgres>) -> Result<Vec<Post>, DbError> {
    session
        .query::<Post>()
        .include(Post::AUTHOR)
        .include(Post::TAGS)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .all()
        .await
}

async fn nested(session: &Session<Postgres>) -> Result<Vec<Post>, DbError> {
    session
        .query::<Post>()
        .include(Post::AUTHOR)
        .include(Post::TAGS)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .nested()
        .all()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nested_load_runs_every_hop_on_one_connection() {
    let Some((db, proxy, handed_out)) = blog_behind_proxy("nested_one_connection").await else {
        return;
    };
    let expected = per_hop(&db.session()).await.unwrap();
    handed_out.store(0, SeqCst);
    db.reset_count();
    let loaded = nested(&db.session()).await.unwrap();
    assert_eq!(loaded, expected);
    assert_eq!(
        db.selects(),
        5,
        "the posts, their authors, tags, comments and the comments' authors"
    );
    assert_eq!(
        handed_out.load(SeqCst),
        1,
        "one connection for the whole load"
    );
    handed_out.store(0, SeqCst);
    per_hop(&db.session()).await.unwrap();
    assert!(
        handed_out.load(SeqCst) >= 4,
        "per-hop batching takes a connection a statement"
    );
    // A load of no rows sends only the root's statement.
    sqlx::raw_sql("DELETE FROM post_tags; DELETE FROM comments; DELETE FROM posts")
        .execute(&db.pool)
        .await
        .unwrap();
    db.reset_count();
    assert_eq!(nested(&db.session()).await.unwrap(), []);
    assert_eq!(db.selects(), 1);
    db.finish().await;
    drop(proxy);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_or_a_failing_hop_ends_the_load_and_the_next_one_succeeds() {
    let Some((db, proxy, _)) = blog_behind_proxy("nested_deadline").await else {
        return;
    };
    let expected = per_hop(&db.session()).await.unwrap();
    let timeout = Duration::from_millis(150);
    let session = db.session().with_timeout(timeout);
    // Each round trip now takes 60 ms: the connection's check, the posts and
    // four hops take more than the deadline.
    proxy.set_delay(Duration::from_millis(30));
    let started = Instant::now();
    let error = nested(&session).await.unwrap_err();
    assert!(
        matches!(error, DbError::Timeout(t) if t == timeout),
        "{error:?}"
    );
    assert!(started.elapsed() < timeout * 3, "{:?}", started.elapsed());
    proxy.set_delay(Duration::ZERO);
    assert_eq!(nested(&session).await.unwrap(), expected);
    // A hop whose statement fails: the error is the database's.
    sqlx::raw_sql("ALTER TABLE comments RENAME COLUMN body TO text")
        .execute(&db.pool)
        .await
        .unwrap();
    let error = nested(&session).await.unwrap_err();
    assert!(
        matches!(&error, DbError::Sqlx(sqlx) if matches!(**sqlx, sqlx::Error::Database(_))),
        "{error:?}"
    );
    assert!(error.to_string().contains("body"), "{error}");
    sqlx::raw_sql("ALTER TABLE comments RENAME COLUMN text TO body")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(nested(&session).await.unwrap(), expected);
    db.finish().await;
    drop(proxy);
}
