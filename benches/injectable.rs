//! `#[injectable]` + `#[container]` side by side with what they replace: a
//! struct field (`Arc::clone`), a `OnceLock`, a chain built by hand, shaku, and a
//! container keyed by `TypeId` in a `HashMap<TypeId, Box<dyn Any>>` written here;
//! and `unokit::task::Pool` against deadpool on the same object.
//!
//! `cargo bench -p unokit-benches --bench injectable`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use shaku::{Component, HasComponent, Interface, module};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::convert::Infallible;
use std::hint::black_box;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use unokit::{container, injectable};
use unokit_benches::run;

// ---- the services -----------------------------------------------------------

#[injectable(singleton, eager, default)]
#[derive(Default)]
pub struct Config {
    pub name: String,
}

macro_rules! scoped {
    ($($name:ident),*) => {$(
        #[injectable(scoped)]
        pub struct $name {
            pub config: Arc<Config>,
        }
    )*};
}
scoped!(Session, Cart, Audit);

/// A five-deep transient chain, the leaf holding the singleton.
#[injectable(transient)]
pub struct Level1 {
    pub config: Arc<Config>,
}
#[injectable(transient)]
pub struct Level2 {
    pub inner: Level1,
}
#[injectable(transient)]
pub struct Level3 {
    pub inner: Level2,
}
#[injectable(transient)]
pub struct Level4 {
    pub inner: Level3,
}
#[injectable(transient)]
pub struct Level5 {
    pub inner: Level4,
}

#[container(Config, Session, Cart, Audit, Level1, Level2, Level3, Level4, Level5)]
pub struct BenchApp;

/// What an expert writes without a container: the singleton in a field.
struct HandWired {
    config: Arc<Config>,
}

// ---- shaku ------------------------------------------------------------------

trait ConfigInterface: Interface {
    fn name(&self) -> &str;
}

#[derive(Component)]
#[shaku(interface = ConfigInterface)]
struct ShakuConfig {
    name: String,
}

impl ConfigInterface for ShakuConfig {
    fn name(&self) -> &str {
        &self.name
    }
}

module! {
    ShakuModule {
        components = [ShakuConfig],
        providers = []
    }
}

// ---- a container keyed by TypeId --------------------------------------------

type Factory = Box<dyn Fn(&TypeMapContainer) -> Box<dyn Any> + Send + Sync>;

/// The dynamic baseline: singletons and factories in maps keyed by `TypeId`.
#[derive(Default)]
struct TypeMapContainer {
    singletons: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
    factories: HashMap<TypeId, Factory>,
}

impl TypeMapContainer {
    fn singleton<T: Any + Send + Sync>(&self) -> Arc<T> {
        self.singletons
            .get(&TypeId::of::<T>())
            .and_then(|boxed| boxed.downcast_ref::<Arc<T>>())
            .cloned()
            .expect("registered")
    }

    fn singleton_ref<T: Any + Send + Sync>(&self) -> &T {
        self.singletons
            .get(&TypeId::of::<T>())
            .and_then(|boxed| boxed.downcast_ref::<Arc<T>>())
            .expect("registered")
    }

    fn make<T: Any>(&self) -> T {
        let factory = self.factories.get(&TypeId::of::<T>()).expect("registered");
        *factory(self).downcast::<T>().expect("the registered type")
    }

    fn register<T: Any>(&mut self, factory: impl Fn(&Self) -> T + Send + Sync + 'static) {
        self.factories.insert(
            TypeId::of::<T>(),
            Box::new(move |container| Box::new(factory(container))),
        );
    }
}

/// A scope of the baseline: built services in a map keyed by `TypeId`.
struct TypeMapScope {
    built: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
}

impl TypeMapScope {
    fn scoped<T: Any + Send + Sync>(&self) -> Arc<T> {
        self.built
            .get(&TypeId::of::<T>())
            .and_then(|boxed| boxed.downcast_ref::<Arc<T>>())
            .cloned()
            .expect("built")
    }
}

