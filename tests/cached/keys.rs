//! What the key is made of: arguments in their owned form, skipped arguments left
//! out, custom keys, derived keys.

use crate::Runs;
use unokit::{CacheKey, cached};

static BORROWED: Runs = Runs::new();

#[cached]
fn describe(id: u64, name: &str, tags: &[u32], extra: Option<u8>) -> String {
    BORROWED.record();
    format!("{id}:{name}:{tags:?}:{extra:?}")
}

#[test]
fn borrowed_arguments_are_looked_up_without_an_owned_key() {
    let name = String::from("ada");
    let tags = vec![1, 2];
    assert_eq!(describe(1, &name, &tags, None), "1:ada:[1, 2]:None");
    assert_eq!(describe(1, "ada", &[1, 2], None), "1:ada:[1, 2]:None");
    assert_eq!(BORROWED.count(), 1);
    describe(1, "ada", &[1, 2], Some(0));
    describe(1, "ad", &[1, 2], None);
    describe(1, "ada", &[1], None);
    describe(2, "ada", &[1, 2], None);
    assert_eq!(BORROWED.count(), 5, "each argument is part of the key");
}

static LENGTH_PREFIXED: Runs = Runs::new();

#[cached]
fn join(a: &str, b: &str) -> String {
    LENGTH_PREFIXED.record();
    format!("{a}{b}")
}

#[test]
fn argument_boundaries_are_part_of_the_key() {
    assert_eq!(join("ab", "c"), "abc");
    assert_eq!(join("a", "bc"), "abc");
    assert_eq!(LENGTH_PREFIXED.count(), 2);
}

pub struct Db {
    pub queries: Runs,
}

#[cached]
fn user_name(#[cache(skip)] db: &Db, id: u64) -> String {
    db.queries.record();
    format!("user {id}")
}

#[test]
fn skipped_arguments_are_not_part_of_the_key() {
    let first = Db {
        queries: Runs::new(),
    };
    let second = Db {
        queries: Runs::new(),
    };
    assert_eq!(user_name(&first, 1), "user 1");
    assert_eq!(user_name(&second, 1), "user 1");
    assert_eq!((first.queries.count(), second.queries.count()), (1, 0));
    user_name_invalidate(1);
    user_name(&second, 1);
    assert_eq!(second.queries.count(), 1);
}

#[derive(CacheKey, Clone)]
pub struct Page {
    pub number: u32,
    pub size: u32,
    #[cache_key(skip)]
    pub trace_id: u64,
}

static DERIVED: Runs = Runs::new();

#[cached]
fn list(page: &Page) -> Vec<u32> {
    DERIVED.record();
    (page.number * page.size..(page.number + 1) * page.size).collect()
}

#[test]
fn derived_keys_work_as_arguments() {
    let page = Page {
        number: 1,
        size: 3,
        trace_id: 1,
    };
    assert_eq!(list(&page), [3, 4, 5]);
    let traced = Page {
        trace_id: 2,
        ..page.clone()
    };
    assert_ne!(traced.trace_id, page.trace_id);
    assert_eq!(list(&traced), [3, 4, 5]);
    assert_eq!(
        DERIVED.count(),
        1,
        "a skipped field neither splits nor misses the cache"
    );
    list(&Page { number: 2, ..page });
    assert_eq!(DERIVED.count(), 2);
}

static CUSTOM: Runs = Runs::new();

#[cached(key = email.trim().to_lowercase())]
fn account(email: &str) -> String {
    CUSTOM.record();
    format!("account of {}", email.trim())
}

#[test]
fn a_custom_key_expression_replaces_the_arguments() {
    assert_eq!(account("Ada@Example.com"), "account of Ada@Example.com");
    assert_eq!(account("  ada@example.com "), "account of Ada@Example.com");
    assert_eq!(CUSTOM.count(), 1);
    account_invalidate("ADA@EXAMPLE.COM");
    account("ada@example.com");
    assert_eq!(CUSTOM.count(), 2);
}

static GENERIC: Runs = Runs::new();

#[cached(key = value.to_string())]
fn render<T: std::fmt::Display>(value: T) -> String {
    GENERIC.record();
    format!("<{value}>")
}

