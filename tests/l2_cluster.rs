//! The Redis tier on a real Redis Cluster: three masters without replicas that
//! the test starts on free loopback ports (`redis-server` and `redis-cli` on
//! the `PATH`; skipped, saying so, without them) and removes at the end, also
//! when it fails. Two instances share it: the installed tier under
//! `#[cached(l2)]` functions, and a second tier with its own connections.
//!
//! - an entry one instance wrote is a hit on the other;
//! - a 100-key batch lookup is one `MGET`, on one master (a space's keys share
//!   a hash tag), counted by the servers themselves (`INFO commandstats`);
//! - invalidations cross over pub/sub (published on one node, heard on
//!   another), and `_invalidate_all` removes the keys, walking every master;
//! - the master holding a function's keys paused (`CLIENT PAUSE 2000 ALL`)
//!   under 200 concurrent callers: none fails, none waits for the deadline
//!   (p99 under half of it), the breaker opens and closes again, Redis hits
//!   resume after the pause.
//!
//! One test function: the cluster and the installed tier are the process's.
#![cfg(feature = "redis")]

use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use unokit::cache::l2::{self, BreakerState, Invalidation, RedisTier, Space, Stored, TierConfig};
use unokit_fixtures::callers::{self, DEADLINE, P99_BOUND, p99};
use unokit_fixtures::redis_servers::{self, RedisCluster, RedisServer};

static RUNS: AtomicU64 = AtomicU64::new(0);

#[unokit::cached(l2, ttl = "10m")]
async fn next(key: u64) -> u64 {
    RUNS.fetch_add(1, SeqCst);
    key + 1
}

/// A second function, whose keys are in another slot: the writes behind
/// callers of both go out in one pipeline per slot.
#[unokit::cached(l2, ttl = "10m")]
async fn double(key: u64) -> u64 {
    key * 2
}

/// How many times the batch function ran.
static BATCH_CALLS: AtomicU64 = AtomicU64::new(0);

/// A batch loader over the cluster.
#[unokit::batch_load(l2, ttl = "10m")]
async fn names(ids: &[u64]) -> std::collections::HashMap<u64, String> {
    BATCH_CALLS.fetch_add(1, SeqCst);
    ids.iter().map(|&id| (id, format!("user {id}"))).collect()
}

const MINUTE: Duration = Duration::from_secs(60);
const CALLERS: u64 = 200;

/// How many times the cluster's nodes ran `command`, all together.
fn calls(cluster: &RedisCluster, command: &str) -> u64 {
    cluster
        .nodes()
        .iter()
        .map(|node| calls_on(node, command))
        .sum()
}

/// How many times `node` ran `command`.
fn calls_on(node: &RedisServer, command: &str) -> u64 {
    let field = format!("cmdstat_{command}:calls=");
    node.cli(&["INFO", "commandstats"])
        .lines()
        .find_map(|line| line.strip_prefix(&field))
        .and_then(|rest| rest.split(',').next())
        .map_or(0, |calls| calls.parse().unwrap())
}

