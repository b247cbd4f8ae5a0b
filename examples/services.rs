//! A small service wired by `#[injectable]` and `#[container]`: a config
//! singleton, a pooled database handle, a per-request unit of work, and handlers.
//! It shows the parallel start-up (with timings) and per-request scopes, then
//! times a resolution against the hand-written `Arc::clone`.
//!
//! `cargo run --example services --release`

use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::time::sleep;
use unokit::di::Dispose;
use unokit::task::{Pool, Pooled, TaskGroup};
use unokit::{container, injectable};

const STARTUP_WORK: Duration = Duration::from_millis(100);

/// Read at start-up: an eager singleton with an async factory.
#[injectable(singleton, eager, factory = async Config::load)]
struct Config {
    database_url: String,
    pool_size: usize,
}

impl Config {
    async fn load() -> Result<Self, std::io::Error> {
        sleep(STARTUP_WORK).await; // a secrets manager, say
        Ok(Self {
            database_url: "postgres://localhost/shop".into(),
            pool_size: 4,
        })
    }
}

/// Independent of the config, so built at the same time.
#[injectable(singleton, eager, factory = async SearchIndex::open)]
struct SearchIndex;

impl SearchIndex {
    async fn open() -> Self {
        sleep(STARTUP_WORK).await;
        Self
    }
}

/// A database connection: what the pool holds.
struct Connection {
    id: usize,
}

/// The database: a pool of connections, opened once the config is read.
struct Db {
    connections: Pool<Connection>,
}

#[injectable(singleton, eager)]
async fn connect(config: Arc<Config>) -> Result<Db, std::io::Error> {
    sleep(STARTUP_WORK).await; // the handshake
    println!(
        "  connecting to {} with {} connections",
        config.database_url, config.pool_size
    );
    let opened = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let connections = Pool::builder(move || {
        let id = opened.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        async move { Ok::<_, std::io::Error>(Connection { id }) }
    })
    .max_size(config.pool_size)
    .build();
    Ok(Db { connections })
}

/// One per request: collects the request's statements and commits them when the
/// request's scope closes.
#[injectable(scoped, dispose)]
struct UnitOfWork {
    db: Arc<Db>,
    #[inject(default)]
    statements: Mutex<Vec<String>>,
}

impl UnitOfWork {
    async fn execute(&self, statement: String) -> usize {
        let connection: Pooled<Connection> = self.db.connections.get().await.expect("a connection");
        sleep(Duration::from_millis(10)).await; // the query, holding the connection
        self.statements.lock().unwrap().push(statement);
        connection.id
    }
}

impl Dispose for UnitOfWork {
    async fn dispose(&self) {
        let count = self.statements.lock().unwrap().len();
        println!("  commit: {count} statement(s)");
    }
}

/// A handler: a new one per resolve, sharing the request's unit of work.
#[injectable(transient)]
struct CreateOrder {
    uow: Arc<UnitOfWork>,
    search: Arc<SearchIndex>,
}

impl CreateOrder {
    async fn handle(&self, request: u32) -> usize {
        let _ = &self.search;
        self.uow
            .execute(format!("INSERT INTO orders VALUES ({request})"))
            .await
    }
}

#[container(Config, SearchIndex, Db, UnitOfWork, CreateOrder)]
struct Shop;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    println!("start-up:");
    let started = Instant::now();
    let shop = Shop::build().await?;
    let took = started.elapsed();
    // Config and SearchIndex start together; Db waits for Config.
    let one_by_one = STARTUP_WORK * 3;
    println!(
        "  built in {took:.0?}: the three factories take {one_by_one:?} one after another, {:.1}x longer",
        one_by_one.as_secs_f64() / took.as_secs_f64()
    );

    println!("requests, one scope each:");
    let mut requests = TaskGroup::with_max_concurrency(8);
    for request in 0..6 {
        let shop = shop.clone();
        requests.spawn(async move {
            let scope = shop.scope();
            let handler: CreateOrder = scope.resolve();
            let connection = handler.handle(request).await;
            // The same unit of work for every handler of this request.
            let again: CreateOrder = scope.resolve();
            assert!(Arc::ptr_eq(&handler.uow, &again.uow));
            scope.close().await; // commits
            Ok::<_, std::io::Error>(connection)
        });
    }
    let connections = requests.join_all().await?;
    println!("  requests used connections {connections:?}");
    let stats = shop.scope_stats();
    println!(
        "  scope slots: {} created, {} reused from the pool",
        stats.created, stats.reused
    );

    println!("resolution cost:");
    let iterations = 10_000_000_u32;
    let config: Arc<Config> = shop.resolve();
    let hand = time(iterations, || drop(black_box(black_box(&config).clone())));
    let ours = time(iterations, || {
        drop(black_box(black_box(&*shop).resolve::<Arc<Config>>()))
    });
    println!(
        "  singleton: {:.2} ns per resolve, {:.2} ns per Arc::clone: {:.2}x",
        ours,
        hand,
        ours / hand
    );
    let scope = shop.scope();
    let _ = scope.resolve::<Arc<UnitOfWork>>();
    let scoped = time(iterations, || {
        drop(black_box(black_box(&scope).resolve::<Arc<UnitOfWork>>()))
    });
    println!(
        "  scoped (already built): {scoped:.2} ns per resolve, {:.2}x an Arc::clone",
        scoped / hand
    );
    drop(scope);
    shop.close().await;
    Ok(())
}

/// Nanoseconds per call of `work`.
fn time(iterations: u32, mut work: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iterations {
        work();
    }
    start.elapsed().as_secs_f64() * 1e9 / f64::from(iterations)
}
