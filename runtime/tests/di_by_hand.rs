//! The DI runtime driven by hand-written code of the shape `#[injectable]` and
//! `#[container]` generate: a check of the runtime on its own, before the macros.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use unokit_runtime::di::rt::*;
use unokit_runtime::task::rt::{BoxError, BoxFuture};

static DISPOSED: AtomicUsize = AtomicUsize::new(0);

struct Config {
    name: &'static str,
}
impl Config {
    async fn load() -> Result<Self, std::io::Error> {
        Ok(Self { name: "app" })
    }
}
struct Db {
    config: Arc<Config>,
}
struct Uow {
    db: Arc<Db>,
}
struct Handler {
    uow: Arc<Uow>,
    config: Arc<Config>,
}

impl Injectable for Config {
    type Kind = EagerSingleton;
    const NAME: &'static str = "Config";
}
impl<C: Context> Recipe<C> for Config {
    fn dependencies(_: &mut Vec<usize>) {}
    fn construct_eager(_: &C) -> BoxFuture<'static, Result<Self, BoxError>> {
        awaiting(Config::load())
    }
}
impl Injectable for Db {
    type Kind = LazySingleton;
    const NAME: &'static str = "Db";
}
impl<C: Context> Recipe<C> for Db
where
    Arc<Config>: Inject<C>,
{
    fn dependencies(out: &mut Vec<usize>) {
        <Arc<Config> as Inject<C>>::dependency(out);
    }
    fn construct(context: &C) -> Self {
        Self {
            config: Inject::inject(context),
        }
    }
}
impl Injectable for Uow {
    type Kind = Scoped;
    const NAME: &'static str = "Uow";
    const HAS_TEARDOWN: bool = true;
    fn teardown(&self) -> Option<BoxFuture<'_, ()>> {
        Some(Box::pin(async {
            DISPOSED.fetch_add(1, SeqCst);
        }))
    }
}
impl<C: Context> Recipe<C> for Uow
where
    Arc<Db>: Inject<C>,
{
    fn dependencies(out: &mut Vec<usize>) {
        <Arc<Db> as Inject<C>>::dependency(out);
    }
    fn construct(context: &C) -> Self {
        Self {
            db: Inject::inject(context),
        }
    }
}
impl Injectable for Handler {
    type Kind = Transient;
    const NAME: &'static str = "Handler";
}
impl<C: Context> Recipe<C> for Handler
where
    Arc<Uow>: Inject<C>,
    Arc<Config>: Inject<C>,
{
    fn dependencies(out: &mut Vec<usize>) {
        <Arc<Uow> as Inject<C>>::dependency(out);
        <Arc<Config> as Inject<C>>::dependency(out);
    }
    fn construct(context: &C) -> Self {
        Self {
            uow: Inject::inject(context),
            config: Inject::inject(context),
        }
    }
}
impl<C> Inject<C> for Handler
where
    C: Provides<Handler>,
    Transient: VisibleIn<C::Role, Handler>,
{
    fn inject(context: &C) -> Self {
        context.make()
    }
    fn dependency(out: &mut Vec<usize>) {
        out.push(<C as Provides<Handler>>::INDEX);
    }
}

// ---- what #[container(Config, Db, Uow, Handler)] generates ----

type K<S> = <S as Injectable>::Kind;

struct App {
    s0: <K<Config> as Kind>::RootSlot<Config>,
    s1: <K<Db> as Kind>::RootSlot<Db>,
    s2: <K<Uow> as Kind>::RootSlot<Uow>,
    s3: <K<Handler> as Kind>::RootSlot<Handler>,
    core: RootCore<AppScopeSlots>,
}
#[derive(Default)]
struct AppScopeSlots {
    s0: <K<Config> as Kind>::ScopeSlot<Config>,
    s1: <K<Db> as Kind>::ScopeSlot<Db>,
    s2: <K<Uow> as Kind>::ScopeSlot<Uow>,
    s3: <K<Handler> as Kind>::ScopeSlot<Handler>,
    log: CreationLog,
}
impl ScopeSlots for AppScopeSlots {
    fn reset(&mut self) {
        ServiceSlot::<Config>::reset(&mut self.s0);
        ServiceSlot::<Db>::reset(&mut self.s1);
        ServiceSlot::<Uow>::reset(&mut self.s2);
        ServiceSlot::<Handler>::reset(&mut self.s3);
    }
    fn creation_log(&self) -> &CreationLog {
        &self.log
    }
}
struct AppScope {
    root: Arc<App>,
    core: ScopeCore<AppScopeSlots>,
}
impl Context for App {
    type Role = RootRole;
    fn creation_log(&self) -> &CreationLog {
        self.core.creation_log()
    }
}
impl Context for AppScope {
    type Role = ScopeRole;
    fn creation_log(&self) -> &CreationLog {
        self.core.slots().creation_log()
    }
}
macro_rules! service {
    ($s:ty, $i:tt, $f:ident) => {
        impl RootSlots<$s> for App {
            fn root_slot(&self) -> &<K<$s> as Kind>::RootSlot<$s> {
                &self.$f
            }
            fn root_slot_mut(&mut self) -> &mut <K<$s> as Kind>::RootSlot<$s> {
                &mut self.$f
            }
        }
        impl Provides<$s> for App {
            const INDEX: usize = $i;
            type Home = <K<$s> as Kind>::RootHome<Self>;
            const RECIPE: Recipes<$s, Self::Home> = Recipes::of();
            fn provide(&self) -> Arc<$s> {
                <K<$s> as Kind>::provide_root::<$s, Self>(&self.$f, self, Self::RECIPE)
            }
            fn provide_ref(&self) -> &$s {
                <K<$s> as Kind>::provide_root_ref::<$s, Self>(&self.$f, self, Self::RECIPE)
            }
            fn make(&self) -> $s {
                unreachable!()
            }
        }
        impl Provides<$s> for AppScope {
            const INDEX: usize = $i;
            type Home = <K<$s> as Kind>::ScopeHome<App, Self>;
            const RECIPE: Recipes<$s, Self::Home> = Recipes::of();
            fn provide(&self) -> Arc<$s> {
                let slot = &self.core.slots().$f;
                <K<$s> as Kind>::provide_scope::<$s, App, Self>(
                    slot,
                    &self.root,
                    self,
                    Self::RECIPE,
                )
            }
            fn provide_ref(&self) -> &$s {
                let slot = &self.core.slots().$f;
                <K<$s> as Kind>::provide_scope_ref::<$s, App, Self>(
                    slot,
                    &self.root,
                    self,
                    Self::RECIPE,
                )
            }
            fn make(&self) -> $s {
                <K<$s> as Kind>::make_scope::<$s, App, Self>(self, Self::RECIPE)
            }
        }
    };
}
service!(Config, 0, s0);
service!(Db, 1, s1);
service!(Uow, 2, s2);
service!(Handler, 3, s3);