#[test]
fn a_generic_function_caches_through_its_key_expression() {
    assert_eq!(render(7), "<7>");
    assert_eq!(render("7"), "<7>");
    assert_eq!(render(7.5), "<7.5>");
    assert_eq!(GENERIC.count(), 2);
}

static NO_ARGUMENTS: Runs = Runs::new();

#[cached]
fn settings() -> Vec<String> {
    NO_ARGUMENTS.record();
    vec!["dark-mode".to_owned()]
}

#[test]
fn a_function_without_arguments_is_computed_once() {
    assert_eq!(settings(), ["dark-mode"]);
    assert_eq!(settings(), ["dark-mode"]);
    assert_eq!(NO_ARGUMENTS.count(), 1);
}

static PATTERNS: Runs = Runs::new();

#[cached]
fn area((width, height): (u32, u32), mut scale: u32) -> u32 {
    PATTERNS.record();
    scale *= 2;
    width * height * scale
}

#[test]
fn parameters_may_be_patterns() {
    assert_eq!(area((2, 3), 1), 12);
    assert_eq!(area((2, 3), 1), 12);
    assert_eq!(area((3, 2), 1), 12);
    assert_eq!(PATTERNS.count(), 2);
}

static RECURSIVE: Runs = Runs::new();

#[cached]
fn fibonacci(n: u32) -> u64 {
    RECURSIVE.record();
    if n < 2 {
        u64::from(n)
    } else {
        fibonacci(n - 1) + fibonacci(n - 2)
    }
}

#[test]
fn recursion_reuses_the_cache() {
    assert_eq!(fibonacci(80), 23_416_728_348_467_685);
    assert_eq!(RECURSIVE.count(), 81, "each n is computed once");
}

/// Fingerprints are 64 bits, so two keys may share one: the cache compares the
/// stored key too, and never answers one key with another's value. A collision
/// cannot be arranged through `#[cached]`, so these tests call the cache the way
/// generated code does.
#[test]
fn a_fingerprint_collision_never_returns_another_keys_value() {
    use unokit::__private::cache::{Always, CacheConfig, SyncFnCache};
    static CACHE: SyncFnCache<String, String> = SyncFnCache::new(CacheConfig::new());
    let shared_fingerprint = 42;
    let a = CACHE.get_or_compute(shared_fingerprint, "a".into(), Always, || {
        "value a".to_owned()
    });
    assert_eq!(a, "value a");
    assert_eq!(CACHE.get(shared_fingerprint, |key| key == "b"), None);
    let b = CACHE.get_or_compute(shared_fingerprint, "b".into(), Always, || {
        "value b".to_owned()
    });
    assert_eq!(b, "value b");
    assert_eq!(
        CACHE.get(shared_fingerprint, |key| key == "a").as_deref(),
        Some("value a")
    );
    assert_eq!(
        CACHE.get(shared_fingerprint, |key| key == "b"),
        None,
        "b was computed, not stored"
    );
}

#[tokio::test]
async fn an_async_fingerprint_collision_never_returns_another_keys_value() {
    use unokit::__private::cache::{Always, AsyncFnCache, CacheConfig};
    static CACHE: AsyncFnCache<String, String> = AsyncFnCache::new(CacheConfig::new());
    let a = CACHE
        .get_or_compute(7, "a".into(), Always, || async { "value a".to_owned() })
        .await;
    let b = CACHE
        .get_or_compute(7, "b".into(), Always, || async { "value b".to_owned() })
        .await;
    assert_eq!((a.as_str(), b.as_str()), ("value a", "value b"));
    assert_eq!(CACHE.get(7, |key| key == "a").as_deref(), Some("value a"));
    assert_eq!(CACHE.get(7, |key| key == "b"), None);
}

/// `invalidate` compares the stored key too: invalidating a key that shares its
/// hash with a stored one leaves the stored one alone.
#[test]
fn invalidating_a_key_that_shares_a_hash_keeps_the_other_key() {
    use unokit::__private::cache::{CacheConfig, SyncFnCache};
    static CACHE: SyncFnCache<String, String> = SyncFnCache::new(CacheConfig::new());
    let shared_hash = 42;
    CACHE.insert(shared_hash, "a".into(), "value a".into());
    CACHE.invalidate(shared_hash, |key| key == "b");
    assert_eq!(
        CACHE.get(shared_hash, |key| key == "a").as_deref(),
        Some("value a"),
        "invalidating b does not evict a"
    );
    CACHE.invalidate(shared_hash, |key| key == "a");
    assert_eq!(CACHE.get(shared_hash, |key| key == "a"), None);
}

