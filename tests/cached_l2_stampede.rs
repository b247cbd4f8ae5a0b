//! A cold key asked at once by 250 callers in each of 4 instances — 4 OS
//! processes: this test binary re-invoked as 3 children — on the real Redis
//! at `UNOKIT_TEST_REDIS_URL` (skipped without it). Without `lock`, each
//! instance runs the body at most once (one flight per key in a process);
//! with `lock`, one instance runs it and the others wait for its value.
#![cfg(feature = "redis")]

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use unokit::cache::l2::{self, RedisTier, TierConfig};

static RUNS: AtomicUsize = AtomicUsize::new(0);

/// A slow body: every instance's callers arrive while it runs.
#[unokit::cached(l2, ttl = "10m")]
async fn unlocked(key: u64) -> u64 {
    RUNS.fetch_add(1, SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    key * 2
}

#[unokit::cached(l2, ttl = "10m", lock = "3s")]
async fn locked(key: u64) -> u64 {
    RUNS.fetch_add(1, SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    key * 2
}

const CALLERS: u64 = 250;

/// Installs the process's tier, once (the tests of this file share it).
fn install(url: String) {
    if l2::installed().is_none() {
        let _ = l2::install(RedisTier::new(TierConfig::new(url)).unwrap());
    }
}
const TEST: &str = "four_instances_of_250_callers_on_one_cold_key";

/// One instance's callers; the number of body runs it made.
async fn instance(key: u64, with_lock: bool) -> usize {
    let calls: Vec<_> = (0..CALLERS)
        .map(|_| {
            tokio::spawn(async move {
                if with_lock {
                    locked(key).await
                } else {
                    unlocked(key).await
                }
            })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), key * 2);
    }
    RUNS.swap(0, SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_instances_of_250_callers_on_one_cold_key() {
    let Ok(url) = std::env::var("UNOKIT_TEST_REDIS_URL") else {
        println!("skipped {TEST}: UNOKIT_TEST_REDIS_URL is not set");
        return;
    };
    install(url);
    // A child: one instance, then its count for the parent to read.
    if let Ok(role) = std::env::var("UNOKIT_STAMPEDE_CHILD") {
        let (key, with_lock) = role.split_once(',').unwrap();
        let runs = instance(key.parse().unwrap(), with_lock == "lock").await;
        println!("stampede-runs={runs}");
        return;
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let base = u64::try_from(nanos % (1 << 40)).unwrap() * 4;
    for (key, with_lock) in [(base, false), (base + 1, true)] {
        let role = format!("{key},{}", if with_lock { "lock" } else { "none" });
        let children: Vec<_> = (0..3)
            .map(|_| {
                Command::new(std::env::current_exe().unwrap())
                    .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
                    .env("UNOKIT_STAMPEDE_CHILD", &role)
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut runs = instance(key, with_lock).await;
        for child in children {
            let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
                .await
                .unwrap();
            assert!(output.status.success(), "a child instance failed");
            let stdout = String::from_utf8(output.stdout).unwrap();
            runs += stdout
                .lines()
                .find_map(|line| line.split("stampede-runs=").nth(1))
                .and_then(|count| count.split_whitespace().next())
                .unwrap_or_else(|| panic!("the child's count in {stdout}"))
                .parse::<usize>()
                .unwrap();
        }
        println!("4 instances x {CALLERS} callers, lock {with_lock}: {runs} body runs");
        if with_lock {
            assert_eq!(runs, 1, "with the lock, one instance runs the body");
        } else {
            assert!(
                (1..=4).contains(&runs),
                "{runs} runs: one flight per instance at most"
            );
        }
    }
}

static SLOW_RUNS: AtomicUsize = AtomicUsize::new(0);

/// A body that takes 400 ms, stored for 1 s.
#[unokit::cached(l2, ttl = "1s")]
async fn slow(key: u64) -> u64 {
    SLOW_RUNS.fetch_add(1, SeqCst);
    tokio::time::sleep(Duration::from_millis(400)).await;
    key
}

/// XFetch: a Redis hit close to its expiry, of a slow body, is recomputed
/// early by a caller that draws it: here 500 ms into a 1 s entry whose body
/// takes 400 ms, a chance of e^(-500/400) ≈ 0.29 for each of 100 keys (none
/// of them: about 1e-15).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hit_near_expiry_of_a_slow_body_is_recomputed_early_by_some_callers() {
    let Ok(url) = std::env::var("UNOKIT_TEST_REDIS_URL") else {
        println!("skipped: UNOKIT_TEST_REDIS_URL is not set");
        return;
    };
    if std::env::var("UNOKIT_STAMPEDE_CHILD").is_ok() {
        return;
    }
    install(url);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let base = u64::try_from(nanos % (1 << 40)).unwrap() * 64;
    let keys = base..base + 100;
    let loads: Vec<_> = keys.clone().map(|key| tokio::spawn(slow(key))).collect();
    for load in loads {
        load.await.unwrap();
    }
    // Written behind: wait for the 100 entries, then leave them 500 ms.
    let started = Instant::now();
    while slow_cache().stats().l2_writes < 100 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not written: {:?}",
            slow_cache().stats()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // A lookup slower than the hedge (10 ms, on a loaded machine) starts a
    // body too: counted apart.
    let hedged = slow_cache().stats().l2_hedged;
    slow_cache().invalidate_all();
    let loads: Vec<_> = keys.map(|key| tokio::spawn(slow(key))).collect();
    for load in loads {
        load.await.unwrap();
    }
    let stats = slow_cache().stats();
    println!(
        "early recomputations: {} of 100 near-expiry hits",
        stats.l2_early
    );
    assert!(stats.l2_early > 0, "no hit was recomputed early");
    assert!(stats.l2_early < 100, "every hit was recomputed early");
    // Each early recomputation ran the body once, and no key ran it twice. A
    // lookup slower than the hedge, or one that found the entry gone on a
    // loaded machine, runs it too: an exact count would test the machine.
    let second_round = SLOW_RUNS.load(SeqCst) as u64 - 100;
    assert!(
        (stats.l2_early..=100).contains(&second_round),
        "{second_round} body runs for {} early recomputations ({} hedged)",
        stats.l2_early,
        stats.l2_hedged - hedged
    );
}
