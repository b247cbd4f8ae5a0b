//! Concurrent hops (`query().include(..).concurrent()`): one statement per
//! hop, all sent at once, each naming its parents by their statement; the
//! same models as per-hop batching and the naive loop give, on SQLite and
//! PostgreSQL, with NULLs, unicode, large text, floats, booleans and empty
//! relations; a load dropped while its hops wait for connections runs none
//! of them afterwards; and on PostgreSQL behind a slow link, about one round
//! trip instead of one per hop.

use std::time::{Duration, Instant};
use unokit::Model;
use unokit::db::detect::Scope;
use unokit::db::{DbError, Related, Session};
use unokit_fixtures::{blog, on_both_engines};

use blog::{Comment, Post, Tag};

on_both_engines! {
    async fn concurrent_hops_are_one_statement_per_hop_and_equal_the_naive_loop(db, session) {
        let naive = blog::naive(&session).await.unwrap();
        db.reset_count();
        let concurrent = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .concurrent()
            .all()
            .await
            .unwrap();
        assert_eq!(db.selects(), 4, "the posts and three hops");
        assert_eq!(concurrent, naive);
    }

    async fn many_to_many_find_many_and_optional_includes_equal_per_hop_batching(db, session) {
        let keys = [7, 3, 1_000_000, 3, 42];
        let per_hop = db
            .session()
            .query::<Post>()
            .include(Post::TAGS)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .find_many(keys)
            .await
            .unwrap();
        let concurrent = session
            .query::<Post>()
            .include(Post::TAGS)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .concurrent()
            .find_many(keys)
            .await
            .unwrap();
        assert_eq!(concurrent.iter().map(|post| post.id).collect::<Vec<_>>(), [7, 3, 3, 42]);
        assert_eq!(concurrent, per_hop);
        let tags: &Vec<Tag> = concurrent[0].tags.get().unwrap();
        assert!(!tags.is_empty() && tags.windows(2).all(|pair| pair[0].id < pair[1].id));
        // An include decided at run time: absent, the relation stays unloaded.
        let without = session
            .query::<Post>()
            .include_if(false, Post::AUTHOR)
            .include_if(true, Post::TAGS)
            .concurrent()
            .find(7)
            .await
            .unwrap()
            .unwrap();
        assert!(without.author.is_unloaded());
        assert_eq!(without.tags.get().unwrap(), tags);
        let none = session.query::<Post>().concurrent().find(1_000_000).await.unwrap();
        assert_eq!(none, None);
    }

    async fn concurrent_loads_from_many_tasks_each_get_the_whole_tree(db, session) {
        let naive = blog::naive(&session).await.unwrap();
        let loads = (0..16).map(|_| {
            let session = db.session();
            tokio::spawn(async move {
                session
                    .query::<Post>()
                    .include(Post::AUTHOR)
                    .include(Post::COMMENTS.with(Comment::AUTHOR))
                    .concurrent()
                    .all()
                    .await
                    .unwrap()
            })
        });
        for load in loads.collect::<Vec<_>>() {
            assert_eq!(load.await.unwrap(), naive);
        }
    }

    async fn the_hops_count_in_the_callers_detector_scope(db, session) {
        // A session without a scope of its own: the caller's is the one. On a
        // multi-thread runtime each hop runs on a task of its own, which has
        // to take the caller's scope along.
        let plain = Session::new(db.pool.clone());
        let scope = Scope::new();
        let posts = scope
            .run(
                plain
                    .query::<Post>()
                    .include(Post::AUTHOR)
                    .include(Post::COMMENTS.with(Comment::AUTHOR))
                    .concurrent()
                    .all(),
            )
            .await
            .unwrap();
        assert_eq!(posts, blog::naive(&session).await.unwrap());
        assert_eq!(scope.statements(), 4, "the posts and three hops");
    }

    async fn a_dropped_load_runs_no_statement_after_it(db, session) {
        // Every connection of the pool held: the load's statements wait for
        // one, and the load is dropped while they wait (as a timeout around
        // it, or a client gone, drops it). On a multi-thread runtime each hop
        // waits on a task of its own, which must end with the load.
        let mut held = Vec::new();
        for _ in 0..db.pool.options().get_max_connections() {
            held.push(db.pool.acquire().await.unwrap());
        }
        db.reset_count();
        let load = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .concurrent()
            .all();
        if let Ok(ended) = tokio::time::timeout(Duration::from_millis(50), load).await {
            panic!("the load ended without a connection: {ended:?}");
        }
        drop(held);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(db.selects(), 0, "a hop ran after its load was dropped");
        // The connections are whole again.
        let posts = session.query::<Post>().concurrent().all().await.unwrap();
        assert_eq!(posts.len(), blog::naive(&session).await.unwrap().len());
    }
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "hops_owners")]
struct Owner {
    #[model(primary_key)]
    id: i64,
    name: Option<String>,
    score: f64,
    flag: bool,
    maybe: Option<bool>,
    #[model(has_many(Item, foreign_key = owner_id))]
    items: Related<Vec<Item>>,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "hops_items")]
