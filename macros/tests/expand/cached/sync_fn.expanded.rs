/// Squares a number, slowly.
///
/// Cached with `#[unokit::cached]`: see [`square_cache`] for statistics, [`square_invalidate`], [`square_invalidate_all`], [`square_prime`] and [`square_uncached`].
pub fn square(n: u64) -> u64 {
    let __unokit_cache = square_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&n).finish();
    if let ::core::option::Option::Some(__unokit_hit) = __unokit_cache
        .get(
            __unokit_hash,
            |__unokit_key: &(u64,)| ::unokit::__private::key::CacheKey::key_eq(
                &__unokit_key.0,
                &n,
            ),
        )
    {
        return __unokit_hit;
    }
    __unokit_cache
        .get_or_compute(
            __unokit_hash,
            (::core::clone::Clone::clone(&n),),
            ::unokit::__private::cache::Always,
            move || square_uncached(n),
        )
}
/// Runs [`square`]'s body, bypassing its cache: nothing is read or stored.
#[allow(
    clippy::missing_errors_doc,
    clippy::missing_panics_doc,
    clippy::must_use_candidate
)]
pub fn square_uncached(n: u64) -> u64 {
    n * n
}
/// Removes the cached result of [`square`] for these arguments.
#[allow(clippy::needless_pass_by_value)]
pub fn square_invalidate(n: u64) {
    let __unokit_cache = square_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&n).finish();
    __unokit_cache
        .invalidate(
            __unokit_hash,
            |__unokit_key: &(u64,)| ::unokit::__private::key::CacheKey::key_eq(
                &__unokit_key.0,
                &n,
            ),
        );
}
/// Stores `value` as the cached result of [`square`] for these arguments, replacing any.
#[allow(clippy::needless_pass_by_value)]
pub fn square_prime(n: u64, value: u64) {
    let __unokit_cache = square_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&n).finish();
    __unokit_cache.insert(__unokit_hash, (::core::clone::Clone::clone(&n),), value);
}
/// Removes every cached result of [`square`].
pub fn square_invalidate_all() {
    square_cache().invalidate_all();
}
/// The cache of [`square`]: hits, misses and entries through `stats()`, and moka's maintenance.
#[must_use]
pub fn square_cache() -> &'static ::unokit::__private::cache::SyncFnCache<(u64,), u64> {
    static CACHE: ::unokit::__private::cache::SyncFnCache<(u64,), u64> = ::unokit::__private::cache::SyncFnCache::new(
            ::unokit::__private::cache::CacheConfig::new()
                .with_capacity(100)
                .with_ttl(::core::time::Duration::from_millis(30000)),
        )
        .named(::core::concat!(::core::module_path!(), "::", "square"));
    &CACHE
}
