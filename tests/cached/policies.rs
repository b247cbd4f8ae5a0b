//! The freshness policies: refresh-ahead, stale-if-error with its back-off, soft
//! and hard timeouts, time to live jitter and a time to live for `None`.
//!
//! Where time matters the runtime's clock is paused (`start_paused`): entries
//! read tokio's clock, so the tests step it exactly and nothing here depends on
//! how fast the machine is.

use crate::Runs;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::time::Duration;
use tokio::time::sleep;
use unokit::cache::Timeout;
use unokit::cached;

static PRICE_RUNS: Runs = Runs::new();

#[cached(ttl = "10s", refresh_ahead = 0.8)]
async fn price(item: u32) -> u64 {
    PRICE_RUNS.record();
    u64::from(item) * 1000 + PRICE_RUNS.count() as u64
}

#[tokio::test(start_paused = true)]
async fn refresh_ahead_keeps_a_hot_key_fresh_with_one_refresh_at_a_time() {
    let first = price(1).await;
    let mut seen = vec![first];
    // Read every second for a minute, six TTLs: the entry is refreshed at 80 %
    // of each TTL (8 s, 16 s, ...), so no read ever waits for the body.
    for _ in 0..60 {
        sleep(Duration::from_secs(1)).await;
        // A burst at once: only the first read past the refresh point refreshes.
        for _ in 0..50 {
            let value = price(1).await;
            if seen.last() != Some(&value) {
                seen.push(value);
            }
        }
    }
    let stats = price_cache().stats();
    assert_eq!(
        stats.misses, 1,
        "only the first call ran the body in the foreground"
    );
    assert_eq!(
        PRICE_RUNS.count(),
        8,
        "one refresh every 8 s (7 in 60 s) and the first load: one per key at a time"
    );
    assert_eq!(seen.len(), 8, "each refresh's value was served: {seen:?}");
}

static IDLE_RUNS: Runs = Runs::new();

#[cached(ttl = "10s", refresh_ahead = 0.5)]
async fn unread(item: u32) -> u32 {
    IDLE_RUNS.record();
    item
}

#[tokio::test(start_paused = true)]
async fn refresh_ahead_leaves_a_key_nobody_reads_to_expire() {
    unread(1).await;
    sleep(Duration::from_secs(60)).await;
    assert_eq!(IDLE_RUNS.count(), 1, "nothing refreshed a key nobody read");
    unread(1).await;
    assert_eq!(IDLE_RUNS.count(), 2, "the expired key is loaded again");
    assert_eq!(unread_cache().stats().misses, 2);
}

static BALANCE_DOWN: AtomicBool = AtomicBool::new(false);
static BALANCE_RUNS: Runs = Runs::new();

#[cached(ttl = "10s", stale_if_error = "1h", error_backoff = "5s")]
async fn balance(account: u32) -> Result<u64, String> {
    BALANCE_RUNS.record();
    if BALANCE_DOWN.load(SeqCst) {
        Err(format!("database down for {account}"))
    } else {
        Ok(u64::from(account) * 1000 + BALANCE_RUNS.count() as u64)
    }
}

#[tokio::test(start_paused = true)]
async fn stale_if_error_serves_stale_backs_off_and_recovers() {
    let fresh = balance(1).await.unwrap();
    BALANCE_DOWN.store(true, SeqCst);
    sleep(Duration::from_secs(11)).await;
    assert_eq!(balance(1).await, Ok(fresh), "the failed body's stale value");
    assert_eq!(BALANCE_RUNS.count(), 2);
    for _ in 0..10 {
        sleep(Duration::from_millis(400)).await;
        assert_eq!(balance(1).await, Ok(fresh));
    }
    assert_eq!(BALANCE_RUNS.count(), 2, "no body within the 5 s back-off");
    sleep(Duration::from_secs(2)).await;
    assert_eq!(balance(1).await, Ok(fresh), "still down after the back-off");
    assert_eq!(BALANCE_RUNS.count(), 3, "retried once the back-off passed");
    assert_eq!(balance_cache().stats().stale, 12);
    assert!(
        balance(2).await.is_err(),
        "a key with no stale value gets the error"
    );
    BALANCE_DOWN.store(false, SeqCst);
    sleep(Duration::from_secs(6)).await;
    let recovered = balance(1).await.unwrap();
    assert_ne!(recovered, fresh, "the recovered source's value");
    assert_eq!(balance(1).await, Ok(recovered), "and it is cached again");
}

static LEDGER_DOWN: AtomicBool = AtomicBool::new(false);
static LEDGER_RUNS: Runs = Runs::new();

#[cached(ttl = "50ms", stale_if_error = "1h", error_backoff = "1h")]
async fn ledger(account: u32) -> Result<u64, String> {
    LEDGER_RUNS.record();
    tokio::task::yield_now().await;
    if LEDGER_DOWN.load(SeqCst) {
        Err(format!("database down for {account}"))
    } else {
        Ok(u64::from(account) + 7)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stale_if_error_asks_a_failing_source_once_for_concurrent_callers() {
    assert_eq!(ledger(1).await, Ok(8));
    LEDGER_DOWN.store(true, SeqCst);
    // Expiry is what is tested, not its precision: the wait is ten TTLs.
    sleep(Duration::from_millis(500)).await;
    let callers: Vec<_> = (0..64).map(|_| tokio::spawn(ledger(1))).collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap(), Ok(8));
    }
    assert_eq!(
        LEDGER_RUNS.count(),
        2,
        "one failed body, then the back-off serves the rest stale"
    );
    assert_eq!(ledger_cache().stats().stale, 64);
}

