//! `#[cached(prewarm = N)]`: hot keys tracked on the hit path, refresh-ahead
//! only for them, and the hot list carried across a restart by `hot_keys()`
//! and the `*_prewarm` companion.

use crate::Runs;
use std::time::Duration;
use tokio::time::sleep;
use unokit::cached;

static QUOTE_RUNS: Runs = Runs::new();

#[cached(ttl = "10s", refresh_ahead = 0.8, prewarm = 100)]
async fn quote(item: u32) -> u64 {
    QUOTE_RUNS.record();
    u64::from(item)
}

#[tokio::test(start_paused = true)]
async fn refresh_ahead_refreshes_only_hot_keys() {
    // Item 1 is read steadily; item 2 once.
    quote(2).await;
    for _ in 0..2_000 {
        quote(1).await;
    }
    assert_eq!(QUOTE_RUNS.count(), 2);
    // Past the refresh point (8 s of 10): a read of each.
    sleep(Duration::from_millis(8_500)).await;
    quote(1).await;
    quote(2).await;
    // The refresh runs in the background.
    tokio::task::yield_now().await;
    sleep(Duration::from_millis(10)).await;
    assert_eq!(
        QUOTE_RUNS.count(),
        3,
        "the hot key refreshed, the cold one not"
    );
    // Past the first time to live: the hot key is still cached, the cold one loads.
    sleep(Duration::from_secs(2)).await;
    let misses = quote_cache().stats().misses;
    quote(1).await;
    assert_eq!(
        quote_cache().stats().misses,
        misses,
        "the hot key was refreshed"
    );
    quote(2).await;
    assert_eq!(
        quote_cache().stats().misses,
        misses + 1,
        "the cold key expired"
    );
}

const KEYS: u64 = 100_000;
/// Keys the previous instance exports: Zipf(1.0) puts 94 % of reads on the
/// top 50 000 of 100 000 keys.
const TOP: usize = 50_000;

#[cached(capacity = 200_000, prewarm = 50_000)]
async fn row(id: u64) -> u64 {
    id
}

/// Zipf(1.0) over `KEYS` ranks, by inverse transform on the cumulative weights,
/// from a fixed xorshift: the same draws in every run.
struct Zipf {
    cumulative: Vec<f64>,
    state: u64,
}

impl Zipf {
    fn new(seed: u64) -> Self {
        let mut total = 0.0;
        let cumulative = (1..=KEYS)
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Self {
            cumulative,
            state: seed,
        }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        let total = *self.cumulative.last().unwrap();
        let point = (self.state >> 11) as f64 / (1_u64 << 53) as f64 * total;
        // Ranks scattered over the key space, so a key's id says nothing of its rank.
        let rank = self.cumulative.partition_point(|&sum| sum < point) as u64;
        rank.wrapping_mul(0x9E37_79B9_7F4A_7C15) % 1_000_000_007
    }
}

/// The hit rate of the first `requests` of a new instance's workload.
async fn first_requests_hit_rate(zipf: &mut Zipf, requests: u64) -> f64 {
    let before = row_cache().stats();
    for _ in 0..requests {
        row(zipf.next()).await;
    }
    let after = row_cache().stats();
    (after.hits - before.hits) as f64 / requests as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_prewarming_from_the_previous_hot_list_hits_at_least_90_percent() {
    // The previous instance: a long Zipf workload, then its hot list.
    let mut zipf = Zipf::new(0x9E37_79B9_7F4A_7C15);
    for _ in 0..1_000_000 {
        row(zipf.next()).await;
    }
    let hot = row_cache().hot_keys();
    assert_eq!(hot.len(), TOP);

    // A restart without pre-warming: an empty cache.
    row_invalidate_all();
    let mut after_restart = Zipf::new(0xD6E8_FEB8_6659_FD93);
    let cold = first_requests_hit_rate(&mut after_restart, 1_000).await;

    // A restart with pre-warming from the previous instance's list.
    row_invalidate_all();
    let loaded = row_prewarm(hot).await;
    assert_eq!(loaded, TOP);
    let mut after_restart = Zipf::new(0xD6E8_FEB8_6659_FD93);
    let warm = first_requests_hit_rate(&mut after_restart, 1_000).await;

    println!(
        "Zipf(1.0) over {KEYS} keys, first 1000 requests after a restart: hit rate {:.1} % pre-warmed with the top {TOP} vs {:.1} % cold",
        warm * 100.0,
        cold * 100.0
    );
    assert!(warm >= 0.90, "pre-warmed hit rate {warm}");
    assert!(
        cold < 0.60,
        "cold hit rate {cold}: the workload is not what this test assumes"
    );
}
