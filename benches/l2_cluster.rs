//! The Redis tier on a Redis Cluster: the cost of the key layout, side by side
//! on one three-master cluster the bench starts on free loopback ports
//! (`redis-server` and `redis-cli` on the `PATH`; skipped without them).
//!
//! `l2/cluster 100 keys` reads 100 entries of 20-field structs:
//! - `unokit get_many (hash-tagged space)`: the tier's lookup, one `MGET`;
//! - `raw MGET, one hash tag`: the same `MGET` by hand on the cluster
//!   connection: the price of the tier over it;
//! - `raw MGET, no tag (split per slot)`: the same bytes under keys without a
//!   tag, spread over the masters: the cluster client splits the `MGET` into
//!   one command per slot and sends them in parallel — what the tier would do
//!   without the tag.
//!
//! `cargo bench -p unokit-benches --bench l2_cluster`.

use criterion::{Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::time::Duration;
use unokit::cache::l2::{RedisTier, Space, TierConfig};
use unokit_fixtures::redis_servers::{self, RedisCluster};

#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
struct Row {
    id: u64,
    name: String,
    email: String,
    tags: Vec<String>,
    fields: [u64; 16],
}

fn row(id: u64) -> Row {
    Row {
        id,
        name: format!("User {id}"),
        email: format!("user{id}@example.com"),
        tags: vec!["a".into(), "b".into()],
        fields: [id; 16],
    }
}

fn hundred_keys(c: &mut Criterion) {
    if !redis_servers::available() {
        println!("l2_cluster: redis-server or redis-cli is missing; skipped");
        return;
    }
    let cluster = RedisCluster::start(3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let space = Space::new("unokit-bench:cluster", 1);
    let ids: Vec<u64> = (0..100).collect();
    let (tier, mut raw, tagged, untagged) = runtime.block_on(async {
        let tier = RedisTier::new(TierConfig::cluster(cluster.urls())).unwrap();
        let mut raw = redis::cluster::ClusterClient::new(cluster.urls())
            .unwrap()
            .get_async_connection()
            .await
            .unwrap();
        let (mut tagged, mut untagged) = (Vec::new(), Vec::new());
        for &id in &ids {
            tier.put(
                &space,
                &id,
                &row(id),
                Duration::from_secs(600),
                Duration::ZERO,
            )
            .await;
            let key = space.redis_key(&id);
            let bytes: Vec<u8> = redis::cmd("GET")
                .arg(&key)
                .query_async(&mut raw)
                .await
                .unwrap();
            let plain = format!("unokit-bench:plain:{id}");
            let () = redis::cmd("SET")
                .arg(&plain)
                .arg(bytes)
                .query_async(&mut raw)
                .await
                .unwrap();
            tagged.push(key);
            untagged.push(plain);
        }
        (tier, raw, tagged, untagged)
    });
    let slots = |keys: &[String]| {
        let mut slots: Vec<String> = keys
            .iter()
            .map(|key| cluster.nodes()[0].cli(&["CLUSTER", "KEYSLOT", key]))
            .collect();
        slots.sort();
        slots.dedup();
        slots.len()
    };
    println!(
        "l2_cluster: the tagged keys are in {} slot(s), the untagged ones in {}",
        slots(&tagged),
        slots(&untagged)
    );

    let mut group = c.benchmark_group("l2/cluster 100 keys");
    group.bench_function("unokit get_many (hash-tagged space)", |b| {
        b.iter(|| {
            let found = runtime.block_on(tier.get_many::<u64, Row>(&space, black_box(&ids)));
            assert!(found.iter().all(Option::is_some));
            found
        });
    });
    for (name, keys) in [
        ("raw MGET, one hash tag", &tagged),
        ("raw MGET, no tag (split per slot)", &untagged),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let found: Vec<Option<Vec<u8>>> = runtime
                    .block_on(
                        redis::cmd("MGET")
                            .arg(black_box(keys))
                            .query_async(&mut raw),
                    )
                    .unwrap();
                assert!(found.iter().all(Option::is_some));
                found
            });
        });
    }
    group.finish();
    drop(tier);
    drop(cluster);
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = hundred_keys
}
criterion_main!(benches);
