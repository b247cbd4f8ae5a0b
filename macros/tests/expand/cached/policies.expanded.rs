async fn user_profile(user_id: u64, lang: &str) -> Result<Profile, DbError> {
    let __unokit_cache = user_profile_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&user_id).key(&lang).finish();
    let __unokit_reload = |__unokit_key: (u64, ::std::string::String)| async move {
        user_profile_uncached(__unokit_key.0, &__unokit_key.1).await
    };
    if let ::core::option::Option::Some(__unokit_hit) = __unokit_cache
        .get_fresh(
            __unokit_hash,
            |__unokit_key: &(u64, ::std::string::String)| {
                ::unokit::__private::key::CacheKey::key_eq(&__unokit_key.0, &user_id)
                    && ::unokit::__private::key::CacheKey::key_eq(
                        ::core::borrow::Borrow::<str>::borrow(&__unokit_key.1),
                        lang,
                    )
            },
            ::unokit::__private::cache::OkOnly,
            __unokit_reload,
        )
    {
        return ::core::result::Result::Ok(__unokit_hit);
    }
    __unokit_cache
        .load(
            __unokit_hash,
            (
                ::core::clone::Clone::clone(&user_id),
                ::std::borrow::ToOwned::to_owned(lang),
            ),
            ::unokit::__private::cache::OkOnly,
            __unokit_reload,
            ::core::option::Option::Some(|
                __unokit_timeout: ::unokit::__private::cache::Timeout|
            {
                ::core::result::Result::Err(
                    ::core::convert::From::from(__unokit_timeout),
                )
            }),
        )
        .await
}
/// Runs [`user_profile`]'s body, bypassing its cache: nothing is read or stored.
///
/// # Errors
///
/// As [`user_profile`]'s.
#[allow(
    clippy::missing_errors_doc,
    clippy::missing_panics_doc,
    clippy::must_use_candidate
)]
async fn user_profile_uncached(user_id: u64, lang: &str) -> Result<Profile, DbError> {
    fetch_profile(user_id, lang).await
}
/// Removes the cached result of [`user_profile`] for these arguments.
#[allow(clippy::needless_pass_by_value)]
async fn user_profile_invalidate(user_id: u64, lang: &str) {
    let __unokit_cache = user_profile_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&user_id).key(&lang).finish();
    __unokit_cache
        .invalidate(
            __unokit_hash,
            |__unokit_key: &(u64, ::std::string::String)| {
                ::unokit::__private::key::CacheKey::key_eq(&__unokit_key.0, &user_id)
                    && ::unokit::__private::key::CacheKey::key_eq(
                        ::core::borrow::Borrow::<str>::borrow(&__unokit_key.1),
                        lang,
                    )
            },
        )
        .await;
}
/// Stores `value` as the cached result of [`user_profile`] for these arguments, replacing any.
#[allow(clippy::needless_pass_by_value)]
async fn user_profile_prime(user_id: u64, lang: &str, value: Profile) {
    let __unokit_cache = user_profile_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&user_id).key(&lang).finish();
    __unokit_cache
        .insert(
            __unokit_hash,
            (
                ::core::clone::Clone::clone(&user_id),
                ::std::borrow::ToOwned::to_owned(lang),
            ),
            value,
        )
        .await;
}
/// Removes every cached result of [`user_profile`].
fn user_profile_invalidate_all() {
    user_profile_cache().invalidate_all();
}
/// The cache of [`user_profile`]: hits, misses and entries through `stats()`, and moka's maintenance.
#[must_use]
fn user_profile_cache() -> &'static ::unokit::__private::cache::AsyncFnCache<
    (u64, ::std::string::String),
    Profile,
> {
    static CACHE: ::unokit::__private::cache::AsyncFnCache<
        (u64, ::std::string::String),
        Profile,
    > = ::unokit::__private::cache::AsyncFnCache::new(
            ::unokit::__private::cache::CacheConfig::new()
                .with_ttl(::core::time::Duration::from_millis(300000))
                .with_refresh_ahead(800)
                .with_stale_if_error(::core::time::Duration::from_millis(3600000))
                .with_error_backoff(::core::time::Duration::from_millis(10000))
                .with_timeout(::core::time::Duration::from_millis(200))
                .with_hard_timeout(::core::time::Duration::from_millis(1000))
                .with_jitter(100),
        )
        .named(::core::concat!(::core::module_path!(), "::", "user_profile"));
    &CACHE
}