struct Item {
    #[model(primary_key)]
    id: i64,
    owner_id: i64,
    text: String,
    value: Option<i64>,
    #[model(belongs_to(Owner, key = owner_id))]
    owner: Related<Owner>,
}

const SCHEMA: &str = "
    CREATE TABLE hops_owners (id BIGINT PRIMARY KEY, name TEXT, score DOUBLE PRECISION NOT NULL,
        flag BOOLEAN NOT NULL, maybe BOOLEAN);
    CREATE TABLE hops_items (id BIGINT PRIMARY KEY, owner_id BIGINT NOT NULL, text TEXT NOT NULL,
        value BIGINT);
";

/// Owners with NULLs, unicode, a large text, floats at the edges, both
/// booleans; one without items.
fn owners() -> Vec<Owner> {
    let names = [
        None,
        Some("ünïcødé ✓ 日本語 \"quoted\" \\ back".to_owned()),
        Some(String::new()),
        Some("x".repeat(100_000)),
    ];
    let scores = [0.1 + 0.2, -0.0, f64::MAX, f64::MIN_POSITIVE];
    names
        .into_iter()
        .zip(scores)
        .enumerate()
        .map(|(index, (name, score))| {
            let id = i64::try_from(index).unwrap() + 1;
            let items = (0..index)
                .map(|n| Item {
                    id: id * 100 + i64::try_from(n).unwrap(),
                    owner_id: id,
                    text: format!("item {n} of {id} — ☃"),
                    value: (n % 2 == 0).then_some(i64::MIN + i64::try_from(n).unwrap()),
                    owner: Related::default(),
                })
                .collect();
            Owner {
                id,
                name,
                score,
                flag: index % 2 == 0,
                maybe: [None, Some(true), Some(false)][index % 3],
                items: Related::loaded(items),
            }
        })
        .collect()
}

