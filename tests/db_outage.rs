//! A PostgreSQL outage, played by a TCP proxy the test owns between the pool
//! and the server: paused (black-holed), killed, brought back. Loads and
//! statements fail within the session's timeout, never for the length of the
//! outage, and the next request after it succeeds.
#![cfg(feature = "postgres")]

use unokit_fixtures::proxy::Proxy;
use unokit_fixtures::{blog, counting};

use blog::Post;
use std::future::Future;
use std::time::{Duration, Instant};
use unokit::batch::LoadError;
use unokit::db::sqlx::Postgres;
use unokit::db::sqlx::postgres::PgPoolOptions;
use unokit::db::{DbError, Session};

const TIMEOUT: Duration = Duration::from_millis(500);
/// Far above the session's timeout and far below sqlx's 30 s acquire timeout:
/// a call that takes longer has hung.
const BOUND: Duration = Duration::from_secs(4);

/// Runs `call`, failing the test if it takes longer than [`BOUND`]; returns its
/// result.
async fn bounded<T>(what: &str, call: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(30), call)
        .await
        .unwrap_or_else(|_| panic!("{what} hung"));
    let took = started.elapsed();
    assert!(took < BOUND, "{what} took {took:?}");
    result
}

/// Finds, lazy relation loads from 20 tasks and a statement of the session,
/// all at once on a fresh session: their results.
async fn a_request(session: Session<Postgres>) -> Vec<Result<(), DbError>> {
    let mut tasks = tokio::task::JoinSet::new();
    for id in 1..=20 {
        let session = session.clone();
        tasks.spawn(async move {
            let mut post = session.find::<Post>(id).await?.expect("a seeded post");
            Post::AUTHOR.load(&session, &mut post).await?;
            Ok(())
        });
    }
    let listing = session.clone();
    tasks.spawn(async move { listing.all::<Post>().await.map(drop) });
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        results.push(joined.unwrap());
    }
    results
}

/// The blog on a fresh PostgreSQL schema, its pool connected through a proxy.
async fn seeded(test: &str, pool: PgPoolOptions) -> Option<(counting::TestDb<Postgres>, Proxy)> {
    let (db, proxy) = counting::postgres_through_proxy(test, pool).await?;
    unokit::db::sqlx::raw_sql(blog::SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    blog::seed(&db.session()).await.unwrap();
    Some((db, proxy))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_fails_requests_within_the_timeout_and_they_recover_after() {
    // sqlx's defaults but for the size: the session's deadline is what bounds a call.
    let Some((db, proxy)) = seeded("outage", PgPoolOptions::new().max_connections(4)).await else {
        return;
    };
    let session = || db.session().with_timeout(TIMEOUT);
    let ok = bounded("a request before the outage", a_request(session())).await;
    assert!(ok.iter().all(Result::is_ok), "{ok:?}");

    // Paused: connections stay open, nothing answers.
    proxy.pause();
    let paused = bounded("a request while paused", a_request(session())).await;
    assert_eq!(paused.len(), 21);
    for result in &paused {
        match result {
            Err(DbError::Batch(LoadError::TimedOut(after)) | DbError::Timeout(after)) => {
                assert_eq!(*after, TIMEOUT);
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
    }
    proxy.resume();
    let back = bounded("the first request after the pause", a_request(db.session())).await;
    assert!(back.iter().all(Result::is_ok), "{back:?}");

    // Killed: connections cut, new ones closed at once.
    proxy.kill();
    let killed = bounded("a request while down", a_request(session())).await;
    assert!(killed.iter().all(Result::is_err), "{killed:?}");
    proxy.resume();
    let back = bounded("the first request after the kill", a_request(db.session())).await;
    assert!(back.iter().all(Result::is_ok), "{back:?}");

    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_link_within_the_timeout_is_not_an_error() {
    let Some((db, proxy)) = seeded("slow link", PgPoolOptions::new().max_connections(2)).await
    else {
        return;
    };
    proxy.set_delay(Duration::from_millis(20));
    let slow = bounded(
        "a request over a slow link",
        a_request(db.session().with_timeout(Duration::from_secs(3))),
    )
    .await;
    assert!(slow.iter().all(Result::is_ok), "{slow:?}");
    proxy.set_delay(Duration::ZERO);
    db.finish().await;
}
