//! What is cached: plain values, `Ok` but not `Err`, `Some` but not `None`
//! unless `cache_none`.

use crate::Runs;
use unokit::cached;

static PLAIN: Runs = Runs::new();

#[cached]
fn double(n: u64) -> u64 {
    PLAIN.record();
    n * 2
}

#[test]
fn a_second_call_with_the_same_arguments_is_a_hit() {
    assert_eq!(double(21), 42);
    assert_eq!(double(21), 42);
    assert_eq!(double(5), 10);
    assert_eq!(PLAIN.count(), 2);
    let stats = double_cache().stats();
    assert_eq!((stats.hits, stats.misses), (1, 2));
    assert!((stats.hit_rate() - 1.0 / 3.0).abs() < 1e-9);
    double_cache().run_pending_tasks();
    assert_eq!(double_cache().stats().entries, 2);
}

static FALLIBLE: Runs = Runs::new();

#[cached]
fn parse_port(text: &str) -> Result<u16, std::num::ParseIntError> {
    FALLIBLE.record();
    text.parse()
}

#[test]
fn ok_is_cached_and_err_is_not() {
    assert!(parse_port("http").is_err());
    assert!(parse_port("http").is_err());
    assert_eq!(FALLIBLE.count(), 2, "an Err must not be cached");
    assert_eq!(parse_port("8080"), Ok(8080));
    assert_eq!(parse_port("8080"), Ok(8080));
    assert_eq!(FALLIBLE.count(), 3, "an Ok must be cached");
}

static OPTIONAL: Runs = Runs::new();

#[cached]
fn find_even(n: u32) -> Option<u32> {
    OPTIONAL.record();
    n.is_multiple_of(2).then_some(n)
}

#[test]
fn some_is_cached_and_none_is_not() {
    assert_eq!(find_even(3), None);
    assert_eq!(find_even(3), None);
    assert_eq!(OPTIONAL.count(), 2, "None must not be cached");
    assert_eq!(find_even(4), Some(4));
    assert_eq!(find_even(4), Some(4));
    assert_eq!(OPTIONAL.count(), 3, "Some must be cached");
}

static NEGATIVE: Runs = Runs::new();

#[cached(cache_none)]
fn find_odd(n: u32) -> Option<u32> {
    NEGATIVE.record();
    (n % 2 == 1).then_some(n)
}

#[test]
fn cache_none_caches_none_too() {
    assert_eq!(find_odd(4), None);
    assert_eq!(find_odd(4), None);
    assert_eq!(find_odd(5), Some(5));
    assert_eq!(find_odd(5), Some(5));
    assert_eq!(NEGATIVE.count(), 2);
}

type Lookup<T> = Result<T, String>;
static ALIASED: Runs = Runs::new();

#[cached(result)]
fn lookup_alias(id: u8) -> Lookup<String> {
    ALIASED.record();
    if id == 0 {
        Err("no zero".into())
    } else {
        Ok(format!("#{id}"))
    }
}

#[test]
fn result_option_treats_an_alias_as_a_result() {
    assert!(lookup_alias(0).is_err());
    assert!(lookup_alias(0).is_err());
    assert_eq!(lookup_alias(1).unwrap(), "#1");
    assert_eq!(lookup_alias(1).unwrap(), "#1");
    assert_eq!(ALIASED.count(), 3);
}

static ASYNC_FALLIBLE: Runs = Runs::new();

#[cached]
async fn fetch_name(id: u64) -> Result<String, std::io::Error> {
    ASYNC_FALLIBLE.record();
    if id == 0 {
        Err(std::io::Error::other("no such user"))
    } else {
        Ok(format!("user-{id}"))
    }
}

#[tokio::test]
async fn async_functions_cache_ok_but_not_err() {
    assert!(fetch_name(0).await.is_err());
    assert!(fetch_name(0).await.is_err());
    assert_eq!(fetch_name(9).await.unwrap(), "user-9");
    assert_eq!(fetch_name(9).await.unwrap(), "user-9");
    assert_eq!(ASYNC_FALLIBLE.count(), 3);
    let stats = fetch_name_cache().stats();
    assert_eq!((stats.hits, stats.misses), (1, 3));
}
