impl Catalog {
    pub fn price(&self, sku: &str, quantity: u32) -> Option<Price> {
        let __unokit_cache = Self::price_cache();
        let __unokit_hash = __unokit_cache
            .hasher()
            .key(self)
            .key(&sku)
            .key(&quantity)
            .finish();
        if let ::core::option::Option::Some(__unokit_hit) = __unokit_cache
            .get(
                __unokit_hash,
                |__unokit_key: &::unokit::__private::cache::AnyKey| {
                    __unokit_key
                        .downcast_ref::<(Self, ::std::string::String, u32)>()
                        .is_some_and(|__unokit_key| {
                            ::unokit::__private::key::CacheKey::key_eq(
                                &__unokit_key.0,
                                self,
                            )
                                && ::unokit::__private::key::CacheKey::key_eq(
                                    ::core::borrow::Borrow::<str>::borrow(&__unokit_key.1),
                                    sku,
                                )
                                && ::unokit::__private::key::CacheKey::key_eq(
                                    &__unokit_key.2,
                                    &quantity,
                                )
                        })
                },
            )
        {
            return ::core::option::Option::Some(__unokit_hit);
        }
        __unokit_cache
            .get_or_compute(
                __unokit_hash,
                ::unokit::__private::cache::AnyKey::new((
                    ::core::clone::Clone::clone(self),
                    ::std::borrow::ToOwned::to_owned(sku),
                    ::core::clone::Clone::clone(&quantity),
                )),
                ::unokit::__private::cache::SomeOnly,
                move || Self::price_uncached(self, sku, quantity),
            )
    }
    /// Runs [`Self::price`]'s body, bypassing its cache: nothing is read or stored.
    #[allow(
        clippy::missing_errors_doc,
        clippy::missing_panics_doc,
        clippy::must_use_candidate
    )]
    pub fn price_uncached(&self, sku: &str, quantity: u32) -> Option<Price> {
        self.lookup(sku).map(|unit| unit * quantity)
    }
    /// Removes the cached result of [`Self::price`] for these arguments.
    #[allow(clippy::needless_pass_by_value)]
    pub fn price_invalidate(&self, sku: &str, quantity: u32) {
        let __unokit_cache = Self::price_cache();
        let __unokit_hash = __unokit_cache
            .hasher()
            .key(self)
            .key(&sku)
            .key(&quantity)
            .finish();
        __unokit_cache
            .invalidate(
                __unokit_hash,
                |__unokit_key: &::unokit::__private::cache::AnyKey| {
                    __unokit_key
                        .downcast_ref::<(Self, ::std::string::String, u32)>()
                        .is_some_and(|__unokit_key| {
                            ::unokit::__private::key::CacheKey::key_eq(
                                &__unokit_key.0,
                                self,
                            )
                                && ::unokit::__private::key::CacheKey::key_eq(
                                    ::core::borrow::Borrow::<str>::borrow(&__unokit_key.1),
                                    sku,
                                )
                                && ::unokit::__private::key::CacheKey::key_eq(
                                    &__unokit_key.2,
                                    &quantity,
                                )
                        })
                },
            );
    }
    /// Stores `value` as the cached result of [`Self::price`] for these arguments, replacing any.
    #[allow(clippy::needless_pass_by_value)]
    pub fn price_prime(&self, sku: &str, quantity: u32, value: Price) {
        let __unokit_cache = Self::price_cache();
        let __unokit_hash = __unokit_cache
            .hasher()
            .key(self)
            .key(&sku)
            .key(&quantity)
            .finish();
        __unokit_cache
            .insert(
                __unokit_hash,
                ::unokit::__private::cache::AnyKey::new((
                    ::core::clone::Clone::clone(self),
                    ::std::borrow::ToOwned::to_owned(sku),
                    ::core::clone::Clone::clone(&quantity),
                )),
                value,
            );
    }
    /// Removes every cached result of [`Self::price`].
    pub fn price_invalidate_all() {
        Self::price_cache().invalidate_all();
    }
    /// The cache of [`Self::price`]: hits, misses and entries through `stats()`, and moka's maintenance.
    #[must_use]
    pub fn price_cache() -> &'static ::unokit::__private::cache::SyncFnCache<
        ::unokit::__private::cache::AnyKey,
        Price,
    > {
        static CACHE: ::unokit::__private::cache::SyncFnCache<
            ::unokit::__private::cache::AnyKey,
            Price,
        > = ::unokit::__private::cache::SyncFnCache::new(
                ::unokit::__private::cache::CacheConfig::new(),
            )
            .named(::core::concat!(::core::module_path!(), "::", "price"));
        &CACHE
    }
}