static QUOTE_DELAY_MS: AtomicU64 = AtomicU64::new(0);
static QUOTE_RUNS: Runs = Runs::new();

#[derive(Debug, PartialEq, Eq)]
enum QuoteError {
    TimedOut(Duration),
}

impl From<Timeout> for QuoteError {
    fn from(timeout: Timeout) -> Self {
        Self::TimedOut(timeout.after())
    }
}

#[cached(ttl = "10s", timeout = "200ms", hard_timeout = "1s")]
async fn quote(symbol: u32) -> Result<u64, QuoteError> {
    QUOTE_RUNS.record();
    let runs = QUOTE_RUNS.count() as u64;
    sleep(Duration::from_millis(QUOTE_DELAY_MS.load(SeqCst))).await;
    Ok(u64::from(symbol) * 1000 + runs)
}

#[tokio::test(start_paused = true)]
async fn soft_timeout_serves_stale_and_stores_the_late_value() {
    let first = quote(1).await.unwrap();
    sleep(Duration::from_secs(11)).await;
    QUOTE_DELAY_MS.store(500, SeqCst);
    assert_eq!(
        quote(1).await,
        Ok(first),
        "slower than 200 ms: the stale value"
    );
    assert_eq!(quote_cache().stats().stale, 1);
    sleep(Duration::from_millis(400)).await;
    let late = quote(1).await.unwrap();
    assert_ne!(
        late, first,
        "the body finished in the background and was stored"
    );
    assert_eq!(QUOTE_RUNS.count(), 2, "and served as a hit");
}

static SLOW_DELAY_MS: AtomicU64 = AtomicU64::new(0);

#[cached(ttl = "10s", timeout = "200ms", hard_timeout = "1s")]
async fn slow_quote(symbol: u32) -> Result<u64, QuoteError> {
    sleep(Duration::from_millis(SLOW_DELAY_MS.load(SeqCst))).await;
    Ok(u64::from(symbol))
}

#[tokio::test(start_paused = true)]
async fn hard_timeout_errors_when_nothing_stale_exists() {
    SLOW_DELAY_MS.store(5_000, SeqCst);
    assert_eq!(
        slow_quote(2).await,
        Err(QuoteError::TimedOut(Duration::from_secs(1)))
    );
    SLOW_DELAY_MS.store(0, SeqCst);
    assert_eq!(
        slow_quote(2).await,
        Ok(2),
        "a timed-out call caches nothing"
    );
    assert_eq!(slow_quote_cache().stats().misses, 2);
}

static SHARD_RUNS: Runs = Runs::new();

#[cached(ttl = "100s", jitter = "10%")]
async fn shard(n: u32) -> u32 {
    SHARD_RUNS.record();
    n
}

#[tokio::test(start_paused = true)]
async fn jitter_spreads_the_expiry_of_entries_stored_together() {
    const KEYS: u32 = 200;
    for n in 0..KEYS {
        shard(n).await;
    }
    // Step the clock by one second and see which keys expired in that step.
    let mut expired_at = vec![None; KEYS as usize];
    for second in 1..=115u64 {
        sleep(Duration::from_secs(1)).await;
        for n in 0..KEYS {
            if expired_at[n as usize].is_some() {
                continue;
            }
            let before = SHARD_RUNS.count();
            shard(n).await;
            if SHARD_RUNS.count() > before {
                expired_at[n as usize] = Some(second);
            }
        }
    }
    let expired: Vec<u64> = expired_at
        .iter()
        .map(|at| at.expect("every key expired"))
        .collect();
    let (first, last) = (
        *expired.iter().min().unwrap(),
        *expired.iter().max().unwrap(),
    );
    assert!(first >= 90 && last <= 111, "within ±10 %: {first}..{last}");
    assert!(
        last - first >= 15,
        "spread over most of the ±10 s: {first}..{last}"
    );
    let busiest = (first..=last)
        .map(|second| expired.iter().filter(|&&at| at == second).count())
        .max()
        .unwrap();
    assert!(
        busiest <= 40,
        "no second expires more than a fifth: {busiest}"
    );
}

static FIND_RUNS: Runs = Runs::new();

#[cached(ttl = "1h", cache_none, none_ttl = "30s")]
async fn find(id: u32) -> Option<String> {
    FIND_RUNS.record();
    (id == 1).then(|| format!("user {id}"))
}

#[tokio::test(start_paused = true)]
async fn none_ttl_expires_cached_none_sooner() {
    assert_eq!(find(1).await.as_deref(), Some("user 1"));
    assert_eq!(find(2).await, None);
    assert_eq!(find(2).await, None);
    assert_eq!(FIND_RUNS.count(), 2, "`None` is cached too");
    sleep(Duration::from_secs(31)).await;
    assert_eq!(find(1).await.as_deref(), Some("user 1"));
    assert_eq!(FIND_RUNS.count(), 2, "a value lives its hour");
    assert_eq!(find(2).await, None);
    assert_eq!(FIND_RUNS.count(), 3, "a `None` lives 30 s");
}
