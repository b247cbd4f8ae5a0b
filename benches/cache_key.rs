//! Two groups on a key of `(u64, &str, Option<u32>, Vec<u64>)`.
//!
//! `cache_key`: deriving the key, side by side with the usual ways to key a cache:
//! hashing the borrowed fields by hand (the reference), cloning into an owned
//! tuple, serializing to JSON, and `format!("{:?}")`. Every contender ends in the
//! same hasher, so only the key derivation differs.
//!
//! `fingerprint`: the hash itself on the same parts: unokit's stable fingerprint
//! (a specified multiply-fold hash of the parts as words) and its per-cache keyed
//! hash (foldhash, random seed), against `FxHasher` fed the parts by
//! hand (the reference), std's `DefaultHasher` (SipHash-1-3, keyed) through `Hash`,
//! and `serde_json` then a hash. `cargo bench -p unokit-benches --bench cache_key`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hash::{BuildHasher, Hash, Hasher};
use std::hint::black_box;
use std::time::Duration;
use unokit::CacheKey;
use unokit::key::{Fingerprinter, KeySink, KeyedSeed};

#[derive(CacheKey)]
struct Request<'a> {
    user_id: u64,
    lang: &'a str,
    limit: Option<u32>,
    tags: Vec<u64>,
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = Fingerprinter::new();
    hasher.write(bytes);
    Hasher::finish(&hasher)
}

fn bench(c: &mut Criterion) {
    let tags: Vec<u64> = vec![3, 14, 15, 92, 65];
    let key = (7_u64, "ada lovelace", Some(20_u32), tags.clone());
    let request = Request {
        user_id: 7,
        lang: "ada lovelace",
        limit: Some(20),
        tags: tags.clone(),
    };
    let mut group = c.benchmark_group("cache_key");
    group.bench_function("by_hand_borrowed", |b| {
        b.iter(|| {
            let (id, name, limit, tags) = black_box(&key);
            let mut sink = Fingerprinter::new();
            sink.put_u64(*id);
            sink.put_bytes(name.as_bytes());
            match limit {
                None => sink.put_u64(0),
                Some(limit) => {
                    sink.put_u64(1);
                    sink.put_u64(u64::from(*limit));
                }
            }
            sink.put_len(tags.len());
            for tag in tags {
                sink.put_u64(*tag);
            }
            sink.finish()
        });
    });
    group.bench_function("unokit_tuple", |b| b.iter(|| black_box(&key).fingerprint()));
    group.bench_function("unokit_derive", |b| {
        b.iter(|| black_box(&request).fingerprint())
    });
    group.bench_function("clone_to_owned_then_hash", |b| {
        b.iter(|| {
            let (id, name, limit, tags) = black_box(&key);
            let owned: (u64, String, Option<u32>, Vec<u64>) =
                (*id, (*name).to_owned(), *limit, tags.clone());
            let mut hasher = Fingerprinter::new();
            owned.hash(&mut hasher);
            Hasher::finish(&hasher)
        });
    });
    group.bench_function("serde_json_then_hash", |b| {
        b.iter(|| hash_bytes(serde_json::to_string(black_box(&key)).unwrap().as_bytes()));
    });
    group.bench_function("debug_format_then_hash", |b| {
        b.iter(|| hash_bytes(format!("{:?}", black_box(&key)).as_bytes()));
    });
    group.finish();
}

/// The parts `CacheKey` writes, fed to any `Hasher` by hand: numbers as `u64`,
/// strings after their length.
fn by_hand<H: Hasher>(
    mut hasher: H,
    (id, name, limit, tags): &(u64, &str, Option<u32>, Vec<u64>),
) -> u64 {
    hasher.write_u64(*id);
    hasher.write_u64(name.len() as u64);
    hasher.write(name.as_bytes());
    match limit {
        None => hasher.write_u64(0),
        Some(limit) => {
            hasher.write_u64(1);
            hasher.write_u64(u64::from(*limit));
        }
    }
    hasher.write_u64(tags.len() as u64);
    for tag in tags {
        hasher.write_u64(*tag);
    }
    hasher.finish()
}

fn fingerprint(c: &mut Criterion) {
    let key = (
        7_u64,
        "ada lovelace",
        Some(20_u32),
        vec![3_u64, 14, 15, 92, 65],
    );
    let seed = KeyedSeed::new();
    let std_state = std::hash::RandomState::new();
    let mut group = c.benchmark_group("fingerprint");
    group.bench_function("fxhash_by_hand", |b| {
        b.iter(|| by_hand(rustc_hash::FxHasher::default(), black_box(&key)));
    });
    group.bench_function("unokit_fingerprint", |b| {
        b.iter(|| black_box(&key).fingerprint());
    });
    group.bench_function("unokit_keyed_hash", |b| {
        b.iter(|| seed.hash(black_box(&key)));
    });
    group.bench_function("std_default_hasher", |b| {
        b.iter(|| std_state.hash_one(black_box(&key)));
    });
    group.bench_function("serde_json_then_fingerprint", |b| {
        b.iter(|| hash_bytes(serde_json::to_string(black_box(&key)).unwrap().as_bytes()));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench, fingerprint
}
criterion_main!(benches);