impl Container for App {
    const SERVICES: &'static [&'static str] = &["Config", "Db", "Uow", "Handler"];
    const EAGER: &'static [bool] = &[
        <K<Config> as Kind>::EAGER,
        <K<Db> as Kind>::EAGER,
        <K<Uow> as Kind>::EAGER,
        <K<Handler> as Kind>::EAGER,
    ];
    fn dependencies(index: usize, out: &mut Vec<usize>) {
        match index {
            0 => <K<Config> as Kind>::dependencies::<Config, App, AppScope>(
                <App as Provides<Config>>::RECIPE,
                <AppScope as Provides<Config>>::RECIPE,
                out,
            ),
            1 => <K<Db> as Kind>::dependencies::<Db, App, AppScope>(
                <App as Provides<Db>>::RECIPE,
                <AppScope as Provides<Db>>::RECIPE,
                out,
            ),
            2 => <K<Uow> as Kind>::dependencies::<Uow, App, AppScope>(
                <App as Provides<Uow>>::RECIPE,
                <AppScope as Provides<Uow>>::RECIPE,
                out,
            ),
            3 => <K<Handler> as Kind>::dependencies::<Handler, App, AppScope>(
                <App as Provides<Handler>>::RECIPE,
                <AppScope as Provides<Handler>>::RECIPE,
                out,
            ),
            _ => {}
        }
    }
    fn is_built(&self, index: usize) -> bool {
        match index {
            0 => is_built::<Config, Self>(self),
            1 => is_built::<Db, Self>(self),
            2 => is_built::<Uow, Self>(self),
            3 => is_built::<Handler, Self>(self),
            _ => false,
        }
    }
    fn start(&self, index: usize) -> Option<Starting<Self>> {
        match index {
            0 => start::<Config, Self>(self, <Self as Provides<Config>>::RECIPE),
            1 => start::<Db, Self>(self, <Self as Provides<Db>>::RECIPE),
            2 => start::<Uow, Self>(self, <Self as Provides<Uow>>::RECIPE),
            3 => start::<Handler, Self>(self, <Self as Provides<Handler>>::RECIPE),
            _ => None,
        }
    }
}

#[tokio::test]
async fn a_hand_written_container_resolves_every_kind() {
    let app = build(App {
        s0: Default::default(),
        s1: Default::default(),
        s2: Default::default(),
        s3: Default::default(),
        core: RootCore::new(4),
    })
    .await
    .unwrap();
    assert_eq!(Provides::<Config>::provide_ref(&*app).name, "app");
    let db: Arc<Db> = Inject::inject(&*app);
    assert!(Arc::ptr_eq(&db.config, &Provides::<Config>::provide(&*app)));

    let scope = AppScope {
        root: app.clone(),
        core: app.core.open_scope(),
    };
    let first: Handler = Inject::inject(&scope);
    let second: Handler = Inject::inject(&scope);
    assert!(Arc::ptr_eq(&first.uow, &second.uow), "one Uow per scope");
    assert!(Arc::ptr_eq(&first.uow.db, &db));
    assert_eq!(first.config.name, "app");
    drop((first, second));
    scope.core.close().await;
    assert_eq!(DISPOSED.load(SeqCst), 1);

    let again = AppScope {
        root: app.clone(),
        core: app.core.open_scope(),
    };
    let _third: Handler = Inject::inject(&again);
    assert_eq!(app.core.scope_stats().reused, 1);
}