fn type_map() -> TypeMapContainer {
    let mut container = TypeMapContainer::default();
    container.singletons.insert(
        TypeId::of::<Config>(),
        Box::new(Arc::new(Config {
            name: "bench".into(),
        })),
    );
    container.register(|c| Level1 {
        config: c.singleton::<Config>(),
    });
    container.register(|c| Level2 { inner: c.make() });
    container.register(|c| Level3 { inner: c.make() });
    container.register(|c| Level4 { inner: c.make() });
    container.register(|c| Level5 { inner: c.make() });
    container
}

// ---- the benches ------------------------------------------------------------

fn app(pool: usize) -> Arc<BenchApp> {
    run(BenchApp::builder().scope_pool(pool).build()).expect("builds")
}

fn singleton(c: &mut Criterion) {
    let app = app(256);
    let hand = HandWired {
        config: Arc::new(Config::default()),
    };
    let shaku = ShakuModule::builder()
        .with_component_parameters::<ShakuConfig>(ShakuConfigParameters {
            name: "bench".into(),
        })
        .build();
    let shaku_config: &dyn ConfigInterface = shaku.resolve_ref();
    assert_eq!(shaku_config.name(), "bench");
    let map = type_map();
    let mut group = c.benchmark_group("injectable/singleton");
    group.bench_function("arc_clone_field", |b| {
        b.iter(|| black_box(black_box(&hand).config.clone()))
    });
    group.bench_function("unokit_resolve", |b| {
        b.iter(|| black_box(black_box(&*app).resolve::<Arc<Config>>()));
    });
    group.bench_function("shaku_resolve", |b| {
        b.iter(|| {
            black_box(HasComponent::<dyn ConfigInterface>::resolve(black_box(
                &shaku,
            )))
        });
    });
    group.bench_function("typeid_map", |b| {
        b.iter(|| black_box(black_box(&map).singleton::<Config>()))
    });
    group.finish();

    let mut group = c.benchmark_group("injectable/singleton_ref");
    group.bench_function("field_ref", |b| {
        b.iter(|| black_box(&*black_box(&hand).config))
    });
    group.bench_function("unokit_resolve_ref", |b| {
        b.iter(|| black_box(black_box(&*app).resolve_ref::<Config>()));
    });
    group.bench_function("shaku_resolve_ref", |b| {
        b.iter(|| {
            black_box(HasComponent::<dyn ConfigInterface>::resolve_ref(black_box(
                &shaku,
            )))
        });
    });
    group.bench_function("typeid_map", |b| {
        b.iter(|| black_box(black_box(&map).singleton_ref::<Config>()));
    });
    group.finish();
}

fn scoped_built(c: &mut Criterion) {
    let app = app(256);
    let scope = app.scope();
    let _ = scope.resolve::<Arc<Session>>();
    let lock: OnceLock<Arc<Session>> = OnceLock::new();
    lock.get_or_init(|| {
        Arc::new(Session {
            config: app.resolve(),
        })
    });
    let map_scope = TypeMapScope {
        built: HashMap::from([(
            TypeId::of::<Session>(),
            Box::new(scope.resolve::<Arc<Session>>()) as Box<dyn Any + Send + Sync>,
        )]),
    };
    let mut group = c.benchmark_group("injectable/scoped_built");
    group.bench_function("oncelock_get_clone", |b| {
        b.iter(|| black_box(black_box(&lock).get().cloned()));
    });
    group.bench_function("unokit_resolve", |b| {
        b.iter(|| black_box(black_box(&scope).resolve::<Arc<Session>>()));
    });
    group.bench_function("typeid_map", |b| {
        b.iter(|| black_box(black_box(&map_scope).scoped::<Session>()));
    });
    group.finish();
}

