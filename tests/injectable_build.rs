//! `build()`: concurrent start-up, ordering, failures that leave nothing behind,
//! cycles; and disposal of scopes and containers in reverse creation order.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::time::sleep;
use unokit::di::{BuildError, Dispose};
use unokit::{container, injectable};

/// Everything the services of one test did, in order.
static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn event(what: impl Into<String>) {
    EVENTS.lock().unwrap().push(what.into());
}

fn events_matching(prefix: &str) -> Vec<String> {
    EVENTS
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.starts_with(prefix))
        .cloned()
        .collect()
}

// ---- three independent slow factories -------------------------------------

macro_rules! slow_service {
    ($name:ident, $factory:ident) => {
        struct $name;

        #[injectable(singleton, eager)]
        async fn $factory() -> $name {
            sleep(Duration::from_millis(100)).await;
            $name
        }
    };
}

slow_service!(Mailer, start_mailer);
slow_service!(Search, start_search);
slow_service!(Payments, start_payments);

#[container(Mailer, Search, Payments)]
struct Independent;

#[tokio::test]
async fn independent_eager_singletons_start_concurrently() {
    let started = Instant::now();
    let app = Independent::build().await.unwrap();
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(100));
    assert!(
        took < Duration::from_millis(250),
        "three 100 ms factories took {took:?}"
    );
    let _: Arc<Mailer> = app.resolve();
}

// ---- a chain: each waits for the one it needs ------------------------------

struct First;
struct Second(Arc<First>);
struct Third(Arc<Second>);

#[injectable(singleton, eager)]
async fn first() -> First {
    sleep(Duration::from_millis(30)).await;
    event("chain: first");
    First
}

#[injectable(singleton, eager)]
async fn second(first: Arc<First>) -> Second {
    sleep(Duration::from_millis(30)).await;
    event("chain: second");
    Second(first)
}

#[injectable(singleton, eager)]
async fn third(second: Arc<Second>) -> Third {
    event("chain: third");
    Third(second)
}

#[container(Third, Second, First)]
struct Chain;

#[tokio::test]
async fn a_chain_builds_in_dependency_order() {
    let started = Instant::now();
    let app = Chain::build().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(60));
    assert_eq!(
        events_matching("chain"),
        ["chain: first", "chain: second", "chain: third"]
    );
    let third: Arc<Third> = app.resolve();
    assert!(Arc::ptr_eq(&third.0.0, &app.resolve::<Arc<First>>()));
}

// ---- a failure: the first error, named; nothing half-built -----------------

static POOLS_ALIVE: AtomicUsize = AtomicUsize::new(0);

struct Pool;

impl Drop for Pool {
    fn drop(&mut self) {
        POOLS_ALIVE.fetch_sub(1, SeqCst);
    }
}

impl Dispose for Pool {
    async fn dispose(&self) {
        event("failing: pool disposed");
    }
}

#[injectable(singleton, eager, dispose)]
async fn open_pool() -> Pool {
    POOLS_ALIVE.fetch_add(1, SeqCst);
    event("failing: pool built");
    Pool
}

struct Broker;

#[injectable(singleton, eager)]
async fn connect_broker(_pool: Arc<Pool>) -> Result<Broker, std::io::Error> {
    sleep(Duration::from_millis(10)).await;
    Err(std::io::Error::new(
        std::io::ErrorKind::ConnectionRefused,
        "broker refused",
    ))
}

#[container(Pool, Broker)]
struct Failing;

#[tokio::test]
async fn a_failing_factory_is_named_and_what_was_built_is_disposed() {
    let error = Failing::build().await.err().expect("the broker fails");
    assert_eq!(error.service(), Some("Broker"));
    assert_eq!(
        error.to_string(),
        "building `Broker` failed: broker refused"
    );
    assert!(std::error::Error::source(&error).is_some());
    assert_eq!(
        events_matching("failing"),
        ["failing: pool built", "failing: pool disposed"]
    );
    assert_eq!(POOLS_ALIVE.load(SeqCst), 0, "the built pool leaked");
}

// ---- a cycle ----------------------------------------------------------------

#[allow(dead_code)] // only the graph matters here
#[injectable(singleton)]
struct Left {
    right: Arc<Right>,
}

#[allow(dead_code)]
#[injectable(singleton)]
struct Right {
    left: Arc<Left>,
}

#[container(Left, Right)]
struct Cyclic;

#[tokio::test]
async fn a_cycle_is_an_error_naming_its_path() {
    match Cyclic::build().await {
        Err(BuildError::Cycle { path }) => assert_eq!(path, ["Left", "Right", "Left"]),
        Err(other) => panic!("not a cycle error: {other}"),
        Ok(_) => panic!("a cyclic container built"),
    }
    let message = Cyclic::build().await.err().unwrap().to_string();
    assert_eq!(message, "dependency cycle: Left -> Right -> Left");
}

// ---- disposal ---------------------------------------------------------------

macro_rules! disposable {
    ($name:ident, $label:literal, $lifetime:ident $(, $dep:ident: $dep_ty:ty)*) => {
        #[allow(dead_code)] // the fields only make the dependency order
        #[injectable($lifetime, dispose)]
        struct $name {
            $($dep: $dep_ty,)*
        }

        impl Dispose for $name {
            async fn dispose(&self) {
                tokio::task::yield_now().await; // async cleanup really awaits
                event(concat!("dispose: ", $label));
            }
        }
    };
}

disposable!(Connection, "connection", singleton);
disposable!(Transaction, "transaction", scoped, connection: Arc<Connection>);
disposable!(AuditLog, "audit log", scoped, transaction: Arc<Transaction>);

#[container(Connection, Transaction, AuditLog)]
struct Disposing;

#[tokio::test]
async fn services_are_disposed_of_in_reverse_creation_order() {
    let app = Disposing::build().await.unwrap();
    let scope = app.scope();
    let _audit: Arc<AuditLog> = scope.resolve(); // creates connection, transaction, audit log
    scope.close().await;
    assert_eq!(
        events_matching("dispose"),
        ["dispose: audit log", "dispose: transaction"]
    );

    app.close().await;
    assert_eq!(
        events_matching("dispose"),
        [
            "dispose: audit log",
            "dispose: transaction",
            "dispose: connection"
        ]
    );
}

static DROPPED_SCOPE_DISPOSALS: AtomicUsize = AtomicUsize::new(0);

#[injectable(scoped, dispose)]
struct Upload;

impl Dispose for Upload {
    async fn dispose(&self) {
        sleep(Duration::from_millis(1)).await;
        DROPPED_SCOPE_DISPOSALS.fetch_add(1, SeqCst);
    }
}

#[container(Upload)]
struct Uploads;

#[tokio::test]
async fn a_dropped_scope_disposes_of_its_services() {
    let app = Uploads::build().await.unwrap();
    let scope = app.scope();
    let _upload: Arc<Upload> = scope.resolve();
    drop(scope); // no close(): the disposal runs detached, on this runtime
    for _ in 0..100 {
        if DROPPED_SCOPE_DISPOSALS.load(SeqCst) == 1 {
            return;
        }
        sleep(Duration::from_millis(5)).await;
    }
    panic!("the dropped scope's service was never disposed of");
}
