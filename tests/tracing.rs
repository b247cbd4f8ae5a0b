//! The `tracing` feature: each boundary a user debugs emits its span or event
//! with the fields the README's table gives, seen by a capturing subscriber
//! installed for the whole process; a `#[cached]` hit emits nothing.
#![cfg(all(feature = "tracing", feature = "axum", feature = "sqlite"))]

#[path = "http/support.rs"]
#[allow(dead_code)]
mod support;

use ::tracing::field::{Field, Visit};
use ::tracing::span::{Attributes, Id, Record};
use ::tracing::{Event, Metadata, Subscriber};
use futures::future::join_all;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use unokit_fixtures::blog;

/// A span or an event as the subscriber saw it, its fields as text.
#[derive(Clone, Debug)]
struct Seen {
    span: bool,
    name: String,
    target: String,
    fields: BTreeMap<String, String>,
}

impl Seen {
    fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// Every span and event of the `unokit` targets (and sqlx's statements), in
/// order. It is the process's global subscriber, so this file does not use
/// the fixtures' statement counter, which would be another.
#[derive(Default)]
struct Capture {
    next: AtomicU64,
    seen: Mutex<Vec<Seen>>,
    spans: Mutex<HashMap<u64, usize>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

struct Installed(&'static Capture);

impl Subscriber for Installed {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // sqlx's statements too, to count the `SELECT`s.
        metadata.target().starts_with("unokit") || metadata.target() == "sqlx::query"
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.0.next.fetch_add(1, SeqCst) + 1;
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        let mut seen = self.0.seen.lock().unwrap();
        seen.push(Seen {
            span: true,
            name: attributes.metadata().name().to_owned(),
            target: attributes.metadata().target().to_owned(),
            fields,
        });
        self.0.spans.lock().unwrap().insert(id, seen.len() - 1);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let index = self.0.spans.lock().unwrap()[&span.into_u64()];
        let mut seen = self.0.seen.lock().unwrap();
        values.record(&mut Fields(&mut seen[index].fields));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0.seen.lock().unwrap().push(Seen {
            span: false,
            name: fields.get("message").cloned().unwrap_or_default(),
            target: event.metadata().target().to_owned(),
            fields,
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The process's capture, installed on first use.
fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<&'static Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture: &'static Capture = Box::leak(Box::default());
        ::tracing::subscriber::set_global_default(Installed(capture)).unwrap();
        capture
    })
}

/// What was seen since `from` (a `mark`) that `keep` keeps.
fn seen_since(from: usize, keep: impl Fn(&Seen) -> bool) -> Vec<Seen> {
    capture().seen.lock().unwrap()[from..]
        .iter()
        .filter(|seen| keep(seen))
        .cloned()
        .collect()
}

fn mark() -> usize {
    capture().seen.lock().unwrap().len()
}

/// The events named `name` whose `field` is `value`.
fn events(from: usize, name: &str, field: &str, value: &str) -> Vec<Seen> {
    seen_since(from, |seen| {
        !seen.span && seen.name == name && seen.field(field) == value
    })
}

// ---- #[cached] ------------------------------------------------------------

#[unokit::cached(capacity = 10_000)]
async fn traced_square(n: u64) -> Result<u64, String> {
    tokio::task::yield_now().await;
    if n == 7_777 {
        Err("unlucky".into())
    } else {
        Ok(n * n)
    }
}

#[unokit::cached]
fn traced_half(n: u64) -> Option<u64> {
    assert!(n != 13, "thirteen");
    n.is_multiple_of(2).then_some(n / 2)
}

#[unokit::cached]
async fn traced_slow(n: u64) -> u64 {
    tokio::time::sleep(Duration::from_secs(30)).await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cached_miss_names_its_function_and_outcome_and_a_hit_emits_nothing() {
    let from = mark();
    let function = traced_square_cache().name();
    assert_eq!(function, "tracing::traced_square");
    // 1 000 keys from 8 tasks at once: one miss each, whichever task leads.
    let tasks = (0..8).map(|_| {
        tokio::spawn(async {
            for n in 0..1_000 {
                assert_eq!(traced_square(n).await, Ok(n * n));
            }
        })
    });
    for task in join_all(tasks).await {
        task.unwrap();
    }
    assert_eq!(traced_square(7_777).await, Err("unlucky".to_owned()));
    let misses = events(from, "cached miss", "function", function);
    let ok = misses.iter().filter(|miss| miss.field("outcome") == "ok");
    assert_eq!(ok.count(), 1_000, "one miss per key");
    let errors: Vec<_> = misses
        .iter()
        .filter(|miss| miss.field("outcome") == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{misses:?}");
    assert!(errors[0].fields.contains_key("elapsed_us"));
    let spans = seen_since(from, |seen| {
        seen.span && seen.name == "cached_miss" && seen.field("function") == function
    });
    assert_eq!(spans.len(), 1_001);
    assert!(spans.iter().all(|span| span.target == "unokit::cache"));
    assert!(
        spans.iter().all(|span| !span.field("outcome").is_empty()),
        "recorded at the end"
    );

    // Hits, sync and async, from 8 tasks: nothing at all on any target of the
    // cache (the other tests of this file miss on other functions only).
    let before = seen_since(0, |seen| seen.target == "unokit::cache").len();
    let hits = (0..8).map(|_| {
        tokio::spawn(async {
            for n in 0..1_000 {
                assert_eq!(traced_square(n).await, Ok(n * n));
            }
        })
    });
    for task in join_all(hits).await {
        task.unwrap();
    }
    let stats = traced_square_cache().stats();
    assert!(stats.hits >= 8_000, "{stats:?}");
    let after: Vec<_> = seen_since(0, |seen| seen.target == "unokit::cache")[before..]
        .iter()
        .filter(|seen| seen.field("function") == function)
        .cloned()
        .collect();
    assert!(after.is_empty(), "a hit emitted {after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_miss_tells_none_and_panicked_and_a_dropped_miss_cancelled() {
    let from = mark();
    let half = traced_half_cache().name();
    assert_eq!(traced_half(4), Some(2));
    assert_eq!(traced_half(4), Some(2), "a hit");
    assert_eq!(traced_half(5), None);
    assert!(std::panic::catch_unwind(|| traced_half(13)).is_err());
    let outcomes: Vec<_> = events(from, "cached miss", "function", half)
        .iter()
        .map(|miss| miss.field("outcome").to_owned())
        .collect();
    assert_eq!(outcomes, ["ok", "none", "panicked"]);

    let slow = traced_slow_cache().name();
    let task = tokio::spawn(traced_slow(1));
    while seen_since(from, |seen| seen.span && seen.field("function") == slow).is_empty() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    let cancelled = events(from, "cached miss", "function", slow);
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0].field("outcome"), "cancelled");
}

// ---- batches ---------------------------------------------------------------

struct TracedDoubles;

impl unokit::batch::BatchFn for TracedDoubles {
    type Key = u64;
    type Value = u64;
    type Error = String;
    type Map = HashMap<u64, u64>;

    async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, u64>, String> {
        if keys.contains(&1_000_666) {
            return Err("no".into());
        }
        Ok(keys.iter().map(|&key| (key, key * 2)).collect())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_batch_tells_its_loader_keys_duration_and_outcome_and_a_loader_hit_nothing() {
    let from = mark();
    let loader = Arc::new(unokit::batch::BatchLoader::new(TracedDoubles));
    let tasks = (0..10u64).map(|task| {
        let loader = loader.clone();
        tokio::spawn(async move {
            let keys = (task * 100..task * 100 + 100).collect::<Vec<_>>();
            loader.load_many(keys).await.unwrap()
        })
    });
    for (task, values) in join_all(tasks).await.into_iter().enumerate() {
        assert_eq!(values.unwrap().len(), 100, "task {task}");
    }
    let name = std::any::type_name::<TracedDoubles>();
    let batches = events(from, "batch dispatched", "loader", name);
    assert!(!batches.is_empty());
    let keys: usize = batches
        .iter()
        .map(|batch| batch.field("keys").parse::<usize>().unwrap())
        .sum();
    assert_eq!(keys, 1_000, "every key once: {batches:?}");
    assert!(batches.iter().all(|batch| batch.field("outcome") == "ok"));
    assert!(batches.iter().all(|batch| batch.target == "unokit::batch"));
    assert!(
        batches
            .iter()
            .all(|batch| batch.fields.contains_key("elapsed_us"))
    );
    let spans = seen_since(from, |seen| {
        seen.span && seen.name == "batch" && seen.field("loader") == name
    });
    assert_eq!(spans.len(), batches.len());

    // The loader's cache answers these: no batch, no event.
    let again = mark();
    assert_eq!(loader.load(5).await.unwrap(), Some(10));
    assert!(
        seen_since(again, |seen| seen.target == "unokit::batch"
            && seen.field("loader") == name)
        .is_empty()
    );

    assert!(loader.load(1_000_666).await.is_err());
    let failed = events(again, "batch dispatched", "loader", name);
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (failed[0].field("keys"), failed[0].field("outcome")),
        ("1", "error")
    );
}

// ---- relation hops ---------------------------------------------------------

/// Eager loading of the blog: one `relation_hop` span per relation, with its
/// parents; the `relation statements` events add up to the `SELECT`s sqlx
/// ran for the relations (all but the posts' own).
macro_rules! relation_hops {
    ($session:expr) => {{
        use blog::{Comment, Post};
        let session = $session;
        blog::seed(&session).await.unwrap();
        let from = mark();
        let posts = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .all()
            .await
            .unwrap();
        assert_eq!(posts.len(), 100);
        let hops = seen_since(from, |seen| seen.span && seen.name == "relation_hop");
        let hop = |relation: &str| {
            let found: Vec<_> = hops
                .iter()
                .filter(|hop| hop.field("relation") == relation)
                .collect();
            assert_eq!(found.len(), 1, "{relation}: {hops:?}");
            assert_eq!(found[0].target, "unokit::db");
            assert_eq!(found[0].field("outcome"), "ok");
            found[0].field("parents").to_owned()
        };
        assert_eq!(hop("Post.author"), "100");
        assert_eq!(hop("Post.comments"), "100");
        assert_eq!(hop("Comment.author"), "1000");
        let statements = seen_since(from, |seen| {
            !seen.span && seen.name == "relation statements"
        });
        let total: usize = statements
            .iter()
            .map(|seen| seen.field("statements").parse::<usize>().unwrap())
            .sum();
        let selects = seen_since(from, |seen| {
            seen.target == "sqlx::query"
                && seen
                    .field("summary")
                    .to_ascii_uppercase()
                    .starts_with("SELECT")
        });
        assert_eq!(
            total,
            selects.len() - 1,
            "every statement but the posts' own: {statements:?}"
        );
        assert_eq!(total, 3, "one per hop");
        let hop_events = events(from, "relation hop", "relation", "Comment.author");
        assert_eq!(hop_events.len(), 1);
        assert_eq!(hop_events[0].field("parents"), "1000");
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_relation_hop_tells_its_relation_parents_and_statements() {
    use unokit::db::Session;
    use unokit::db::sqlx::{self, sqlite::SqlitePoolOptions};
    // One engine after the other, and no other test of this file runs
    // statements: the `SELECT`s seen since the mark are this query's.
    capture();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    sqlx::raw_sql(blog::SCHEMA).execute(&pool).await.unwrap();
    tokio::spawn(async move { relation_hops!(Session::new(pool)) })
        .await
        .unwrap();

    #[cfg(feature = "postgres")]
    {
        use unokit::db::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
        let Ok(url) = std::env::var("UNOKIT_TEST_POSTGRES_URL") else {
            println!("skipped the PostgreSQL half: UNOKIT_TEST_POSTGRES_URL is not set");
            return;
        };
        let schema = format!("unokit_tracing_{}", std::process::id());
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10));
        let admin = admin.connect(&url).await.expect("PostgreSQL is reachable");
        sqlx::raw_sql(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .execute(&admin)
        .await
        .unwrap();
        let options = url
            .parse::<PgConnectOptions>()
            .unwrap()
            .options([("search_path", schema.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10));
        let pool = pool.connect_with(options).await.unwrap();
        sqlx::raw_sql(blog::SCHEMA).execute(&pool).await.unwrap();
        let session = Session::new(pool.clone());
        tokio::spawn(async move { relation_hops!(session) })
            .await
            .unwrap();
        pool.close().await;
        sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&admin)
            .await
            .unwrap();
    }
}

// ---- DI scopes -------------------------------------------------------------

#[unokit::injectable(scoped)]
#[derive(Default)]
struct TracedUnit;

#[unokit::injectable(scoped)]
struct TracedHandler {
    #[allow(dead_code)]
    unit: Arc<TracedUnit>,
}

#[unokit::container(TracedUnit, TracedHandler)]
pub struct TracedApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scope_tells_the_services_it_built_and_how_it_was_disposed_of() {
    let app = Arc::new(TracedApp::build().await.unwrap());
    let from = mark();
    let tasks = (0..50).map(|task| {
        let app = app.clone();
        tokio::spawn(async move {
            let scope = app.scope();
            let _handler: Arc<TracedHandler> = scope.resolve();
            if task % 2 == 0 {
                scope.close().await;
            } else {
                drop(scope);
            }
        })
    });
    for task in join_all(tasks).await {
        task.unwrap();
    }
    let closed = seen_since(from, |seen| {
        !seen.span
            && seen.name == "scope closed"
            && seen.field("scope") == "request"
            && seen.field("services") == "2"
    });
    let disposal = |how: &str| {
        closed
            .iter()
            .filter(|seen| seen.field("disposal") == how)
            .count()
    };
    // Other tests' scopes build other services: these are this test's 50.
    assert_eq!(
        (disposal("awaited"), disposal("detached")),
        (25, 25),
        "{closed:?}"
    );
    assert!(closed.iter().all(|seen| seen.target == "unokit::di"));
}

// ---- response cache --------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_response_cache_decision_tells_hit_miss_or_bypass_and_why() {
    use axum::Router;
    use axum::routing::get;
    use http::header;
    use support::{fetch, get_with, serve};
    use tower_service::Service;

    let cache = unokit::http::ResponseCache::new();
    let app = Router::new()
        .route(
            "/traced/fresh/{id}",
            get(|| async { "fresh" }).post(|| async { "posted" }),
        )
        .route(
            "/traced/private",
            get(|| async { ([(header::CACHE_CONTROL, "private")], "mine") }),
        )
        .route(
            "/traced/vary",
            get(|| async { ([(header::VARY, "*")], "varies") }),
        )
        .route(
            "/traced/nostore",
            get(|| async { ([(header::CACHE_CONTROL, "no-store")], "gone") }),
        )
        .route(
            "/traced/error",
            get(|| async { (http::StatusCode::INTERNAL_SERVER_ERROR, "broken") }),
        )
        .layer(cache.layer());
    let addr = serve(app.clone()).await;
    let from = mark();

    // 20 keys, each asked by 5 concurrent clients: one miss each, the rest hits.
    let asks = (0..100)
        .map(|ask| async move { fetch(addr, &format!("/traced/fresh/{}", ask % 20)).await });
    join_all(asks).await;
    assert_eq!(fetch(addr, "/traced/private").await.cache(), "MISS");
    assert_eq!(fetch(addr, "/traced/vary").await.cache(), "MISS");
    assert_eq!(fetch(addr, "/traced/nostore").await.cache(), "MISS");
    assert_eq!(fetch(addr, "/traced/error").await.cache(), "MISS");
    let secret = get_with(addr, "/traced/fresh/1", &[("authorization", "Bearer x")]).await;
    assert_eq!(secret.cache(), "BYPASS");
    let post = http::Request::post("/traced/fresh/1")
        .body(axum::body::Body::empty())
        .unwrap();
    let posted = app.clone().call(post).await.unwrap();
    assert_eq!(posted.headers()["x-cache"], "BYPASS");

    let decisions = seen_since(from, |seen| seen.span && seen.name == "response_cache");
    let of = |route: &str| -> Vec<(String, String)> {
        decisions
            .iter()
            .filter(|seen| seen.field("route") == route)
            .map(|seen| {
                (
                    seen.field("decision").to_owned(),
                    seen.field("reason").to_owned(),
                )
            })
            .collect()
    };
    let fresh = of("/traced/fresh/{id}");
    let count = |decision: &str, reason: &str| {
        fresh
            .iter()
            .filter(|seen| (seen.0.as_str(), seen.1.as_str()) == (decision, reason))
            .count()
    };
    assert_eq!(fresh.len(), 102, "{fresh:?}");
    assert_eq!(count("miss", "stored"), 20);
    assert_eq!(count("hit", "fresh"), 80);
    assert_eq!(count("bypass", "credentials"), 1);
    assert_eq!(count("bypass", "method"), 1);
    let one = |route: &str| {
        of(route)
            .into_iter()
            .map(|(d, r)| format!("{d} {r}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(one("/traced/private"), ["miss private"]);
    assert_eq!(one("/traced/vary"), ["miss vary"]);
    assert_eq!(one("/traced/nostore"), ["miss no-store"]);
    assert_eq!(one("/traced/error"), ["miss status"]);
    let method = decisions
        .iter()
        .find(|seen| seen.field("decision") == "bypass" && seen.field("reason") == "method");
    assert_eq!(method.unwrap().field("method"), "POST");
    let events = events(from, "response cache", "decision", "hit");
    assert_eq!(events.len(), 80);
    assert!(
        events
            .iter()
            .all(|event| event.target == "unokit::http" && event.field("reason") == "fresh")
    );
}

// ---- pool waits ------------------------------------------------------------

#[derive(Debug)]
struct TracedConn;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_checkout_that_waits_tells_how_long_and_a_timeout_warns() {
    let from = mark();
    let pool = unokit::task::Pool::builder(|| async { Ok::<_, std::io::Error>(TracedConn) })
        .max_size(1)
        .acquire_timeout(Duration::from_millis(50))
        .build();
    let name = std::any::type_name::<TracedConn>();
    let held = pool.get().await.unwrap();
    assert!(pool.get().await.is_err(), "the only one is out");
    let waiter = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.get().await.map(drop) })
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    drop(held);
    waiter.await.unwrap().unwrap();
    let waits = events(from, "pool wait", "pool", name);
    let outcomes: Vec<_> = waits.iter().map(|wait| wait.field("outcome")).collect();
    assert_eq!(outcomes, ["timeout", "ok"]);
    assert!(
        waits[0].field("elapsed_us").parse::<u64>().unwrap() >= 40_000,
        "{waits:?}"
    );
    let timeouts = events(from, "pool timeout", "pool", name);
    assert_eq!(timeouts.len(), 1);
    assert_eq!(timeouts[0].field("timeout_ms"), "50");
    assert_eq!(timeouts[0].target, "unokit::pool");
}
