/// Looks a page up by its path, in a cache bounded by what its keys and values weigh.
///
/// Cached with `#[unokit::cached]`: see [`page_cache`] for statistics, [`page_invalidate`], [`page_invalidate_all`], [`page_prime`] and [`page_uncached`].
pub fn page(site: &str, path: &str) -> String {
    let __unokit_key_value = format!("{site}/{path}");
    let __unokit_cache = page_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&__unokit_key_value).finish();
    if let ::core::option::Option::Some(__unokit_hit) = __unokit_cache
        .get(
            __unokit_hash,
            |__unokit_key: &::unokit::__private::cache::AnyKey| {
                __unokit_key.is(&__unokit_key_value)
            },
        )
    {
        return __unokit_hit;
    }
    __unokit_cache
        .get_or_compute(
            __unokit_hash,
            ::unokit::__private::cache::AnyKey::weighed(__unokit_key_value),
            ::unokit::__private::cache::Always,
            move || page_uncached(site, path),
        )
}
/// Runs [`page`]'s body, bypassing its cache: nothing is read or stored.
#[allow(
    clippy::missing_errors_doc,
    clippy::missing_panics_doc,
    clippy::must_use_candidate
)]
pub fn page_uncached(site: &str, path: &str) -> String {
    format!("{site}{path}")
}
/// Removes the cached result of [`page`] for these arguments.
#[allow(clippy::needless_pass_by_value)]
pub fn page_invalidate(site: &str, path: &str) {
    let __unokit_key_value = format!("{site}/{path}");
    let __unokit_cache = page_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&__unokit_key_value).finish();
    __unokit_cache
        .invalidate(
            __unokit_hash,
            |__unokit_key: &::unokit::__private::cache::AnyKey| {
                __unokit_key.is(&__unokit_key_value)
            },
        );
}
/// Stores `value` as the cached result of [`page`] for these arguments, replacing any.
#[allow(clippy::needless_pass_by_value)]
pub fn page_prime(site: &str, path: &str, value: String) {
    let __unokit_key_value = format!("{site}/{path}");
    let __unokit_cache = page_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&__unokit_key_value).finish();
    __unokit_cache
        .insert(
            __unokit_hash,
            ::unokit::__private::cache::AnyKey::weighed(__unokit_key_value),
            value,
        );
}
/// Removes every cached result of [`page`].
pub fn page_invalidate_all() {
    page_cache().invalidate_all();
}
/// The cache of [`page`]: hits, misses and entries through `stats()`, and moka's maintenance.
#[must_use]
pub fn page_cache() -> &'static ::unokit::__private::cache::SyncFnCache<
    ::unokit::__private::cache::AnyKey,
    String,
> {
    static CACHE: ::unokit::__private::cache::SyncFnCache<
        ::unokit::__private::cache::AnyKey,
        String,
    > = ::unokit::__private::cache::SyncFnCache::new_weighed(
            ::unokit::__private::cache::CacheConfig::new().with_max_bytes(1048576),
        )
        .named(::core::concat!(::core::module_path!(), "::", "page"));
    &CACHE
}
