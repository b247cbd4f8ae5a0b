pub async fn user(id: u64, lang: &str) -> Option<String> {
    ::unokit::__private::cache::with_guard! {
        let __unokit_guard : & ::unokit::__private::cache::KeyGuard < _ > = & * USER_IDS;
        if ! __unokit_guard.may_contain(& (::core::clone::Clone::clone(& id),
        ::std::borrow::ToOwned::to_owned(lang),)) { return ::core::option::Option::None;
        }
    }
    let __unokit_cache = user_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&id).key(&lang).finish();
    if let ::core::option::Option::Some(__unokit_hit) = __unokit_cache
        .get(
            __unokit_hash,
            |__unokit_key: &(u64, ::std::string::String)| {
                ::unokit::__private::key::CacheKey::key_eq(&__unokit_key.0, &id)
                    && ::unokit::__private::key::CacheKey::key_eq(
                        ::core::borrow::Borrow::<str>::borrow(&__unokit_key.1),
                        lang,
                    )
            },
        )
    {
        return ::core::option::Option::Some(__unokit_hit);
    }
    __unokit_cache
        .get_or_compute(
            __unokit_hash,
            (::core::clone::Clone::clone(&id), ::std::borrow::ToOwned::to_owned(lang)),
            ::unokit::__private::cache::SomeOnly,
            move || user_uncached(id, lang),
        )
        .await
}
/// Runs [`user`]'s body, bypassing its cache: nothing is read or stored.
#[allow(
    clippy::missing_errors_doc,
    clippy::missing_panics_doc,
    clippy::must_use_candidate
)]
pub async fn user_uncached(id: u64, lang: &str) -> Option<String> {
    Some(format!("{id} {lang}"))
}
/// Removes the cached result of [`user`] for these arguments.
#[allow(clippy::needless_pass_by_value)]
pub async fn user_invalidate(id: u64, lang: &str) {
    let __unokit_cache = user_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&id).key(&lang).finish();
    __unokit_cache
        .invalidate(
            __unokit_hash,
            |__unokit_key: &(u64, ::std::string::String)| {
                ::unokit::__private::key::CacheKey::key_eq(&__unokit_key.0, &id)
                    && ::unokit::__private::key::CacheKey::key_eq(
                        ::core::borrow::Borrow::<str>::borrow(&__unokit_key.1),
                        lang,
                    )
            },
        )
        .await;
}
/// Stores `value` as the cached result of [`user`] for these arguments, replacing any.
#[allow(clippy::needless_pass_by_value)]
pub async fn user_prime(id: u64, lang: &str, value: String) {
    let __unokit_cache = user_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&id).key(&lang).finish();
    __unokit_cache
        .insert(
            __unokit_hash,
            (::core::clone::Clone::clone(&id), ::std::borrow::ToOwned::to_owned(lang)),
            value,
        )
        .await;
}
/// Removes every cached result of [`user`].
pub fn user_invalidate_all() {
    user_cache().invalidate_all();
}
/// The cache of [`user`]: hits, misses and entries through `stats()`, and moka's maintenance.
#[must_use]
pub fn user_cache() -> &'static ::unokit::__private::cache::AsyncFnCache<
    (u64, ::std::string::String),
    String,
> {
    static CACHE: ::unokit::__private::cache::AsyncFnCache<
        (u64, ::std::string::String),
        String,
    > = ::unokit::__private::cache::AsyncFnCache::new(
            ::unokit::__private::cache::CacheConfig::new()
                .with_ttl(::core::time::Duration::from_millis(300000))
                .with_hot_keys(1000),
        )
        .named(::core::concat!(::core::module_path!(), "::", "user"));
    &CACHE
}
/// Loads [`user`]'s result for each key of `keys` that is not cached, 16 at a time, and returns how many it loaded: pass the hot keys that [`user_cache`]`().hot_keys()` exported (by this instance, or by the previous one before a restart) to warm the cache before it serves. A key is the tuple of the function's arguments, owned.
pub async fn user_prewarm(
    keys: impl ::core::iter::IntoIterator<Item = (u64, ::std::string::String)>,
) -> usize {
    let __unokit_cache = user_cache();
    __unokit_cache
        .prewarm(
            keys,
            16,
            |__unokit_key: &(u64, ::std::string::String)| {
                __unokit_cache
                    .hasher()
                    .key(&__unokit_key.0)
                    .key(&__unokit_key.1)
                    .finish()
            },
            ::unokit::__private::cache::SomeOnly,
            |__unokit_key: (u64, ::std::string::String)| async move {
                user_uncached(__unokit_key.0, &__unokit_key.1).await
            },
        )
        .await
}
