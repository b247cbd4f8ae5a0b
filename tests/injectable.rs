//! `#[injectable]` and `#[container]`: resolution by lifetime, concurrency,
//! bindings, test overrides, pooled scopes, thread safety.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use unokit::{container, injectable};

static CONFIGS: AtomicUsize = AtomicUsize::new(0);
static UNITS: AtomicUsize = AtomicUsize::new(0);

#[injectable(singleton, eager, factory = Config::load)]
struct Config {
    name: String,
}

impl Config {
    fn load() -> Result<Self, std::env::VarError> {
        CONFIGS.fetch_add(1, SeqCst);
        Ok(Self {
            name: "shop".into(),
        })
    }
}

/// A lazy singleton built by a factory function from its injected parameters.
struct Db {
    config: Arc<Config>,
}

#[injectable(singleton)]
fn open_db(config: Arc<Config>) -> Db {
    Db { config }
}

#[injectable(scoped)]
struct UnitOfWork {
    db: Arc<Db>,
    #[inject(default)]
    changes: Mutex<Vec<String>>,
}

impl UnitOfWork {
    fn record(&self, change: &str) {
        self.changes.lock().unwrap().push(change.to_owned());
    }
}

/// Scoped, and slow to build: many tasks racing for it must still build one.
#[injectable(scoped, factory = SlowSession::open)]
struct SlowSession;

impl SlowSession {
    fn open() -> Self {
        UNITS.fetch_add(1, SeqCst);
        std::thread::sleep(Duration::from_millis(20));
        Self
    }
}

#[injectable(transient)]
struct OrderHandler {
    uow: Arc<UnitOfWork>,
    config: Arc<Config>,
}

#[injectable(transient)]
struct Checkout(OrderHandler, Arc<dyn PaymentGateway>);

trait PaymentGateway: Send + Sync {
    fn charge(&self, cents: u64) -> String;
}

#[injectable(singleton)]
struct StripeGateway {
    config: Arc<Config>,
}

impl PaymentGateway for StripeGateway {
    fn charge(&self, cents: u64) -> String {
        format!("{} charged {cents} by stripe", self.config.name)
    }
}

struct FakeGateway;

impl PaymentGateway for FakeGateway {
    fn charge(&self, cents: u64) -> String {
        format!("fake charge of {cents}")
    }
}

#[container(
    Config,
    Db,
    UnitOfWork,
    SlowSession,
    OrderHandler,
    Checkout,
    dyn PaymentGateway = StripeGateway,
)]
pub struct Shop;

#[tokio::test]
async fn each_lifetime_resolves_as_declared() {
    let shop = Shop::build().await.unwrap();
    let configs_after_build = CONFIGS.load(SeqCst);
    assert!(
        configs_after_build >= 1,
        "the eager singleton was not built by build()"
    );

    // Singletons: one per container, reachable from the container and from scopes.
    let config: Arc<Config> = shop.resolve();
    assert!(Arc::ptr_eq(&config, &shop.resolve::<Arc<Config>>()));
    assert_eq!(shop.resolve_ref::<Config>().name, "shop");
    let db: Arc<Db> = shop.resolve();
    assert!(Arc::ptr_eq(&db.config, &config));
    assert_eq!(
        CONFIGS.load(SeqCst),
        configs_after_build,
        "resolving rebuilt the singleton"
    );

    // Scoped: one per scope.
    let scope = shop.scope();
    let uow: Arc<UnitOfWork> = scope.resolve();
    assert!(Arc::ptr_eq(&uow, &scope.resolve()));
    assert!(std::ptr::eq(&*uow, scope.resolve_ref::<UnitOfWork>()));
    assert!(
        Arc::ptr_eq(&uow.db, &db),
        "a scope sees the container's singletons"
    );
    let other_scope = shop.scope();
    assert!(!Arc::ptr_eq(
        &uow,
        &other_scope.resolve::<Arc<UnitOfWork>>()
    ));

    // Transient: new each time, built from the scope.
    let first: OrderHandler = scope.resolve();
    let second = scope.resolve::<OrderHandler>();
    assert!(!std::ptr::eq(&first, &second));
    assert!(Arc::ptr_eq(&first.uow, &second.uow));
    first.uow.record("reserve item");
    assert_eq!(*uow.changes.lock().unwrap(), ["reserve item"]);
    let shared: Arc<OrderHandler> = scope.resolve();
    assert!(Arc::ptr_eq(&shared.config, &config));

    // A transient that holds a transient and a binding.
    let checkout: Checkout = scope.resolve();
    assert_eq!(checkout.1.charge(250), "shop charged 250 by stripe");
    assert!(Arc::ptr_eq(&checkout.0.uow, &uow));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_resolves_build_a_scoped_service_once() {
    let shop = Shop::build().await.unwrap();
    let scope = Arc::new(shop.scope());
    let before = UNITS.load(SeqCst);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let scope = scope.clone();
        tasks.spawn(async move { scope.resolve::<Arc<SlowSession>>() });
    }
    let mut sessions = Vec::new();
    while let Some(session) = tasks.join_next().await {
        sessions.push(session.unwrap());
    }
    assert_eq!(sessions.len(), 1000);
    assert_eq!(UNITS.load(SeqCst) - before, 1, "built more than once");
    assert!(
        sessions
            .iter()
            .all(|session| Arc::ptr_eq(session, &sessions[0]))
    );
}

