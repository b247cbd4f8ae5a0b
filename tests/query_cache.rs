//! Query results cached across sessions (`QueryCache`), kept fresh by the
//! database's own reports (`Changes`): served without a statement until a
//! table the query reads changes — written by unokit or not.

use std::time::{Duration, Instant};
use unokit::Filter;
use unokit::cache::CacheConfig;
use unokit::db::detect::Scope;
use unokit::db::query::Order;
use unokit::db::{Changes, QueryCache, Session};
use unokit_fixtures::blog::{self, Post};
use unokit_fixtures::on_both_engines;

#[derive(Filter, Clone, PartialEq, Eq, Hash)]
#[filter(model = Post)]
pub struct ByAuthor {
    author_id: Option<i64>,
}

const TABLES: [&str; 5] = ["posts", "authors", "comments", "tags", "post_tags"];

on_both_engines! {
    async fn results_are_served_until_a_table_they_read_changes(db, session) {
        let changes = Changes::new();
        let _watcher = changes.watch(&db.pool, &TABLES).await.unwrap();
        let cache = QueryCache::new(&changes, CacheConfig::new().with_capacity(1_000));
        let by_one = ByAuthor { author_id: Some(1) };
        // A session per query, as per request: a session's loaders remember
        // what they loaded, for the session's life.
        // The scope counts the sessions' statements, not the watcher's.
        let scope = Scope::new();
        let sessions: Vec<Session<_>> = (0..64)
            .map(|_| db.session().with_scope(scope.clone()))
            .collect();
        let mut next = sessions.iter();
        let mut query = |filter| {
            next.next()
                .unwrap()
                .query::<Post>()
                .filter(filter)
                .include(Post::AUTHOR)
                .order_by(Order::desc("id"))
        };
        // From another session: the session's loaders remember what they load.
        let fresh = db
            .session()
            .query::<Post>()
            .filter(&by_one)
            .include(Post::AUTHOR)
            .order_by(Order::desc("id"))
            .all()
            .await
            .unwrap();
        assert!(!fresh.is_empty());

        scope.reset();
        assert_eq!(query(&by_one).cached(&cache).await.unwrap(), fresh);
        assert_eq!(scope.selects(), 2, "a miss runs the query and its include");
        scope.reset();
        assert_eq!(query(&by_one).cached(&cache).await.unwrap(), fresh);
        assert_eq!(scope.selects(), 0, "a hit runs nothing");
        assert_eq!((cache.hits(), cache.misses()), (1, 1));

        // Another value of the filter is another query.
        let by_two = ByAuthor { author_id: Some(2) };
        let other = query(&by_two).cached(&cache).await.unwrap();
        assert!(other.iter().all(|post| post.author_id == 2));
        assert_eq!(cache.misses(), 2);

        // A table the query does not read: still served.
        unokit::db::sqlx::raw_sql("UPDATE comments SET body = 'edited' WHERE id = 1")
            .execute(&db.pool)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        scope.reset();
        assert_eq!(query(&by_one).cached(&cache).await.unwrap(), fresh);
        assert_eq!(scope.selects(), 0);

        // An included table, written around unokit: stale once the database
        // reports it.
        unokit::db::sqlx::raw_sql("UPDATE authors SET name = 'renamed' WHERE id = 1")
            .execute(&db.pool)
            .await
            .unwrap();
        let written = Instant::now();
        loop {
            let rows = query(&by_one).cached(&cache).await.unwrap();
            if rows[0].author.get().unwrap().name == "renamed" {
                break;
            }
            assert!(written.elapsed() < Duration::from_secs(2), "the rename was never seen");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }

        // Through a session that reports its writes: stale at once.
        let writer = Session::new(db.pool.clone()).with_changes(&changes);
        let mut post = fresh[0].clone();
        post.title = "edited through the session".into();
        writer.update(&post).await.unwrap();
        let rows = query(&by_one).cached(&cache).await.unwrap();
        assert_eq!(rows[0].title, "edited through the session");
        let _ = (blog::POSTS, &session);
    }

    async fn callers_that_miss_one_query_together_run_it_once(db, session) {
        let changes = Changes::new();
        let _watcher = changes.watch(&db.pool, &TABLES).await.unwrap();
        let cache = QueryCache::new(&changes, CacheConfig::new().with_capacity(1_000));
        let scope = Scope::new();
        let sessions: Vec<Session<_>> = (0..16)
            .map(|_| db.session().with_scope(scope.clone()))
            .collect();
        let (by_one, by_two) = (ByAuthor { author_id: Some(1) }, ByAuthor { author_id: Some(2) });
        // Every connection of the pool held for 100 ms: the first caller's
        // query waits for one, and the other 15 miss meanwhile.
        let hold = || async {
            let mut held = Vec::new();
            for _ in 0..db.pool.options().get_max_connections() {
                held.push(db.pool.acquire().await.unwrap());
            }
            held
        };
        let release_later = |held| async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(held);
        };

        let release = release_later(hold().await);
        let callers = futures::future::join_all(sessions.iter().map(|s| {
            s.query::<Post>()
                .filter(&by_one)
                .include(Post::AUTHOR)
                .order_by(Order::desc("id"))
                .cached(&cache)
        }));
        let (results, ()) = tokio::join!(callers, release);
        let first = results[0].as_ref().unwrap();
        assert!(!first.is_empty());
        assert!(results.iter().all(|rows| rows.as_ref().unwrap() == first));
        assert_eq!((cache.misses(), cache.hits()), (1, 15), "one caller ran the query");
        assert_eq!(scope.selects(), 2, "the query and its include, once");

        // A flight that ends without rows (the first caller's deadline passes
        // while it waits for a connection): the others run the query on
        // their own, at once, and get their rows.
        let hurried = db.session().with_timeout(Duration::from_millis(10));
        let release = release_later(hold().await);
        let callers = futures::future::join_all(
            std::iter::once(&hurried)
                .chain(&sessions[1..])
                .map(|s| {
                    s.query::<Post>()
                        .filter(&by_two)
                        .include(Post::AUTHOR)
                        .order_by(Order::desc("id"))
                        .cached(&cache)
                }),
        );
        let (results, ()) = tokio::join!(callers, release);
        assert!(matches!(results[0], Err(unokit::db::DbError::Timeout(_))));
        let second = results[1].as_ref().unwrap();
        assert!(second.iter().all(|post| post.author_id == 2));
        assert!(results[1..].iter().all(|rows| rows.as_ref().unwrap() == second));
        assert_eq!(cache.misses(), 1 + 16, "each caller ran its own query after the failed one");
        let _ = &session;
    }
}