#[tokio::test]
async fn an_async_invalidate_of_a_key_that_shares_a_hash_keeps_the_other_key() {
    use unokit::__private::cache::{AsyncFnCache, CacheConfig};
    static CACHE: AsyncFnCache<String, String> = AsyncFnCache::new(CacheConfig::new());
    CACHE.insert(9, "a".into(), "value a".into()).await;
    CACHE.invalidate(9, |key| key == "b").await;
    assert_eq!(CACHE.get(9, |key| key == "a").as_deref(), Some("value a"));
    CACHE.invalidate(9, |key| key == "a").await;
    assert_eq!(CACHE.get(9, |key| key == "a"), None);
}

/// A key whose stable fingerprint is chosen by whoever writes it: every value has
/// the same one, as if an attacker had found a collision (the stable fingerprint
/// is public, so one can be searched for offline).
pub struct Crafted(pub String);

impl CacheKey for Crafted {
    fn write_key<S: unokit::key::KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_bytes(self.0.as_bytes());
    }

    fn key_eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }

    fn fingerprint(&self) -> u64 {
        0xC0_11_1D_E5
    }
}

static EXPENSIVE: Runs = Runs::new();

#[cached(key = Crafted(name.to_owned()))]
fn expensive(name: &str) -> String {
    EXPENSIVE.record();
    format!("report for {name}")
}

static EXPENSIVE_ASYNC: Runs = Runs::new();

#[cached(key = Crafted(name.to_owned()))]
async fn expensive_async(name: &str) -> String {
    EXPENSIVE_ASYNC.record();
    format!("report for {name}")
}

/// The in-memory cache maps keys with a keyed hash of their own, random per cache
/// and process: keys that collide under the public, stable fingerprint neither
/// evict nor shadow each other, and invalidating one leaves the other.
#[test]
fn keys_colliding_under_the_stable_fingerprint_do_not_disturb_each_other() {
    let (victim, attacker) = (Crafted("victim".into()), Crafted("attacker".into()));
    assert_eq!(victim.fingerprint(), attacker.fingerprint());
    assert_eq!(expensive("victim"), "report for victim");
    for _ in 0..100 {
        assert_eq!(expensive("attacker"), "report for attacker");
        assert_eq!(expensive("victim"), "report for victim");
    }
    assert_eq!(EXPENSIVE.count(), 2, "each key ran its body once");
    expensive_invalidate("attacker");
    assert_eq!(expensive("victim"), "report for victim");
    assert_eq!(
        EXPENSIVE.count(),
        2,
        "invalidating the attacker kept the victim"
    );
    expensive_invalidate("victim");
    expensive("victim");
    assert_eq!(EXPENSIVE.count(), 3, "invalidating the victim evicted it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn async_keys_colliding_under_the_stable_fingerprint_do_not_disturb_each_other() {
    let calls: Vec<_> = (0..200)
        .map(|call| {
            tokio::spawn(async move {
                let name = if call % 2 == 0 { "victim" } else { "attacker" };
                assert_eq!(expensive_async(name).await, format!("report for {name}"));
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap();
    }
    assert_eq!(EXPENSIVE_ASYNC.count(), 2, "each key ran its body once");
    expensive_async_invalidate("attacker").await;
    assert_eq!(expensive_async("victim").await, "report for victim");
    assert_eq!(
        EXPENSIVE_ASYNC.count(),
        2,
        "invalidating the attacker kept the victim"
    );
}

#[cached]
fn seeded_a(id: u64) -> u64 {
    id
}

#[cached]
fn seeded_b(id: u64) -> u64 {
    id
}

/// Each cache draws its own seed, none of which is the stable fingerprint.
#[test]
fn each_cache_hashes_keys_under_its_own_random_seed() {
    let key = (7_u64,);
    assert_eq!((seeded_a(7), seeded_b(7)), (7, 7));
    let a = seeded_a_cache().hasher().key(&7_u64).finish();
    let b = seeded_b_cache().hasher().key(&7_u64).finish();
    assert_eq!(a, seeded_a_cache().hasher().key(&7_u64).finish());
    assert_ne!(a, b);
    assert_ne!(a, key.fingerprint());
}