/// The schema is made: write, then load concurrently and per hop. A macro,
/// not a function generic over the engine: the relations' bounds name the
/// engine's key types.
macro_rules! extremes {
    ($db:expr, $session:expr) => {{
        let (db, session) = ($db, $session);
        let written = owners();
        for owner in &written {
            session.insert(owner).await.unwrap();
            for item in owner.items.get().unwrap() {
                session.insert(item).await.unwrap();
            }
        }
        let concurrent = db
            .session()
            .query::<Owner>()
            .include(Owner::ITEMS)
            .concurrent()
            .all()
            .await
            .unwrap();
        assert_eq!(concurrent, written, "what was written comes back");
        assert!(concurrent[0].items.get().unwrap().is_empty());
        // Bit for bit as per-hop batching reads them (`==` takes -0.0 for 0.0).
        let per_hop = db
            .session()
            .query::<Owner>()
            .include(Owner::ITEMS)
            .all()
            .await
            .unwrap();
        for (loaded, per_hop) in concurrent.iter().zip(&per_hop) {
            assert_eq!(loaded.score.to_bits(), per_hop.score.to_bits());
        }
        // Deeper, back up and down: items with their owners, with their items.
        let per_hop = db
            .session()
            .query::<Item>()
            .include(Item::OWNER.with(Owner::ITEMS))
            .all()
            .await
            .unwrap();
        let concurrent = db
            .session()
            .query::<Item>()
            .include(Item::OWNER.with(Owner::ITEMS))
            .concurrent()
            .all()
            .await
            .unwrap();
        assert_eq!(concurrent, per_hop);
        assert_eq!(concurrent.len(), 6);
        // A `belongs_to` row that does not exist is the same error as per hop.
        let orphan = Item {
            id: -1,
            owner_id: 424_242,
            text: "orphan".to_owned(),
            value: None,
            owner: Related::default(),
        };
        session.insert(&orphan).await.unwrap();
        let error = db
            .session()
            .query::<Item>()
            .include(Item::OWNER)
            .concurrent()
            .all()
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                DbError::MissingRow {
                    relation: "Item.owner"
                }
            ),
            "{error}"
        );
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_values_equal_what_was_written_on_sqlite() {
    let db = unokit_fixtures::counting::sqlite().await;
    unokit::db::sqlx::raw_sql(SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    let session = db.session();
    extremes!(&db, &session);
    db.finish().await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_values_equal_what_was_written_on_postgres() {
    let Some(db) = unokit_fixtures::counting::postgres("hops_extremes").await else {
        return;
    };
    unokit::db::sqlx::raw_sql(SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    let session = db.session();
    extremes!(&db, &session);
    db.finish().await;
}

/// Behind a link that holds every chunk of bytes 40 ms, per-hop batching pays
/// its statements' round trips one after the other; concurrent hops pay
/// those of about one statement.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_slow_link_the_hops_overlap() {
    use unokit::db::sqlx::postgres::PgPoolOptions;
    let Some((db, proxy)) = unokit_fixtures::counting::postgres_through_proxy(
        "hops_slow_link",
        PgPoolOptions::new().max_connections(4).min_connections(4),
    )
    .await
    else {
        return;
    };
    unokit::db::sqlx::raw_sql(blog::SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    let session = db.session();
    blog::seed(&session).await.unwrap();
    let test_db = &db;
    let load = |concurrent: bool| async move {
        let session = test_db.session();
        let query = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::COMMENTS.with(Comment::AUTHOR));
        let started = Instant::now();
        let posts = if concurrent {
            query.concurrent().all().await.unwrap()
        } else {
            query.all().await.unwrap()
        };
        (started.elapsed(), posts)
    };
    // Every connection opened and every statement prepared before the delay.
    for _ in 0..8 {
        let (_, per_hop) = load(false).await;
        let (_, concurrent) = load(true).await;
        assert_eq!(concurrent, per_hop);
    }
    let delay = Duration::from_millis(40);
    proxy.set_delay(delay);
    let (per_hop, _) = load(false).await;
    let (concurrent, _) = load(true).await;
    proxy.set_delay(Duration::ZERO);
    // Each round trip passes the proxy twice.
    assert!(per_hop >= delay * 2 * 4, "per hop: {per_hop:?}");
    // Measured: 0.92 s per hop, 0.34 s concurrent (sqlx pings a connection
    // before handing it out: two round trips a statement either way).
    assert!(
        concurrent * 3 < per_hop * 2,
        "concurrent {concurrent:?}, per hop {per_hop:?}"
    );
    println!("behind {delay:?} a way: per hop {per_hop:?}, concurrent {concurrent:?}");
    db.finish().await;
    drop(proxy);
}
