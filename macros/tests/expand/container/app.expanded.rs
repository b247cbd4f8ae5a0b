pub struct App {
    __unokit_config: <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootSlot<
        Config,
    >,
    __unokit_unit_of_work: <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootSlot<
        UnitOfWork,
    >,
    __unokit_pg_repo: <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootSlot<
        PgRepo,
    >,
    __unokit_binding_0: ::core::option::Option<::std::sync::Arc<dyn Repo>>,
    __unokit_core: ::unokit::__private::di::RootCore<__AppScopeSlots>,
}
#[doc(hidden)]
struct __AppScopeSlots {
    __unokit_config: <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::ScopeSlot<
        Config,
    >,
    __unokit_unit_of_work: <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::ScopeSlot<
        UnitOfWork,
    >,
    __unokit_pg_repo: <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::ScopeSlot<
        PgRepo,
    >,
    __unokit_log: ::unokit::__private::di::CreationLog,
}
/**A scope of [`App`]: one instance of each scoped service, made on first resolve.

Make one per request with [`App::scope`]. Dropping it disposes of its services (detached when they have async cleanup); [`AppScope::close`] awaits their cleanup. Its slots go back to the container's pool for the next scope.*/
pub struct AppScope {
    __unokit_root: ::std::sync::Arc<App>,
    __unokit_core: ::unokit::__private::di::ScopeCore<__AppScopeSlots>,
}
///Builds a [`App`], with test doubles in place of some singletons or bindings: [`App::builder`].
#[must_use = "a builder does nothing until `build().await`"]
pub struct AppBuilder {
    __unokit_container: App,
}
#[automatically_derived]
impl App {
    /// Starts building the container: replace singletons or bindings, set
    /// the scope pool's size, then `build().await`.
    pub fn builder() -> AppBuilder {
        AppBuilder {
            __unokit_container: Self {
                __unokit_config: ::core::default::Default::default(),
                __unokit_unit_of_work: ::core::default::Default::default(),
                __unokit_pg_repo: ::core::default::Default::default(),
                __unokit_binding_0: ::core::option::Option::None,
                __unokit_core: ::unokit::__private::di::RootCore::new(
                    ::unokit::__private::di::RootCore::<
                        __AppScopeSlots,
                    >::DEFAULT_SCOPE_POOL,
                ),
            },
        }
    }
    /// Builds the container: checks the dependency graph, then makes every
    /// eager singleton, independent ones concurrently.
    ///
    /// # Errors
    ///
    /// A dependency cycle, or the first factory that failed, with its
    /// service's name. Whatever was already made is disposed of first.
    pub async fn build() -> ::core::result::Result<
        ::std::sync::Arc<Self>,
        ::unokit::__private::di::BuildError,
    > {
        Self::builder().build().await
    }
    /// Resolves a singleton, as `Arc<Service>` (or a bound trait, as
    /// `Arc<dyn Trait>`). Scoped and transient services come from a scope.
    #[inline]
    #[must_use]
    pub fn resolve<H: ::unokit::__private::di::Inject<Self>>(&self) -> H {
        H::inject(self)
    }
    /// Borrows a singleton.
    #[inline]
    #[must_use]
    pub fn resolve_ref<S>(&self) -> &S
    where
        S: ::unokit::__private::di::Injectable,
        Self: ::unokit::__private::di::Provides<S>,
        <S as ::unokit::__private::di::Injectable>::Kind: ::unokit::__private::di::VisibleIn<
            ::unokit::__private::di::RootRole,
            S,
        >,
    {
        <Self as ::unokit::__private::di::Provides<S>>::provide_ref(self)
    }
    /// Opens a scope: cheap, its slots come from a pool.
    #[must_use]
    pub fn scope(self: &::std::sync::Arc<Self>) -> AppScope {
        AppScope {
            __unokit_root: ::std::sync::Arc::clone(self),
            __unokit_core: self.__unokit_core.open_scope(),
        }
    }
    /// Disposes of the singletons made so far, newest first, awaiting each
    /// one's cleanup. Call it at shutdown; dropping the last handle to the
    /// container does the same, detached.
    pub async fn close(&self) {
        self.__unokit_core.close().await;
    }
    /// The scope pool's counters: `created` and `reused` scopes.
    #[must_use]
    pub fn scope_stats(&self) -> ::unokit::__private::task::PoolStats {
        self.__unokit_core.scope_stats()
    }
}
#[automatically_derived]
impl AppScope {
    /// Resolves a service: `Arc<Service>` for a singleton or scoped one,
    /// `Service` (or `Arc<Service>`) for a transient one, `Arc<dyn Trait>`
    /// for a binding.
    #[inline]
    #[must_use]
    pub fn resolve<H: ::unokit::__private::di::Inject<Self>>(&self) -> H {
        H::inject(self)
    }
    /// Borrows a singleton or this scope's instance of a scoped service.
    #[inline]
    #[must_use]
    pub fn resolve_ref<S>(&self) -> &S
    where
        S: ::unokit::__private::di::Injectable,
        Self: ::unokit::__private::di::Provides<S>,
        <S as ::unokit::__private::di::Injectable>::Kind: ::unokit::__private::di::Borrowable<
            S,
        >,
    {
        <Self as ::unokit::__private::di::Provides<S>>::provide_ref(self)
    }
    /// The container this scope belongs to.
    #[inline]
    #[must_use]
    pub fn container(&self) -> &::std::sync::Arc<App> {
        &self.__unokit_root
    }
    /// Disposes of the scope's services, newest first, awaiting each one's
    /// cleanup, and returns its slots to the pool.
    pub async fn close(self) {
        let Self { __unokit_core, .. } = self;
        __unokit_core.close().await;
    }
}
#[automatically_derived]
impl AppBuilder {
    /// Uses `value` as the singleton `S`: the container never builds its own.
    pub fn replace<S>(mut self, value: ::std::sync::Arc<S>) -> Self
    where
        S: ::unokit::__private::di::Injectable,
        App: ::unokit::__private::di::RootSlots<S>,
        <S as ::unokit::__private::di::Injectable>::Kind: ::unokit::__private::di::Replaceable<
            S,
        >,
    {
        let slot = <App as ::unokit::__private::di::RootSlots<
            S,
        >>::root_slot_mut(&mut self.__unokit_container);
        <<S as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Replaceable<
            S,
        >>::replace(slot, value);
        self
    }
    /// Resolves `Arc<T>` (a bound `dyn Trait`) to `value` instead of the
    /// implementation the container lists.
    pub fn replace_binding<T: ?::core::marker::Sized>(
        mut self,
        value: ::std::sync::Arc<T>,
    ) -> Self
    where
        App: ::unokit::__private::di::Binding<T>,
    {
        *<App as ::unokit::__private::di::Binding<
            T,
        >>::binding_mut(&mut self.__unokit_container) = ::core::option::Option::Some(
            value,
        );
        self
    }
    /// Keeps up to `idle` closed scopes' slots for reuse (0: none).
    pub fn scope_pool(mut self, idle: usize) -> Self {
        self.__unokit_container.__unokit_core = ::unokit::__private::di::RootCore::new(
            idle,
        );
        self
    }
    ///Builds the container: see [`App::build`].
    ///
    /// # Errors
    ///
    /// A dependency cycle, or the first factory that failed.
    pub async fn build(
        self,
    ) -> ::core::result::Result<
        ::std::sync::Arc<App>,
        ::unokit::__private::di::BuildError,
    > {
        ::unokit::__private::di::build(self.__unokit_container).await
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Context for App {
    type Role = ::unokit::__private::di::RootRole;
    #[inline]
    fn creation_log(&self) -> &::unokit::__private::di::CreationLog {
        self.__unokit_core.creation_log()
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Context for AppScope {
    type Role = ::unokit::__private::di::ScopeRole;
    #[inline]
    fn creation_log(&self) -> &::unokit::__private::di::CreationLog {
        ::unokit::__private::di::ScopeSlots::creation_log(self.__unokit_core.slots())
    }
}
#[automatically_derived]
impl ::unokit::__private::di::ScopedContainer for App {
    type Scope = AppScope;
    #[inline]
    fn open_scope(self: &::std::sync::Arc<Self>) -> AppScope {
        App::scope(self)
    }
}
#[automatically_derived]
impl ::unokit::__private::di::ContainerScope for AppScope {
    type Container = App;
    #[inline]
    fn container(&self) -> &::std::sync::Arc<App> {
        AppScope::container(self)
    }
    fn close(self) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
        AppScope::close(self)
    }
}
#[automatically_derived]
impl ::core::default::Default for __AppScopeSlots {
    fn default() -> Self {
        Self {
            __unokit_config: ::core::default::Default::default(),
            __unokit_unit_of_work: ::core::default::Default::default(),
            __unokit_pg_repo: ::core::default::Default::default(),
            __unokit_log: ::core::default::Default::default(),
        }
    }
}
#[automatically_derived]
impl ::unokit::__private::di::ScopeSlots for __AppScopeSlots {
    fn reset(&mut self) {
        ::unokit::__private::di::ServiceSlot::<Config>::reset(&mut self.__unokit_config);
        ::unokit::__private::di::ServiceSlot::<
            UnitOfWork,
        >::reset(&mut self.__unokit_unit_of_work);
        ::unokit::__private::di::ServiceSlot::<
            PgRepo,
        >::reset(&mut self.__unokit_pg_repo);
    }
    #[inline]
    fn creation_log(&self) -> &::unokit::__private::di::CreationLog {
        &self.__unokit_log
    }
}
#[automatically_derived]
impl ::unokit::__private::di::RootSlots<Config> for App {
    #[inline]
    fn root_slot(
        &self,
    ) -> &<<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootSlot<
        Config,
    > {
        &self.__unokit_config
    }
    #[inline]
    fn root_slot_mut(
        &mut self,
    ) -> &mut <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootSlot<
        Config,
    > {
        &mut self.__unokit_config
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Provides<Config> for App {
    const INDEX: usize = 0;
    type Home = <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootHome<
        Self,
    >;
    const RECIPE: ::unokit::__private::di::Recipes<Config, Self::Home> = ::unokit::__private::di::Recipes::of();
    #[inline(always)]
    fn provide(&self) -> ::std::sync::Arc<Config> {
        <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_root::<
            Config,
            Self,
        >(
            &self.__unokit_config,
            self,
            <Self as ::unokit::__private::di::Provides<Config>>::RECIPE,
        )
    }
    #[inline(always)]
    fn provide_ref(&self) -> &Config {
        <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_root_ref::<
            Config,
            Self,
        >(
            &self.__unokit_config,
            self,
            <Self as ::unokit::__private::di::Provides<Config>>::RECIPE,
        )
    }
    fn make(&self) -> Config {
        ::unokit::__private::di::never_made::<Config>()
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Provides<Config> for AppScope {
    const INDEX: usize = 0;
    type Home = <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::ScopeHome<
        App,
        Self,
    >;
    const RECIPE: ::unokit::__private::di::Recipes<Config, Self::Home> = ::unokit::__private::di::Recipes::of();
    #[inline(always)]
    fn provide(&self) -> ::std::sync::Arc<Config> {
        <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_scope::<
            Config,
            App,
            Self,
        >(
            &self.__unokit_core.slots().__unokit_config,
            &self.__unokit_root,
            self,
            <Self as ::unokit::__private::di::Provides<Config>>::RECIPE,
        )
    }
    #[inline(always)]
    fn provide_ref(&self) -> &Config {
        <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_scope_ref::<
            Config,
            App,
            Self,
        >(
            &self.__unokit_core.slots().__unokit_config,
            &self.__unokit_root,
            self,
            <Self as ::unokit::__private::di::Provides<Config>>::RECIPE,
        )
    }
    #[inline(always)]
    fn make(&self) -> Config {
        <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::make_scope::<
            Config,
            App,
            Self,
        >(self, <Self as ::unokit::__private::di::Provides<Config>>::RECIPE)
    }
}
#[automatically_derived]
impl ::unokit::__private::di::RootSlots<UnitOfWork> for App {
    #[inline]
    fn root_slot(
        &self,
    ) -> &<<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootSlot<
        UnitOfWork,
    > {
        &self.__unokit_unit_of_work
    }
    #[inline]
    fn root_slot_mut(
        &mut self,
    ) -> &mut <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootSlot<
        UnitOfWork,
    > {
        &mut self.__unokit_unit_of_work
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Provides<UnitOfWork> for App {
    const INDEX: usize = 1;
    type Home = <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootHome<
        Self,
    >;
    const RECIPE: ::unokit::__private::di::Recipes<UnitOfWork, Self::Home> = ::unokit::__private::di::Recipes::of();
    #[inline(always)]
    fn provide(&self) -> ::std::sync::Arc<UnitOfWork> {
        <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_root::<
            UnitOfWork,
            Self,
        >(
            &self.__unokit_unit_of_work,
            self,
            <Self as ::unokit::__private::di::Provides<UnitOfWork>>::RECIPE,
        )
    }
    #[inline(always)]
    fn provide_ref(&self) -> &UnitOfWork {
        <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_root_ref::<
            UnitOfWork,
            Self,
        >(
            &self.__unokit_unit_of_work,
            self,
            <Self as ::unokit::__private::di::Provides<UnitOfWork>>::RECIPE,
        )
    }
    fn make(&self) -> UnitOfWork {
        ::unokit::__private::di::never_made::<UnitOfWork>()
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Provides<UnitOfWork> for AppScope {
    const INDEX: usize = 1;
    type Home = <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::ScopeHome<
        App,
        Self,
    >;
    const RECIPE: ::unokit::__private::di::Recipes<UnitOfWork, Self::Home> = ::unokit::__private::di::Recipes::of();
    #[inline(always)]
    fn provide(&self) -> ::std::sync::Arc<UnitOfWork> {
        <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_scope::<
            UnitOfWork,
            App,
            Self,
        >(
            &self.__unokit_core.slots().__unokit_unit_of_work,
            &self.__unokit_root,
            self,
            <Self as ::unokit::__private::di::Provides<UnitOfWork>>::RECIPE,
        )
    }
    #[inline(always)]
    fn provide_ref(&self) -> &UnitOfWork {
        <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_scope_ref::<
            UnitOfWork,
            App,
            Self,
        >(
            &self.__unokit_core.slots().__unokit_unit_of_work,
            &self.__unokit_root,
            self,
            <Self as ::unokit::__private::di::Provides<UnitOfWork>>::RECIPE,
        )
    }
    #[inline(always)]
    fn make(&self) -> UnitOfWork {
        <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::make_scope::<
            UnitOfWork,
            App,
            Self,
        >(self, <Self as ::unokit::__private::di::Provides<UnitOfWork>>::RECIPE)
    }
}
#[automatically_derived]
impl ::unokit::__private::di::RootSlots<PgRepo> for App {
    #[inline]
    fn root_slot(
        &self,
    ) -> &<<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootSlot<
        PgRepo,
    > {
        &self.__unokit_pg_repo
    }
    #[inline]
    fn root_slot_mut(
        &mut self,
    ) -> &mut <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootSlot<
        PgRepo,
    > {
        &mut self.__unokit_pg_repo
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Provides<PgRepo> for App {
    const INDEX: usize = 2;
    type Home = <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::RootHome<
        Self,
    >;
    const RECIPE: ::unokit::__private::di::Recipes<PgRepo, Self::Home> = ::unokit::__private::di::Recipes::of();
    #[inline(always)]
    fn provide(&self) -> ::std::sync::Arc<PgRepo> {
        <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_root::<
            PgRepo,
            Self,
        >(
            &self.__unokit_pg_repo,
            self,
            <Self as ::unokit::__private::di::Provides<PgRepo>>::RECIPE,
        )
    }
    #[inline(always)]
    fn provide_ref(&self) -> &PgRepo {
        <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_root_ref::<
            PgRepo,
            Self,
        >(
            &self.__unokit_pg_repo,
            self,
            <Self as ::unokit::__private::di::Provides<PgRepo>>::RECIPE,
        )
    }
    fn make(&self) -> PgRepo {
        ::unokit::__private::di::never_made::<PgRepo>()
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Provides<PgRepo> for AppScope {
    const INDEX: usize = 2;
    type Home = <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::ScopeHome<
        App,
        Self,
    >;
    const RECIPE: ::unokit::__private::di::Recipes<PgRepo, Self::Home> = ::unokit::__private::di::Recipes::of();
    #[inline(always)]
    fn provide(&self) -> ::std::sync::Arc<PgRepo> {
        <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_scope::<
            PgRepo,
            App,
            Self,
        >(
            &self.__unokit_core.slots().__unokit_pg_repo,
            &self.__unokit_root,
            self,
            <Self as ::unokit::__private::di::Provides<PgRepo>>::RECIPE,
        )
    }
    #[inline(always)]
    fn provide_ref(&self) -> &PgRepo {
        <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::provide_scope_ref::<
            PgRepo,
            App,
            Self,
        >(
            &self.__unokit_core.slots().__unokit_pg_repo,
            &self.__unokit_root,
            self,
            <Self as ::unokit::__private::di::Provides<PgRepo>>::RECIPE,
        )
    }
    #[inline(always)]
    fn make(&self) -> PgRepo {
        <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::make_scope::<
            PgRepo,
            App,
            Self,
        >(self, <Self as ::unokit::__private::di::Provides<PgRepo>>::RECIPE)
    }
}
#[automatically_derived]
impl<__UnokitKind> ::unokit::__private::di::Inject<App> for ::std::sync::Arc<dyn Repo>
where
    PgRepo: ::unokit::__private::di::Injectable<Kind = __UnokitKind>,
    __UnokitKind: ::unokit::__private::di::VisibleIn<
        ::unokit::__private::di::RootRole,
        PgRepo,
    >,
{
    #[inline]
    fn inject(context: &App) -> Self {
        match &context.__unokit_binding_0 {
            ::core::option::Option::Some(replaced) => ::std::sync::Arc::clone(replaced),
            ::core::option::Option::None => {
                <::std::sync::Arc<
                    PgRepo,
                > as ::unokit::__private::di::Inject<App>>::inject(context)
            }
        }
    }
    fn dependency(out: &mut ::std::vec::Vec<usize>) {
        <::std::sync::Arc<
            PgRepo,
        > as ::unokit::__private::di::Inject<App>>::dependency(out);
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Inject<AppScope> for ::std::sync::Arc<dyn Repo> {
    #[inline]
    fn inject(context: &AppScope) -> Self {
        match &context.__unokit_root.__unokit_binding_0 {
            ::core::option::Option::Some(replaced) => ::std::sync::Arc::clone(replaced),
            ::core::option::Option::None => {
                <::std::sync::Arc<
                    PgRepo,
                > as ::unokit::__private::di::Inject<AppScope>>::inject(context)
            }
        }
    }
    fn dependency(out: &mut ::std::vec::Vec<usize>) {
        <::std::sync::Arc<
            PgRepo,
        > as ::unokit::__private::di::Inject<AppScope>>::dependency(out);
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Binding<dyn Repo> for App {
    fn binding_mut(
        &mut self,
    ) -> &mut ::core::option::Option<::std::sync::Arc<dyn Repo>> {
        &mut self.__unokit_binding_0
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Container for App {
    const SERVICES: &'static [&'static str] = &[
        <Config as ::unokit::__private::di::Injectable>::NAME,
        <UnitOfWork as ::unokit::__private::di::Injectable>::NAME,
        <PgRepo as ::unokit::__private::di::Injectable>::NAME,
    ];
    const EAGER: &'static [bool] = &[
        <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::EAGER,
        <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::EAGER,
        <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::EAGER,
    ];
    fn dependencies(index: usize, out: &mut ::std::vec::Vec<usize>) {
        match index {
            0 => {
                <<Config as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::dependencies::<
                    Config,
                    App,
                    AppScope,
                >(
                    <App as ::unokit::__private::di::Provides<Config>>::RECIPE,
                    <AppScope as ::unokit::__private::di::Provides<Config>>::RECIPE,
                    out,
                )
            }
            1 => {
                <<UnitOfWork as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::dependencies::<
                    UnitOfWork,
                    App,
                    AppScope,
                >(
                    <App as ::unokit::__private::di::Provides<UnitOfWork>>::RECIPE,
                    <AppScope as ::unokit::__private::di::Provides<UnitOfWork>>::RECIPE,
                    out,
                )
            }
            2 => {
                <<PgRepo as ::unokit::__private::di::Injectable>::Kind as ::unokit::__private::di::Kind>::dependencies::<
                    PgRepo,
                    App,
                    AppScope,
                >(
                    <App as ::unokit::__private::di::Provides<PgRepo>>::RECIPE,
                    <AppScope as ::unokit::__private::di::Provides<PgRepo>>::RECIPE,
                    out,
                )
            }
            _ => {}
        }
    }
    fn is_built(&self, index: usize) -> bool {
        match index {
            0 => ::unokit::__private::di::is_built::<Config, Self>(self),
            1 => ::unokit::__private::di::is_built::<UnitOfWork, Self>(self),
            2 => ::unokit::__private::di::is_built::<PgRepo, Self>(self),
            _ => false,
        }
    }
    fn start(
        &self,
        index: usize,
    ) -> ::core::option::Option<::unokit::__private::di::Starting<Self>> {
        match index {
            0 => {
                ::unokit::__private::di::start::<
                    Config,
                    Self,
                >(self, <Self as ::unokit::__private::di::Provides<Config>>::RECIPE)
            }
            1 => {
                ::unokit::__private::di::start::<
                    UnitOfWork,
                    Self,
                >(self, <Self as ::unokit::__private::di::Provides<UnitOfWork>>::RECIPE)
            }
            2 => {
                ::unokit::__private::di::start::<
                    PgRepo,
                    Self,
                >(self, <Self as ::unokit::__private::di::Provides<PgRepo>>::RECIPE)
            }
            _ => ::core::option::Option::None,
        }
    }
}
