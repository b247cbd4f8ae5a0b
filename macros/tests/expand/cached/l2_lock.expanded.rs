async fn report(day: u32) -> Report {
    let __unokit_cache = report_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&day).finish();
    if let ::core::option::Option::Some(__unokit_hit) = __unokit_cache
        .get(
            __unokit_hash,
            |__unokit_key: &(u32,)| ::unokit::__private::key::CacheKey::key_eq(
                &__unokit_key.0,
                &day,
            ),
        )
    {
        return __unokit_hit;
    }
    ::unokit::__private::cache::with_l2! {
        let __unokit_l2_codec = ::unokit::__private::cache::assert_l2_value:: < Report >
        ();
    }
    ::unokit::__private::cache::l2_or! {
        { { let __unokit_l2_key = ::unokit::__private::cache::L2Key::of(& (& day,));
        __unokit_cache.get_or_load_l2(__unokit_hash, (::core::clone::Clone::clone(&
        day),), __unokit_l2_key, __unokit_l2_codec, ::unokit::__private::cache::Always,
        move || report_uncached(day)). await } } { { __unokit_cache
        .get_or_compute(__unokit_hash, (::core::clone::Clone::clone(& day),),
        ::unokit::__private::cache::Always, move || report_uncached(day)). await } }
    }
}
/// Runs [`report`]'s body, bypassing its cache: nothing is read or stored.
#[allow(
    clippy::missing_errors_doc,
    clippy::missing_panics_doc,
    clippy::must_use_candidate
)]
async fn report_uncached(day: u32) -> Report {
    Report::build(day).await
}
/// Removes the cached result of [`report`] for these arguments, here and in Redis, and tells the other instances.
#[allow(clippy::needless_pass_by_value)]
async fn report_invalidate(day: u32) {
    let __unokit_cache = report_cache();
    ::unokit::__private::cache::l2_or! {
        { __unokit_cache.l2_link().invalidate(& (& day,)). await; } {}
    }
    let __unokit_hash = __unokit_cache.hasher().key(&day).finish();
    __unokit_cache
        .invalidate(
            __unokit_hash,
            |__unokit_key: &(u32,)| ::unokit::__private::key::CacheKey::key_eq(
                &__unokit_key.0,
                &day,
            ),
        )
        .await;
}
/// Stores `value` as the cached result of [`report`] for these arguments, replacing any.
#[allow(clippy::needless_pass_by_value)]
async fn report_prime(day: u32, value: Report) {
    let __unokit_cache = report_cache();
    ::unokit::__private::cache::l2_or! {
        { __unokit_cache.l2_link().prime(::unokit::__private::cache::assert_l2_value:: <
        Report > (), & (& day,), ::core::clone::Clone::clone(& value)); } {}
    }
    let __unokit_hash = __unokit_cache.hasher().key(&day).finish();
    __unokit_cache
        .insert(__unokit_hash, (::core::clone::Clone::clone(&day),), value)
        .await;
}
/// Removes every cached result of [`report`] from this process and, behind the caller, from Redis and the other instances.
fn report_invalidate_all() {
    ::unokit::__private::cache::l2_or! {
        { report_cache().invalidate_all_everywhere(); } { report_cache()
        .invalidate_all(); }
    }
}
/// The cache of [`report`]: hits, misses and entries through `stats()`, and moka's maintenance.
#[must_use]
fn report_cache() -> &'static ::unokit::__private::cache::AsyncFnCache<(u32,), Report> {
    static CACHE: ::unokit::__private::cache::AsyncFnCache<(u32,), Report> = ::unokit::__private::cache::l2_or! {
        {
        ::unokit::__private::cache::AsyncFnCache::new_l2(::unokit::__private::cache::CacheConfig::new()
        .with_ttl(::core::time::Duration::from_millis(600000)),
        ::unokit::__private::cache::L2Link::new(::core::concat!(::core::module_path!(),
        "::", "report"), 503396917429325526u64,
        ::core::time::Duration::from_millis(600000),)
        .with_lock(::core::time::Duration::from_millis(2000))) } {
        ::unokit::__private::cache::AsyncFnCache::new(::unokit::__private::cache::CacheConfig::new()
        .with_ttl(::core::time::Duration::from_millis(600000))) }
    }
        .named(::core::concat!(::core::module_path!(), "::", "report"));
    &CACHE
}
