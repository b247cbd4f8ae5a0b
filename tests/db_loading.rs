//! Loading at scale and caching across sessions, on SQLite and PostgreSQL, with
//! statements counted at the connection: 100 000 keys past the engines' bind
//! limits, the relation cache and its invalidation by writes, and
//! `#[batch_load]` over a real pool.

use unokit_fixtures::{blog, counting, on_both_engines};

use blog::{Author, Comment, Post};
use std::time::{Duration, Instant};
use unokit::batch::{LoadError, LoaderConfig};
use unokit::cache::CacheConfig;
use unokit::db::{DbError, Engine, Related, RelationCache};

/// Statements needed for `keys` keys on the engine of `db`.
fn statements_for<DB: Engine>(_db: &counting::TestDb<DB>, keys: usize) -> u64 {
    u64::try_from(keys.div_ceil(DB::keys_per_statement())).unwrap()
}

const MANY: i64 = 100_000;

/// Adds authors up to `MANY` in one statement, the same SQL on both engines.
const MORE_AUTHORS: &str = "
    WITH RECURSIVE n(x) AS (SELECT 41 UNION ALL SELECT x + 1 FROM n WHERE x < 100000)
    INSERT INTO authors (id, name) SELECT x, 'author ' || x FROM n";

fn new_comment(id: i64, post_id: i64, body: &str) -> Comment {
    Comment {
        id,
        post_id,
        author_id: 1,
        body: body.into(),
        author: Related::default(),
    }
}

on_both_engines! {
    async fn loading_100_000_keys_respects_the_bind_limits(db, session) {
        unokit::db::sqlx::raw_sql(MORE_AUTHORS).execute(&db.pool).await.unwrap();
        // The defaults: batches sized by the engine's bind limit.
        let session = db.session();
        db.reset_count();
        let authors = session.find_many::<Author>(1..=MANY).await.unwrap();
        assert_eq!(authors.len(), 100_000);
        assert_eq!(authors[99_999].name, "author 100000");
        let expected = statements_for(&db, 100_000);
        assert_eq!(db.selects(), expected, "batches split only by the bind limit");
        assert!(expected <= 4, "SQLite 4 (32 766 keys each), PostgreSQL 1");

        // A cap the user gives is kept.
        let capped = db.session().with_loader_config(LoaderConfig::new().with_max_batch(10_000));
        db.reset_count();
        assert_eq!(capped.find_many::<Author>(1..=MANY).await.unwrap().len(), 100_000);
        assert_eq!(db.selects(), 10);
    }

    async fn a_relation_cache_serves_later_sessions_until_a_write_invalidates(db, session) {
        let cache = RelationCache::new(CacheConfig::new().with_capacity(10_000).with_ttl(Duration::from_secs(600)));
        let load = |cache: &RelationCache| {
            let session = db.session().with_relation_cache(cache.clone());
            async move {
                session
                    .query::<Post>()
                    .include(Post::AUTHOR)
                    .include(Post::COMMENTS)
                    .all()
                    .await
                    .unwrap()
            }
        };
        db.reset_count();
        let first = load(&cache).await;
        assert_eq!(db.selects(), 3, "posts, authors, comments");
        db.reset_count();
        let second = load(&cache).await;
        assert_eq!(db.selects(), 1, "only the posts: both relations came from the cache");
        assert_eq!(first, second);
        assert_eq!(cache.entry_count(Post::COMMENTS), 100);

        // Inserting a comment on post 3 invalidates post 3's comments only.
        let writer = db.session().with_relation_cache(cache.clone());
        writer.insert(&new_comment(5000, 3, "fresh")).await.unwrap();
        db.reset_count();
        let third = load(&cache).await;
        assert_eq!(db.selects(), 2, "posts, and one batch with post 3's comments");
        let comments = third[2].comments.get().unwrap();
        assert_eq!(comments.len(), 11);
        assert_eq!(comments.last().unwrap().body, "fresh");

        // Renaming an author invalidates that author.
        let mut author = writer.find::<Author>(4).await.unwrap().unwrap();
        author.name = "renamed".into();
        assert_eq!(writer.update(&author).await.unwrap(), 1);
        let fourth = load(&cache).await;
        assert_eq!(fourth[2].author.get().unwrap().name, "renamed", "post 3's author is author 4");

        // Updating a comment may move it between posts: the relation is refetched.
        let mut moved = new_comment(5000, 4, "moved");
        writer.update(&moved).await.unwrap();
        db.reset_count();
        let fifth = load(&cache).await;
        assert_eq!(db.selects(), 2);
        assert_eq!(fifth[2].comments.get().unwrap().len(), 10);
        assert_eq!(fifth[3].comments.get().unwrap().len(), 11);

        // Deleting it invalidates its post.
        moved.post_id = 4;
        assert_eq!(writer.delete(&moved).await.unwrap(), 1);
        let sixth = load(&cache).await;
        assert_eq!(sixth[3].comments.get().unwrap().len(), 10);

        cache.invalidate_all();
        db.reset_count();
        load(&cache).await;
        assert_eq!(db.selects(), 3, "everything refetched");
        drop(session);
    }

    async fn a_session_fails_fast_when_no_connection_comes_free(db, session) {
        // Every connection is held elsewhere: sqlx's acquire would wait 30 s.
        let mut held = Vec::new();
        for _ in 0..db.pool.options().get_max_connections() {
            held.push(db.pool.acquire().await.unwrap());
        }
        let timeout = Duration::from_millis(200);
        let wedged = db.session().with_timeout(timeout);
        let started = Instant::now();
        let deadline = Duration::from_secs(10);
        let found = tokio::time::timeout(deadline, wedged.find::<Post>(1)).await.expect("find hung");
        assert!(matches!(found, Err(DbError::Batch(LoadError::TimedOut(after))) if after == timeout), "{found:?}");
        let all = tokio::time::timeout(deadline, wedged.all::<Post>()).await.expect("all hung");
        assert!(matches!(all, Err(DbError::Timeout(after)) if after == timeout), "{all:?}");
        let write = tokio::time::timeout(deadline, wedged.insert(&new_comment(7000, 1, "late"))).await.expect("insert hung");
        assert!(matches!(write, Err(DbError::Timeout(_))), "{write:?}");
        assert_eq!(write.unwrap_err().to_string(), "the statement did not finish within 200ms");
        assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
        // Connections come free: the same session recovers on its next call.
        drop(held);
        assert_eq!(wedged.find::<Post>(1).await.unwrap().unwrap().id, 1);
        assert_eq!(wedged.all::<Post>().await.unwrap().len(), 100);
        drop(session);
    }

    async fn a_write_through_a_session_refreshes_its_own_loaders(db, session) {
        let mut post = session.find::<Post>(7).await.unwrap().unwrap();
        assert_eq!(Post::COMMENTS.load(&session, &mut post).await.unwrap().len(), 10);
        session.insert(&new_comment(6000, 7, "late")).await.unwrap();
        let mut again = session.find::<Post>(7).await.unwrap().unwrap();
        assert_eq!(Post::COMMENTS.load(&session, &mut again).await.unwrap().len(), 11);
        post.title = "retitled".into();
        session.update(&post).await.unwrap();
        let retitled = session.find::<Post>(7).await.unwrap().unwrap();
        assert_eq!(retitled.title, "retitled");
        assert_eq!(session.delete(&retitled).await.unwrap(), 1);
        assert_eq!(session.find::<Post>(7).await.unwrap(), None);
        db.reset_count();
    }
}
