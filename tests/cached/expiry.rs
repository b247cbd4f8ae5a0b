//! Time to live, time to idle and capacity: moka's eviction, seen through the
//! function. Durations are generous: what is tested is that entries do expire,
//! not how precisely.

use crate::Runs;
use std::thread::sleep;
use std::time::Duration;
use unokit::cached;

static LIVE: Runs = Runs::new();

#[cached(ttl = "300ms")]
fn token(user: u32) -> String {
    LIVE.record();
    format!("token-{user}-{}", LIVE.count())
}

#[test]
fn entries_expire_after_their_time_to_live() {
    let first = token(1);
    assert_eq!(token(1), first, "fresh entries are hits");
    sleep(Duration::from_millis(500));
    assert_ne!(token(1), first, "an expired entry is computed again");
    assert_eq!(LIVE.count(), 2);
}

static IDLE: Runs = Runs::new();

#[cached(tti = "400ms")]
fn session(user: u32) -> u32 {
    IDLE.record();
    user
}

#[test]
fn entries_expire_after_going_unread_for_their_time_to_idle() {
    session(1);
    for _ in 0..6 {
        sleep(Duration::from_millis(100));
        session(1);
    }
    assert_eq!(
        IDLE.count(),
        1,
        "reads keep an entry alive past its time to idle"
    );
    sleep(Duration::from_millis(700));
    session(1);
    assert_eq!(IDLE.count(), 2, "an idle entry expires");
}

static ASYNC_LIVE: Runs = Runs::new();

#[cached(ttl = "300ms")]
async fn rate(currency: &str) -> u64 {
    ASYNC_LIVE.record();
    currency.len() as u64
}

#[tokio::test]
async fn async_entries_expire_too() {
    rate("EUR").await;
    rate("EUR").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    rate("EUR").await;
    assert_eq!(ASYNC_LIVE.count(), 2);
}

static BOUNDED: Runs = Runs::new();

#[cached(capacity = 10)]
fn cube(n: u64) -> u64 {
    BOUNDED.record();
    n * n * n
}

#[test]
fn the_capacity_bounds_the_entries() {
    for n in 0..100 {
        cube(n);
    }
    cube_cache().run_pending_tasks();
    assert!(
        cube_cache().entry_count() <= 10,
        "{} entries",
        cube_cache().entry_count()
    );
    let before = BOUNDED.count();
    for n in 0..100 {
        assert_eq!(cube(n), n * n * n);
    }
    assert!(
        BOUNDED.count() - before >= 90,
        "evicted entries are computed again"
    );
}
