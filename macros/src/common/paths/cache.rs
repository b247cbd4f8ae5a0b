//! `unokit::__private::cache`: the function caches of `#[cached]`.

use super::RtPath;

const fn cache(item: &'static str) -> RtPath {
    RtPath::new("cache", item)
}

pub(crate) const SYNC_FN_CACHE: RtPath = cache("SyncFnCache");
pub(crate) const ASYNC_FN_CACHE: RtPath = cache("AsyncFnCache");
pub(crate) const CACHE_CONFIG: RtPath = cache("CacheConfig");
pub(crate) const ANY_KEY: RtPath = cache("AnyKey");
pub(crate) const ALWAYS: RtPath = cache("Always");
pub(crate) const OK_ONLY: RtPath = cache("OkOnly");
pub(crate) const SOME_ONLY: RtPath = cache("SomeOnly");
pub(crate) const ALWAYS_OR_NONE: RtPath = cache("AlwaysOrNone");
pub(crate) const TIMEOUT: RtPath = cache("Timeout");
/// The key guard (feature `guard`).
pub(crate) const KEY_GUARD: RtPath = cache("KeyGuard");
/// Keeps the key guard's check with the `guard` feature; an error saying to turn it on without.
pub(crate) const WITH_GUARD: RtPath = cache("with_guard");
/// A function's link to the Redis tier (feature `redis`).
pub(crate) const L2_LINK: RtPath = cache("L2Link");
/// Asserts at the return type that the value can go to Redis.
pub(crate) const ASSERT_L2_VALUE: RtPath = cache("assert_l2_value");
/// Keeps the `l2` value check with the `redis` feature; an error saying to turn it on without.
pub(crate) const WITH_L2: RtPath = cache("with_l2");
/// `{ with redis } { without }`.
pub(crate) const L2_OR: RtPath = cache("l2_or");
/// A `tags = ..` function's tags as a `Vec<String>`.
pub(crate) const COLLECT_TAGS: RtPath = cache("collect_tags");
/// A key taken apart for the Redis tier.
pub(crate) const L2_KEY: RtPath = cache("L2Key");