fn transient_chain(c: &mut Criterion) {
    let app = app(256);
    let scope = app.scope();
    let config: Arc<Config> = app.resolve();
    let map = type_map();
    let mut group = c.benchmark_group("injectable/transient_chain_5");
    group.bench_function("by_hand", |b| {
        b.iter(|| {
            let config = black_box(&config).clone();
            black_box(Level5 {
                inner: Level4 {
                    inner: Level3 {
                        inner: Level2 {
                            inner: Level1 { config },
                        },
                    },
                },
            })
        });
    });
    group.bench_function("unokit_resolve", |b| {
        b.iter(|| black_box(black_box(&scope).resolve::<Level5>()));
    });
    group.bench_function("typeid_map", |b| {
        b.iter(|| black_box(black_box(&map).make::<Level5>()))
    });
    group.finish();
}

fn scope_cycle(c: &mut Criterion) {
    let mut group = c.benchmark_group("injectable/scope_create_resolve3_drop");
    for (name, pool) in [("pooled", 256), ("unpooled", 0)] {
        let app = app(pool);
        group.bench_function(name, |b| {
            b.iter(|| {
                let scope = black_box(&app).scope();
                black_box(scope.resolve::<Arc<Session>>());
                black_box(scope.resolve::<Arc<Cart>>());
                black_box(scope.resolve::<Arc<Audit>>());
            });
        });
    }
    group.finish();
}

// ---- pools ------------------------------------------------------------------

type Buffer = Vec<u8>;

fn new_buffer() -> Buffer {
    vec![0; 1024]
}

struct DeadpoolManager;

impl deadpool::managed::Manager for DeadpoolManager {
    type Type = Buffer;
    type Error = Infallible;

    async fn create(&self) -> Result<Buffer, Infallible> {
        Ok(new_buffer())
    }

    async fn recycle(
        &self,
        _: &mut Buffer,
        _: &deadpool::managed::Metrics,
    ) -> deadpool::managed::RecycleResult<Infallible> {
        Ok(())
    }
}

const POOL_SIZE: usize = 16;

fn unokit_pool() -> unokit::task::Pool<Buffer> {
    unokit::task::Pool::builder(|| async { Ok::<_, Infallible>(new_buffer()) })
        .max_size(POOL_SIZE)
        .build()
}

fn deadpool_pool() -> deadpool::managed::Pool<DeadpoolManager> {
    deadpool::managed::Pool::builder(DeadpoolManager)
        .max_size(POOL_SIZE)
        .build()
        .expect("builds")
}

/// `iterations` acquire + release, split over `tasks` tasks on a 2-thread runtime.
fn over_tasks<F, Fut>(
    runtime: &tokio::runtime::Runtime,
    tasks: u64,
    iterations: u64,
    cycle: F,
) -> Duration
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    runtime.block_on(async {
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let cycle = cycle.clone();
                tokio::spawn(async move {
                    for _ in 0..iterations.div_ceil(tasks) {
                        cycle().await;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.expect("no panic");
        }
        start.elapsed()
    })
}

fn pool(c: &mut Criterion) {
    let ours = unokit_pool();
    let theirs = deadpool_pool();
    let mut group = c.benchmark_group("pool/acquire_release");
    group.bench_function(BenchmarkId::new("unokit", "1_task"), |b| {
        b.iter(|| drop(black_box(run(ours.get()).expect("an object"))));
    });
    group.bench_function(BenchmarkId::new("deadpool", "1_task"), |b| {
        b.iter(|| drop(black_box(run(theirs.get()).expect("an object"))));
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a runtime");
    group.bench_function(BenchmarkId::new("unokit", "64_tasks"), |b| {
        b.iter_custom(|iterations| {
            let pool = ours.clone();
            over_tasks(&runtime, 64, iterations, move || {
                let pool = pool.clone();
                async move { drop(black_box(pool.get().await.expect("an object"))) }
            })
        });
    });
    group.bench_function(BenchmarkId::new("deadpool", "64_tasks"), |b| {
        b.iter_custom(|iterations| {
            let pool = theirs.clone();
            over_tasks(&runtime, 64, iterations, move || {
                let pool = pool.clone();
                async move { drop(black_box(pool.get().await.expect("an object"))) }
            })
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(700)).measurement_time(Duration::from_secs(2));
    targets = singleton, scoped_built, transient_chain, scope_cycle, pool
}
criterion_main!(benches);
