pub fn find<S: AsRef<str>>(name: S) -> Option<User> {
    let __unokit_key_value = name.as_ref().to_lowercase();
    let __unokit_cache = find_cache();
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
            ::unokit::__private::cache::AnyKey::new(__unokit_key_value),
            ::unokit::__private::cache::Always,
            move || find_uncached(name),
        )
}
/// Runs [`find`]'s body, bypassing its cache: nothing is read or stored.
#[allow(
    clippy::missing_errors_doc,
    clippy::missing_panics_doc,
    clippy::must_use_candidate
)]
pub fn find_uncached<S: AsRef<str>>(name: S) -> Option<User> {
    USERS.find(name.as_ref())
}
/// Removes the cached result of [`find`] for these arguments.
#[allow(clippy::needless_pass_by_value)]
pub fn find_invalidate<S: AsRef<str>>(name: S) {
    let __unokit_key_value = name.as_ref().to_lowercase();
    let __unokit_cache = find_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&__unokit_key_value).finish();
    __unokit_cache
        .invalidate(
            __unokit_hash,
            |__unokit_key: &::unokit::__private::cache::AnyKey| {
                __unokit_key.is(&__unokit_key_value)
            },
        );
}
/// Stores `value` as the cached result of [`find`] for these arguments, replacing any.
#[allow(clippy::needless_pass_by_value)]
pub fn find_prime<S: AsRef<str>>(name: S, value: Option<User>) {
    let __unokit_key_value = name.as_ref().to_lowercase();
    let __unokit_cache = find_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&__unokit_key_value).finish();
    __unokit_cache
        .insert(
            __unokit_hash,
            ::unokit::__private::cache::AnyKey::new(__unokit_key_value),
            value,
        );
}
/// Removes every cached result of [`find`].
pub fn find_invalidate_all() {
    find_cache().invalidate_all();
}
/// The cache of [`find`]: hits, misses and entries through `stats()`, and moka's maintenance.
#[must_use]
pub fn find_cache() -> &'static ::unokit::__private::cache::SyncFnCache<
    ::unokit::__private::cache::AnyKey,
    Option<User>,
> {
    static CACHE: ::unokit::__private::cache::SyncFnCache<
        ::unokit::__private::cache::AnyKey,
        Option<User>,
    > = ::unokit::__private::cache::SyncFnCache::new(
            ::unokit::__private::cache::CacheConfig::new(),
        )
        .named(::core::concat!(::core::module_path!(), "::", "find"));
    &CACHE
}