/// A lazy singleton with a slow factory, in a container of its own so that no
/// other test builds it.
static SEARCHES: AtomicUsize = AtomicUsize::new(0);

#[injectable(singleton, factory = SearchClient::connect)]
struct SearchClient;

impl SearchClient {
    fn connect() -> Self {
        SEARCHES.fetch_add(1, SeqCst);
        std::thread::sleep(Duration::from_millis(20));
        Self
    }
}

#[container(SearchClient)]
struct Searching;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lazy_singleton_is_built_once_on_first_resolve() {
    let app = Searching::build().await.unwrap();
    assert_eq!(
        SEARCHES.load(SeqCst),
        0,
        "a lazy singleton was built by build()"
    );
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { app.scope().resolve::<Arc<SearchClient>>() })
        })
        .collect();
    let mut clients = Vec::new();
    for handle in handles {
        clients.push(handle.await.unwrap());
    }
    assert_eq!(SEARCHES.load(SeqCst), 1);
    assert!(
        clients
            .iter()
            .all(|client| Arc::ptr_eq(client, &clients[0]))
    );
}

#[tokio::test]
async fn a_binding_resolves_its_implementation_and_a_test_replaces_it() {
    let shop = Shop::build().await.unwrap();
    let gateway: Arc<dyn PaymentGateway> = shop.resolve();
    assert_eq!(gateway.charge(5), "shop charged 5 by stripe");

    let test_shop = Shop::builder()
        .replace_binding::<dyn PaymentGateway>(Arc::new(FakeGateway))
        .replace(Arc::new(Config {
            name: "test".into(),
        }))
        .build()
        .await
        .unwrap();
    let scope = test_shop.scope();
    assert_eq!(scope.resolve::<Checkout>().1.charge(5), "fake charge of 5");
    // The replaced singleton reaches everything that depends on it...
    assert_eq!(scope.resolve::<OrderHandler>().config.name, "test");
    assert_eq!(scope.resolve::<Arc<Db>>().config.name, "test");
    // ...and the rest of the container is untouched.
    assert!(Arc::ptr_eq(
        &scope.resolve::<Arc<UnitOfWork>>(),
        &scope.resolve::<OrderHandler>().uow
    ));
}

#[tokio::test]
async fn scopes_are_pooled_and_reset() {
    let shop = Shop::builder().scope_pool(4).build().await.unwrap();
    let first = shop.scope();
    let uow = first.resolve::<Arc<UnitOfWork>>();
    uow.record("first request");
    drop(first);
    let second = shop.scope();
    let fresh = second.resolve::<Arc<UnitOfWork>>();
    assert!(
        !Arc::ptr_eq(&uow, &fresh),
        "a reused scope kept the last request's service"
    );
    assert!(fresh.changes.lock().unwrap().is_empty());
    let stats = shop.scope_stats();
    assert_eq!((stats.created, stats.reused), (1, 1));

    // Without a pool every scope is new.
    let unpooled = Shop::builder().scope_pool(0).build().await.unwrap();
    drop(unpooled.scope());
    drop(unpooled.scope());
    assert_eq!(unpooled.scope_stats().reused, 0);
}

#[test]
fn containers_and_scopes_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Shop>();
    send_sync::<ShopScope>();
    send_sync::<ShopBuilder>();
}

/// `inject(default)` under `cfg_attr`: applied where the `cfg` holds, the
/// field injected where it does not; the `cfg_attr`'s other attributes stay.
#[injectable(scoped)]
struct Conditional {
    #[cfg_attr(all(), inject(default))]
    notes: Mutex<Vec<String>>,
    #[cfg_attr(any(), inject(default), allow(unused))]
    #[cfg_attr(all(), allow(unused), inject(default))]
    label: String,
    #[cfg_attr(any(), inject(default))]
    db: Arc<Db>,
}

#[container(Config, Db, Conditional)]
struct Conditionals;

#[tokio::test]
async fn inject_default_under_cfg_attr_follows_the_cfg() {
    let container = Conditionals::build().await.unwrap();
    let scope = container.scope();
    let conditional: Arc<Conditional> = scope.resolve();
    assert!(conditional.notes.lock().unwrap().is_empty());
    assert_eq!(conditional.label, "");
    assert!(Arc::ptr_eq(
        &conditional.db,
        &container.resolve::<Arc<Db>>()
    ));
}