/// Polls `done` every 5 ms for up to `within`.
async fn eventually(within: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// 200 concurrent callers of keys `base..base + 200`, none in the process:
/// every caller's latency, sorted; each answer checked (a failed caller
/// fails the test).
async fn callers(base: u64) -> Vec<Duration> {
    next_cache().invalidate_all();
    callers::timed(base..base + CALLERS, |key| async move {
        assert_eq!(next(key).await, key + 1);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_a_redis_cluster_and_a_paused_master_fails_no_caller() {
    if !redis_servers::available() {
        println!("skipped: redis-server or redis-cli is not on the PATH");
        return;
    }
    let cluster = RedisCluster::start(3);
    let urls = cluster.urls();
    let config = TierConfig::cluster(urls.clone()).with_op_timeout(DEADLINE);
    assert!(l2::install(RedisTier::new(config).unwrap()).is_ok());
    let a = l2::installed().unwrap();
    // The other instance knows one node only: it finds the rest.
    let b = RedisTier::new(TierConfig::cluster([urls[2].clone()])).unwrap();

    // An entry written by one instance is a hit on the other.
    let users = Space::new("unokit-test:cluster:users", 1);
    let stored = a
        .put(&users, &7_u64, &"Ada".to_owned(), MINUTE, Duration::ZERO)
        .await;
    assert_eq!(stored, Stored::Stored);
    let hit = b.get::<_, String>(&users, &7_u64).await.unwrap();
    assert_eq!(hit.value, "Ada");

    // A 100-key batch: one MGET, on the master of the space's hash tag.
    let keys: Vec<u64> = (0..100).collect();
    for key in &keys {
        let value = key * 10;
        assert_eq!(
            a.put(&users, key, &value, MINUTE, Duration::ZERO).await,
            Stored::Stored
        );
    }
    let (mgets, gets) = (calls(&cluster, "mget"), calls(&cluster, "get"));
    let owner = cluster.master_of(&users.redis_key(&0_u64));
    let owner_mgets = calls_on(owner, "mget");
    let found = b.get_many::<_, u64>(&users, &keys).await;
    assert_eq!(
        found
            .iter()
            .map(|hit| hit.as_ref().map(|hit| hit.value))
            .collect::<Vec<_>>(),
        keys.iter().map(|key| Some(key * 10)).collect::<Vec<_>>()
    );
    assert_eq!(calls(&cluster, "mget") - mgets, 1, "one MGET for 100 keys");
    assert_eq!(calls(&cluster, "get"), gets, "no single GETs");
    assert_eq!(
        calls_on(owner, "mget") - owner_mgets,
        1,
        "on the tag's master"
    );

    // Invalidations cross over: B listens (on one node), A publishes (on
    // whichever node the client picks) and removes.
    let heard = Arc::new(Mutex::new(Vec::new()));
    let into = Arc::clone(&heard);
    assert!(
        b.subscribe(&users, move |message| into.lock().unwrap().push(message))
            .await
    );
    assert!(a.remove(&users, &7_u64).await);
    let message = Invalidation::Key(b"7".to_vec());
    assert!(a.publish(&users, &message).await);
    eventually(Duration::from_secs(2), "B hears A", || {
        heard.lock().unwrap().contains(&message)
    })
    .await;
    assert_eq!(b.get::<_, String>(&users, &7_u64).await, None);

    // The stampede lock: beside its key, one holder across instances.
    let lock = a.lock(&users, &9_u64, MINUTE).await.expect("a lock");
    assert!(b.lock(&users, &9_u64, MINUTE).await.is_none());
    assert!(a.unlock(lock).await);
    let lock = b.lock(&users, &9_u64, MINUTE).await.expect("free again");
    assert!(b.unlock(lock).await);

    // Writes behind callers of two functions (two slots) share the queue:
    // each pipeline carries one slot's keys, and every write arrives.
    let both: Vec<_> = (0..CALLERS)
        .map(|key| tokio::spawn(async move { (next(key).await, double(key).await) }))
        .collect();
    for (key, call) in (0..CALLERS).zip(both) {
        assert_eq!(call.await.unwrap(), (key + 1, key * 2));
    }
    let written = || {
        (
            next_cache().stats().l2_writes,
            double_cache().stats().l2_writes,
        )
    };
    let within = Instant::now() + Duration::from_secs(3);
    while written() != (CALLERS, CALLERS) {
        assert!(
            Instant::now() < within,
            "written {:?} of {CALLERS} each: {:?}",
            written(),
            a.stats()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(a.stats().dropped, 0);

    // `#[batch_load(l2)]`: a cold loader over 100 keys warm in the cluster
    // runs one MGET and no batch call.
    let ids: Vec<u64> = (0..100).collect();
    let first = NamesLoader::new().load_many(ids.clone()).await.unwrap();
    assert_eq!((first.len(), BATCH_CALLS.load(SeqCst)), (100, 1));
    eventually(Duration::from_secs(3), "the batch written", || {
        NamesLoader::new().stats().l2_writes == 100
    })
    .await;
    let mgets = calls(&cluster, "mget");
    let second = NamesLoader::new().load_many(ids).await.unwrap();
    assert_eq!(second, first);
    assert_eq!(calls(&cluster, "mget") - mgets, 1, "one MGET for the batch");
    assert_eq!(BATCH_CALLS.load(SeqCst), 1, "no batch call");

    // `_invalidate_all` through the installed tier: every key of the
    // function is unlinked (SCAN on every master) and B hears it.
    let space = Space::new("l2_cluster::next", 0);
    let heard = Arc::new(Mutex::new(Vec::new()));
    let into = Arc::clone(&heard);
    assert!(
        b.subscribe(&space, move |message| into.lock().unwrap().push(message))
            .await
    );
    let base = 1_000_u64;
    callers(base).await;
    eventually(Duration::from_secs(3), "written", || {
        next_cache().stats().l2_writes >= 2 * CALLERS
    })
    .await;
    // The space's keys share a slot: one master holds them all.
    let written: Vec<String> = (base..base + CALLERS)
        .map(|key| space.redis_key(&(&key,)))
        .collect();
    let owner = cluster.master_of(&written[0]);
    let mut exists = vec!["EXISTS"];
    exists.extend(written.iter().map(String::as_str));
    assert_eq!(owner.cli(&exists).trim(), CALLERS.to_string());
    let scans = calls(&cluster, "scan");
    next_invalidate_all();
    eventually(Duration::from_secs(3), "B hears `All`", || {
        heard.lock().unwrap().contains(&Invalidation::All)
    })
    .await;
    eventually(Duration::from_secs(3), "the keys are gone", || {
        owner.cli(&exists).trim() == "0"
    })
    .await;
    assert!(
        calls(&cluster, "scan") - scans >= 3,
        "a SCAN on every master"
    );

    paused_master(&cluster, a, base + CALLERS).await;
    drop(b);
}

/// The master holding `next`'s keys paused for 2 s under 200 concurrent
/// callers of keys warm in Redis, cold in the process.
async fn paused_master(cluster: &RedisCluster, tier: &RedisTier, base: u64) {
    callers(base).await;
    eventually(Duration::from_secs(3), "written", || {
        next_cache().stats().l2_writes >= 3 * CALLERS
    })
    .await;
    let owner = cluster.master_of(&Space::new("l2_cluster::next", 0).redis_key(&(&base,)));
    let opened = tier.stats().breaker_opened;
    let pause = Duration::from_millis(2000);
    let paused = Instant::now();
    let _ = owner.cli(&["CLIENT", "PAUSE", "2000", "ALL"]);

    let latencies = callers(base).await;
    println!(
        "cluster, one master paused: {CALLERS} callers, p50 {:?}, p99 {:?}, max {:?}",
        latencies[latencies.len() / 2],
        p99(&latencies),
        latencies.last().unwrap()
    );
    assert!(p99(&latencies) < P99_BOUND, "p99 {:?}", p99(&latencies));
    eventually(Duration::from_secs(1), "the breaker opens", || {
        tier.stats().breaker_opened > opened
    })
    .await;
    let latencies = callers(base).await;
    println!(
        "cluster, breaker open: {CALLERS} callers, p50 {:?}, p99 {:?}",
        latencies[latencies.len() / 2],
        p99(&latencies)
    );
    assert!(p99(&latencies) < P99_BOUND, "p99 {:?}", p99(&latencies));
    assert!(
        paused.elapsed() < pause,
        "the pause ended before the checks"
    );

    // After the pause, the breaker's probe gets through and the entries
    // written before are served from Redis again.
    tokio::time::sleep(pause.saturating_sub(paused.elapsed())).await;
    let recovered = Instant::now();
    let mut key = base;
    loop {
        assert!(
            recovered.elapsed() < Duration::from_secs(3),
            "no Redis hit within 3 s of the pause's end: {:?}",
            tier.stats()
        );
        next_cache().invalidate_all();
        let runs = RUNS.load(SeqCst);
        assert_eq!(next(key).await, key + 1);
        if RUNS.load(SeqCst) == runs {
            break;
        }
        key = base + (key + 1 - base) % CALLERS;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(tier.breaker(), BreakerState::Closed);
    println!(
        "cluster: hits again {:?} after the pause",
        recovered.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_subscription_moves_to_another_node_when_its_node_goes() {
    if !redis_servers::available() {
        println!("skipped: redis-server or redis-cli is not on the PATH");
        return;
    }
    let mut cluster = RedisCluster::start(3);
    // Subscribed on the first node given.
    let b = RedisTier::new(TierConfig::cluster(cluster.urls())).unwrap();
    let space = Space::new("unokit-test:cluster:moving", 1);
    let heard = Arc::new(Mutex::new(Vec::new()));
    let into = Arc::clone(&heard);
    assert!(
        b.subscribe(&space, move |message| into.lock().unwrap().push(message))
            .await
    );
    // The space's channel: its key prefix (a key without its 16 hex digits), then `inv`.
    let key = space.redis_key(&0_u64);
    let channel = &format!("{}inv", &key[..key.len() - 16]);
    // Another instance's message, published on the last node: heard through
    // the cluster bus.
    // Version 1, sender 42, one key whose bytes are given in hex.
    let message = |hex: &str| format!("1|{:016x}|k|{hex}", 42);
    let _ = cluster.nodes()[2].cli(&["PUBLISH", channel, &message("01")]);
    eventually(Duration::from_secs(2), "heard before", || {
        heard.lock().unwrap().contains(&Invalidation::Key(vec![1]))
    })
    .await;

    cluster.kill(0);
    eventually(Duration::from_secs(5), "resubscribed elsewhere", || {
        heard.lock().unwrap().contains(&Invalidation::Reconnected)
    })
    .await;
    let _ = cluster.nodes()[2].cli(&["PUBLISH", channel, &message("02")]);
    eventually(Duration::from_secs(2), "heard after", || {
        heard.lock().unwrap().contains(&Invalidation::Key(vec![2]))
    })
    .await;
}
