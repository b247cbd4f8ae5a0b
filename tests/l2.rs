//! The Redis tier on the real server at `UNOKIT_TEST_REDIS_URL`: entries shared
//! by two instances, the key check, schema changes, undecodable and oversized
//! entries, and an outage through a proxy the test owns.
#![cfg(feature = "redis")]

use std::time::{Duration, Instant};
use unokit::cache::l2::{BreakerState, RedisTier, Space, Stored, TierConfig};
use unokit_fixtures::proxy::Proxy;

fn redis_url(test: &str) -> Option<String> {
    let url = std::env::var("UNOKIT_TEST_REDIS_URL").ok();
    if url.is_none() {
        println!("skipped {test}: UNOKIT_TEST_REDIS_URL is not set");
    }
    url
}

/// A namespace no other test or process shares.
fn space(test: &str, schema: u64) -> Space {
    Space::new(
        &format!("unokit-test:{}:{test}", std::process::id()),
        schema,
    )
}

const MINUTE: Duration = Duration::from_secs(60);

/// Raw access, to play the part of another build or a broken writer.
async fn raw(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_written_by_one_instance_is_read_by_another() {
    let Some(url) = redis_url("an_entry_written_by_one_instance_is_read_by_another") else {
        return;
    };
    let (a, b) = (
        RedisTier::new(TierConfig::new(&url)).unwrap(),
        RedisTier::new(TierConfig::new(&url)).unwrap(),
    );
    let users = space("shared", 1);
    let value = (
        "Ada Lovelace".to_owned(),
        vec![1.5_f64, f64::MAX],
        Some('λ'),
    );
    assert_eq!(
        b.get::<_, (String, Vec<f64>, Option<char>)>(&users, &7_u64)
            .await,
        None
    );
    let stored = a
        .put(&users, &7_u64, &value, MINUTE, Duration::from_millis(12))
        .await;
    assert_eq!(stored, Stored::Stored);
    let hit = b
        .get::<_, (String, Vec<f64>, Option<char>)>(&users, &7_u64)
        .await
        .unwrap();
    assert_eq!(hit.value, value);
    assert!(hit.remaining <= MINUTE && hit.remaining > MINUTE - Duration::from_secs(5));
    assert_eq!(hit.body_time, Duration::from_millis(12));
    assert_eq!((b.stats().hits, b.stats().misses), (1, 1));

    // One MGET for many keys, in order, with gaps.
    for id in [1_u64, 3] {
        a.put(
            &users,
            &id,
            &(format!("user {id}"), Vec::<f64>::new(), None::<char>),
            MINUTE,
            Duration::ZERO,
        )
        .await;
    }
    let found = b
        .get_many::<u64, (String, Vec<f64>, Option<char>)>(&users, &[1, 2, 3, 7])
        .await;
    let names: Vec<Option<String>> = found
        .into_iter()
        .map(|hit| hit.map(|hit| hit.value.0))
        .collect();
    assert_eq!(
        names,
        [
            Some("user 1".into()),
            None,
            Some("user 3".into()),
            Some("Ada Lovelace".into())
        ]
    );

    assert!(a.remove(&users, &7_u64).await);
    assert_eq!(
        b.get::<_, (String, Vec<f64>, Option<char>)>(&users, &7_u64)
            .await,
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collisions_schema_changes_and_broken_entries_are_misses() {
    let Some(url) = redis_url("collisions_schema_changes_and_broken_entries_are_misses") else {
        return;
    };
    let tier = RedisTier::new(TierConfig::new(&url).with_max_value_bytes(4096)).unwrap();
    let mut connection = raw(&url).await;
    let v1 = space("checks", 1);

    // Two keys on one fingerprint: copy key 1's entry to key 2's Redis key.
    tier.put(&v1, "alice", &"alice's secret", MINUTE, Duration::ZERO)
        .await;
    let entry: Vec<u8> = redis::cmd("GET")
        .arg(v1.redis_key("alice"))
        .query_async(&mut connection)
        .await
        .unwrap();
    let () = redis::cmd("SET")
        .arg(v1.redis_key("mallory"))
        .arg(&entry)
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(
        tier.get::<_, String>(&v1, "mallory").await,
        None,
        "never another key's value"
    );
    assert_eq!(tier.stats().mismatches, 1);
    assert_eq!(
        tier.get::<_, String>(&v1, "alice").await.unwrap().value,
        "alice's secret"
    );

    // A new schema reads the old entry as a miss.
    assert_eq!(
        tier.get::<_, String>(&space("checks", 2), "alice").await,
        None
    );
    assert_eq!(tier.stats().mismatches, 2);

    // Garbage is a miss, and the next store overwrites it.
    let () = redis::cmd("SET")
        .arg(v1.redis_key("bob"))
        .arg("not an entry at all, long enough to have a header")
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(tier.get::<_, String>(&v1, "bob").await, None);
    assert_eq!(tier.stats().corrupt, 1);
    tier.put(&v1, "bob", &"bob", MINUTE, Duration::ZERO).await;
    assert_eq!(
        tier.get::<_, String>(&v1, "bob").await.unwrap().value,
        "bob"
    );

    // Oversized values are not stored, and not an error.
    let big = "x".repeat(10_000);
    assert_eq!(
        tier.put(&v1, "big", &big, MINUTE, Duration::ZERO).await,
        Stored::Oversized
    );
    assert_eq!(tier.get::<_, String>(&v1, "big").await, None);
    assert_eq!(tier.stats().oversized, 1);
    assert_eq!(tier.stats().errors, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_costs_one_deadline_per_call_then_nothing_until_redis_is_back() {
    let Some(url) =
        redis_url("an_outage_costs_one_deadline_per_call_then_nothing_until_redis_is_back")
    else {
        return;
    };
    let proxy = proxy_for(&url).await;
    let config = TierConfig::new(format!("redis://{}", proxy.addr()))
        .with_op_timeout(Duration::from_millis(50))
        .with_breaker(5, Duration::from_millis(300));
    let tier = RedisTier::new(config).unwrap();
    let cache = space("outage", 1);
    assert_eq!(
        tier.put(&cache, &1_u64, &1_u64, MINUTE, Duration::ZERO)
            .await,
        Stored::Stored
    );

    proxy.pause();
    for call in 0..5 {
        let started = Instant::now();
        assert_eq!(
            tier.get::<_, u64>(&cache, &1_u64).await,
            None,
            "call {call}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "call {call} waited {:?}",
            started.elapsed()
        );
    }
    assert_eq!(tier.breaker(), BreakerState::Open);
    for _ in 0..1000 {
        assert_eq!(tier.get::<_, u64>(&cache, &1_u64).await, None);
    }
    let stats = tier.stats();
    assert_eq!(
        (stats.errors, stats.skipped, stats.breaker_opened),
        (5, 1000, 1)
    );

    proxy.resume();
    // Dropping the connections the pause left half-open gives the probe a
    // fresh one, as a server restart or a network that comes back does.
    proxy.cut_connections();
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        if let Some(hit) = tier.get::<_, u64>(&cache, &1_u64).await {
            assert_eq!(hit.value, 1);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "hits resume within 3 s: {:?}",
            tier.stats()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(tier.breaker(), BreakerState::Closed);
}

/// The proxy's address in front of the Redis at `url`.
async fn proxy_for(url: &str) -> Proxy {
    let info = redis::Client::open(url)
        .unwrap()
        .get_connection_info()
        .clone();
    let redis::ConnectionAddr::Tcp(host, port) = info.addr().clone() else {
        panic!("a TCP Redis URL");
    };
    let upstream = tokio::net::lookup_host((host.as_str(), port))
        .await
        .unwrap()
        .next()
        .unwrap();
    Proxy::start(upstream).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidations_reach_the_other_instances_and_a_reconnection_is_announced() {
    use tokio::sync::mpsc;
    use unokit::cache::l2::Invalidation;
    let Some(url) =
        redis_url("invalidations_reach_the_other_instances_and_a_reconnection_is_announced")
    else {
        return;
    };
    let proxy = proxy_for(&url).await;
    let a = RedisTier::new(TierConfig::new(&url)).unwrap();
    let b = RedisTier::new(TierConfig::new(format!("redis://{}", proxy.addr()))).unwrap();
    let users = space("backplane", 1);
    let (to_a, mut heard_by_a) = mpsc::unbounded_channel();
    let (to_b, mut heard_by_b) = mpsc::unbounded_channel();
    assert!(
        a.subscribe(&users, move |message| drop(to_a.send(message)))
            .await
    );
    assert!(
        b.subscribe(&users, move |message| drop(
            to_b.send((message, Instant::now()))
        ))
        .await
    );

    let sent = [
        Invalidation::Key(7_u64.to_le_bytes().to_vec()),
        Invalidation::Tag("team:3".into()),
        Invalidation::All,
    ];
    for invalidation in &sent {
        assert!(a.publish(&users, invalidation).await);
        let (heard, _) = tokio::time::timeout(Duration::from_secs(2), heard_by_b.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&heard, invalidation);
    }

    // 1000 invalidations one after another: every one arrives, in order; the
    // propagation time is printed for the record (a benchmark's business).
    let mut delays = Vec::with_capacity(1000);
    for key in 0_u32..1000 {
        let invalidation = Invalidation::Key(key.to_be_bytes().to_vec());
        let published = Instant::now();
        assert!(a.publish(&users, &invalidation).await);
        let (heard, at) = tokio::time::timeout(Duration::from_secs(2), heard_by_b.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(heard, invalidation);
        delays.push(at - published);
    }
    delays.sort();
    println!(
        "invalidation from A to B: p50 {:?}, p99 {:?}, max {:?}",
        delays[500], delays[989], delays[999]
    );

    // B's subscription is cut: it reconnects and says so, then hears again.
    proxy.cut_connections();
    let (heard, _) = tokio::time::timeout(Duration::from_secs(3), heard_by_b.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(heard, Invalidation::Reconnected);
    assert!(a.publish(&users, &Invalidation::All).await);
    let (heard, _) = tokio::time::timeout(Duration::from_secs(2), heard_by_b.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(heard, Invalidation::All);

    // A never hears its own messages.
    assert!(heard_by_a.try_recv().is_err());
}

/// XFetch: the chance to recompute early is exp(-remaining / (body time × beta)).
#[test]
fn early_recomputation_follows_the_xfetch_distribution() {
    use unokit::cache::l2::Fetched;
    let at = |remaining_ms: u64, beta: f64| {
        let fetched = Fetched {
            value: (),
            remaining: Duration::from_millis(remaining_ms),
            body_time: Duration::from_millis(100),
            tags: Vec::new(),
        };
        (0..20_000)
            .filter(|_| fetched.recompute_early(beta))
            .count()
    };
    // remaining = body time: e^-1 of 20 000 is 7 358 (3 σ ≈ 200).
    assert!((7_100..=7_600).contains(&at(100, 1.0)), "{}", at(100, 1.0));
    // Twice the beta, same remaining time: e^-0.5, 12 131.
    assert!((11_850..=12_400).contains(&at(100, 2.0)));
    // Far from expiry: e^-50, never in practice; at expiry: always.
    assert_eq!(at(5_000, 1.0), 0);
    assert_eq!(at(0, 1.0), 20_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_instance_at_a_time_holds_a_key_lock() {
    let Some(url) = redis_url("one_instance_at_a_time_holds_a_key_lock") else {
        return;
    };
    let (a, b) = (
        RedisTier::new(TierConfig::new(&url)).unwrap(),
        RedisTier::new(TierConfig::new(&url)).unwrap(),
    );
    let cache = space("lock", 1);
    let held = a.lock(&cache, &1_u64, MINUTE).await.expect("free");
    assert!(b.lock(&cache, &1_u64, MINUTE).await.is_none(), "held by A");
    assert!(
        b.lock(&cache, &2_u64, MINUTE).await.is_some(),
        "another key"
    );
    assert!(a.unlock(held).await);
    let taken = b.lock(&cache, &1_u64, MINUTE).await.expect("released");
    assert!(b.unlock(taken).await);

    // An expired lock taken by another instance is not released by the first.
    let short = a
        .lock(&cache, &3_u64, Duration::from_millis(50))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(120)).await;
    let fresh = b.lock(&cache, &3_u64, MINUTE).await.expect("expired");
    assert!(!a.unlock(short).await, "not A's any more");
    assert!(a.lock(&cache, &3_u64, MINUTE).await.is_none(), "still B's");
    assert!(b.unlock(fresh).await);
}
