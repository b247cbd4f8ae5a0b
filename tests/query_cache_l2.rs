//! Query results shared by two instances through the real Redis at
//! `UNOKIT_TEST_REDIS_URL` (skipped without it), on SQLite and PostgreSQL:
//! what one instance read, the other takes from Redis without a statement,
//! while the database's versions of the tables it read are those the other
//! knows; a write, made around unokit or through a session, makes it a miss.
//!
//! "Two instances" are two `QueryCache`s with their own `Changes` and their
//! own watchers (their own connections); the tier is the process's one, on
//! one multi-thread runtime that all the tests share (its connection lives
//! on the runtime that first uses it).
#![cfg(feature = "redis")]

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use unokit::cache::CacheConfig;
use unokit::cache::l2::{self, RedisTier, TierConfig};
use unokit::db::detect::Scope;
use unokit::db::query::Order;
use unokit::db::{Changes, QueryCache, Related, Session, WatchConfig};
use unokit::{Filter, Model};

static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

/// The blog's authors, as a response serializes them.
#[derive(Model, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[model(table = "authors")]
pub struct Author {
    #[model(primary_key)]
    pub id: i64,
    pub name: String,
}

/// The blog's posts with their author: what is not included is left out.
#[derive(Model, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[model(table = "posts")]
pub struct Post {
    #[model(primary_key)]
    pub id: i64,
    pub title: String,
    pub body: String,
    pub author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    #[serde(default, skip_serializing_if = "Related::is_unloaded")]
    pub author: Related<Author>,
}

#[derive(Filter, Clone, PartialEq, Eq, Hash, Serialize)]
#[filter(model = Post)]
pub struct ByAuthor {
    author_id: Option<i64>,
}

/// One instance: its own view of the tables' versions, and its cache.
struct Instance {
    changes: Changes,
    cache: QueryCache,
    _watcher: unokit::db::Watcher,
}

async fn instance<DB: unokit::db::Watch>(
    pool: &unokit::db::sqlx::Pool<DB>,
    namespace: &str,
) -> Instance {
    let changes = Changes::new();
    // Polled often, so that a write through a session is confirmed soon.
    let config = WatchConfig::new().with_poll(Duration::from_millis(20));
    let watcher = changes
        .watch_with(pool, &["posts", "authors"], config)
        .await
        .unwrap();
    let cache = QueryCache::shared(
        &changes,
        CacheConfig::new().with_capacity(1_000),
        namespace,
        Duration::from_secs(60),
    );
    Instance {
        changes,
        cache,
        _watcher: watcher,
    }
}

/// Installs the tier on the test server, once; `false` without one.
fn tier(test: &str) -> bool {
    let Ok(url) = std::env::var("UNOKIT_TEST_REDIS_URL") else {
        println!("skipped {test}: UNOKIT_TEST_REDIS_URL is not set");
        return false;
    };
    if l2::installed().is_none() {
        let _ = l2::install(RedisTier::new(TierConfig::new(url)).unwrap());
    }
    true
}

/// A namespace no earlier run has used.
fn fresh_namespace() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("unokit-test.queries.{nanos}.{}", std::process::id())
}

/// Fails the test once `what` has taken more than 3 s since `started`, else
/// waits a little before the next try.
async fn retry(started: Instant, what: &str) {
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{what}: not within 3 s"
    );
    tokio::time::sleep(Duration::from_millis(5)).await;
}

macro_rules! on_both_engines {
    ($(async fn $name:ident($db:ident) $body:block)*) => {
        mod sqlite {
            use super::*;
            $(
                #[test]
                fn $name() {
                    let _runtime = RUNTIME.enter();
                    if !tier(stringify!($name)) {
                        return;
                    }
                    RUNTIME.block_on(async {
                        tokio::spawn(async {
                            let $db = unokit_fixtures::counting::sqlite().await;
                            unokit::db::sqlx::raw_sql(unokit_fixtures::blog::SCHEMA).execute(&$db.pool).await.unwrap();
                            unokit_fixtures::blog::seed(&$db.session()).await.unwrap();
                            $body
                            $db.finish().await;
                        })
                        .await
                        .unwrap();
                    });
                }
            )*
        }

        #[cfg(feature = "postgres")]
        mod postgres {
            use super::*;
            $(
                #[test]
                fn $name() {
                    let _runtime = RUNTIME.enter();
                    if !tier(stringify!($name)) {
                        return;
                    }
                    RUNTIME.block_on(async {
                        tokio::spawn(async {
                            let Some($db) = unokit_fixtures::counting::postgres(concat!("l2_", stringify!($name))).await else {
                                return;
                            };
                            unokit::db::sqlx::raw_sql(unokit_fixtures::blog::SCHEMA).execute(&$db.pool).await.unwrap();
                            unokit_fixtures::blog::seed(&$db.session()).await.unwrap();
                            $body
                            $db.finish().await;
                        })
                        .await
                        .unwrap();
                    });
                }
            )*
        }
    };
}

