async fn user_profile(db: &Db, user_id: u64, lang: &str) -> Result<Profile, DbError> {
    let __unokit_cache = user_profile_cache();
    let __unokit_hash = __unokit_cache.hasher().key(&user_id).key(&lang).finish();
    if let ::core::option::Option::Some(__unokit_hit) = __unokit_cache
        .get(
            __unokit_hash,
            |__unokit_key: &(u64, ::std::string::String)| {
                ::unokit::__private::key::CacheKey::key_eq(&__unokit_key.0, &user_id)
                    && ::unokit::__private::key::CacheKey::key_eq(
                        ::core::borrow::Borrow::<str>::borrow(&__unokit_key.1),
                        lang,
                    )
            },
        )
    {
        return ::core::result::Result::Ok(__unokit_hit);
    }
    ::unokit::__private::cache::with_l2! {
        let __unokit_l2_codec = ::unokit::__private::cache::assert_l2_value:: < Profile >
        ();
    }
    ::unokit::__private::cache::l2_or! {
        { { let __unokit_l2_key = ::unokit::__private::cache::L2Key::of(& (& user_id, &
        lang,)); let __unokit_tags_key = (::core::clone::Clone::clone(& user_id),
        ::std::borrow::ToOwned::to_owned(lang),);
        #[allow(clippy::redundant_closure_call)] let __unokit_tags = move |
        __unokit_value : & Profile | -> ::std::vec::Vec < ::std::string::String > {
        ::unokit::__private::cache::collect_tags((| user_id : & u64, lang : & str,
        profile : & Profile | [format!("user:{user_id}"), format!("team:{}", profile
        .team)]) (& __unokit_tags_key.0, ::core::borrow::Borrow:: < str > ::borrow(&
        __unokit_tags_key.1), __unokit_value)) }; __unokit_cache
        .get_or_load_l2_tagged(__unokit_hash, (::core::clone::Clone::clone(& user_id),
        ::std::borrow::ToOwned::to_owned(lang),), __unokit_l2_key, __unokit_l2_codec,
        ::unokit::__private::cache::OkOnly, ::core::option::Option::Some(__unokit_tags),
        move || user_profile_uncached(db, user_id, lang)). await } } { { __unokit_cache
        .get_or_compute(__unokit_hash, (::core::clone::Clone::clone(& user_id),
        ::std::borrow::ToOwned::to_owned(lang),), ::unokit::__private::cache::OkOnly,
        move || user_profile_uncached(db, user_id, lang)). await } }
    }
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
async fn user_profile_uncached(
    db: &Db,
    user_id: u64,
    lang: &str,
) -> Result<Profile, DbError> {
    db.profile(user_id, lang).await
}
/// Removes the cached result of [`user_profile`] for these arguments, here and in Redis, and tells the other instances.
#[allow(clippy::needless_pass_by_value)]
async fn user_profile_invalidate(user_id: u64, lang: &str) {
    let __unokit_cache = user_profile_cache();
    ::unokit::__private::cache::l2_or! {
        { __unokit_cache.l2_link().invalidate(& (& user_id, & lang,)). await; } {}
    }
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
    ::unokit::__private::cache::l2_or! {
        { let __unokit_tags_key = (::core::clone::Clone::clone(& user_id),
        ::std::borrow::ToOwned::to_owned(lang),);
        #[allow(clippy::redundant_closure_call)] let __unokit_tags = move |
        __unokit_value : & Profile | -> ::std::vec::Vec < ::std::string::String > {
        ::unokit::__private::cache::collect_tags((| user_id : & u64, lang : & str,
        profile : & Profile | [format!("user:{user_id}"), format!("team:{}", profile
        .team)]) (& __unokit_tags_key.0, ::core::borrow::Borrow:: < str > ::borrow(&
        __unokit_tags_key.1), __unokit_value)) }; let __unokit_hash = __unokit_cache
        .hasher().key(& user_id).key(& lang).finish(); __unokit_cache
        .prime_l2_tagged(::unokit::__private::cache::assert_l2_value:: < Profile > (), &
        (& user_id, & lang,), ::core::clone::Clone::clone(& value), __unokit_tags(&
        value), __unokit_hash); } {}
    }
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
/// Removes every cached result of [`user_profile`] from this process and, behind the caller, from Redis and the other instances.
fn user_profile_invalidate_all() {
    ::unokit::__private::cache::l2_or! {
        { user_profile_cache().invalidate_all_everywhere(); } { user_profile_cache()
        .invalidate_all(); }
    }
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
    > = ::unokit::__private::cache::l2_or! {
        {
        ::unokit::__private::cache::AsyncFnCache::new_l2(::unokit::__private::cache::CacheConfig::new()
        .with_ttl(::core::time::Duration::from_millis(600000)),
        ::unokit::__private::cache::L2Link::new(::core::concat!(::core::module_path!(),
        "::", "user_profile"), 14738828140052305767u64,
        ::core::time::Duration::from_millis(600000),)) } {
        ::unokit::__private::cache::AsyncFnCache::new(::unokit::__private::cache::CacheConfig::new()
        .with_ttl(::core::time::Duration::from_millis(600000))) }
    }
        .named(::core::concat!(::core::module_path!(), "::", "user_profile"));
    &CACHE
}