on_both_engines! {
    async fn one_instance_reads_what_the_other_stored_until_a_table_changes(db) {
        let namespace = fresh_namespace();
        let a = instance(&db.pool, &namespace).await;
        let b = instance(&db.pool, &namespace).await;
        let scope = Scope::new();
        let query = |cache: &QueryCache, filter: &ByAuthor| {
            let session = db.session().with_scope(scope.clone());
            let cache = cache.clone();
            let filter = filter.clone();
            async move {
                session
                    .query::<Post>()
                    .filter(&filter)
                    .include(Post::AUTHOR)
                    .order_by(Order::desc("id"))
                    .cached_l2(&cache)
                    .await
                    .unwrap()
            }
        };
        let by_one = ByAuthor { author_id: Some(1) };
        let fresh = query(&a.cache, &by_one).await;
        assert!(!fresh.is_empty() && fresh.iter().all(|post| post.author.get().unwrap().id == 1));
        assert_eq!((a.cache.misses(), a.cache.shared_hits()), (1, 0));

        // B has never run it: Redis answers once A's write behind landed.
        let started = Instant::now();
        while a.cache.shared_writes() == 0 {
            retry(started, "A's result reaches Redis").await;
        }
        scope.reset();
        assert_eq!(query(&b.cache, &by_one).await, fresh);
        assert_eq!(b.cache.shared_hits(), 1);
        assert_eq!(scope.selects(), 0, "a shared hit runs no statement");
        scope.reset();
        assert_eq!(query(&b.cache, &by_one).await, fresh);
        assert_eq!((scope.selects(), b.cache.hits()), (0, 1), "then a local hit");

        // Another filter value is another entry.
        let other = query(&b.cache, &ByAuthor { author_id: Some(2) }).await;
        assert!(other.iter().all(|post| post.author_id == 2));

        // Written around unokit: once B's watcher has seen it, A's entry in
        // Redis (read before the write) is a miss for B, and B reads again.
        let stamp = b.changes.stamp(&["authors"]);
        unokit::db::sqlx::raw_sql("UPDATE authors SET name = 'renamed' WHERE id = 1")
            .execute(&db.pool)
            .await
            .unwrap();
        let started = Instant::now();
        while stamp.is_current() {
            retry(started, "B sees the write").await;
        }
        let shared_hits = b.cache.shared_hits();
        let rows = query(&b.cache, &by_one).await;
        assert_eq!(rows[0].author.get().unwrap().name, "renamed");
        assert_eq!(b.cache.shared_hits(), shared_hits, "the old entry is not taken");
        // And A, once it has seen the write too, takes B's new result.
        let started = Instant::now();
        while query(&a.cache, &by_one).await[0].author.get().unwrap().name != "renamed" {
            retry(started, "A sees the write").await;
        }

        // A write through A's session: A never serves what it read before,
        // from its cache or from Redis, even before its watcher confirms it.
        let writer = Session::new(db.pool.clone()).with_changes(&a.changes);
        let mut post = rows[0].clone();
        post.title = "edited through the session".into();
        post.author = Related::default();
        writer.update(&post).await.unwrap();
        assert_eq!(query(&a.cache, &by_one).await[0].title, "edited through the session");
        assert_eq!(query(&b.cache, &by_one).await.len(), fresh.len());
    }

    async fn a_query_of_another_type_or_model_never_reads_an_entry(db) {
        let namespace = fresh_namespace();
        let a = instance(&db.pool, &namespace).await;
        let b = instance(&db.pool, &namespace).await;
        let by_one = ByAuthor { author_id: Some(1) };
        let with_authors = db
            .session()
            .query::<Post>()
            .filter(&by_one)
            .include(Post::AUTHOR)
            .cached_l2(&a.cache)
            .await
            .unwrap();
        // Without the include: another query, whose rows have no author.
        let started = Instant::now();
        while a.cache.shared_writes() == 0 {
            retry(started, "A's result reaches Redis").await;
        }
        let scope = Scope::new();
        let bare = db
            .session()
            .with_scope(scope.clone())
            .query::<Post>()
            .filter(&by_one)
            .cached_l2(&b.cache)
            .await
            .unwrap();
        assert_eq!(b.cache.shared_hits(), 0);
        assert_eq!(scope.selects(), 1);
        assert!(bare.iter().all(|post| post.author.is_unloaded()));
        assert_eq!(bare.len(), with_authors.len());
    }
}
