//! The key guard's check side by side with fastbloom's filter asked directly
//! (what an expert writes by hand), the `bloomfilter` crate behind a `RwLock`
//! (the usual way to share a filter that is not lock-free), a `#[cached]` hit on
//! 100 000 keys, a refused id through `#[cached(guard = ..)]`, and a miss that
//! reaches SQLite: the check must cost far less than the miss it saves and
//! little beside a hit.
//!
//! The filters hold 1 M keys at a 1 % false-positive rate; the keys asked are
//! drawn uniformly from 2 M (half present), precomputed. Rows on one thread and
//! split over two. `cargo bench -p unokit-benches --bench guard`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::{LazyLock, RwLock};
use std::time::Duration;
use unokit::cache::{GuardError, KeyGuard};
use unokit::db::sqlx;
use unokit_benches::{run, split_over_threads};

const KEYS: u64 = 1_000_000;
const DRAWS: usize = 1 << 16;

thread_local! {
    static AT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

static GUARD: LazyLock<KeyGuard<u64>> = LazyLock::new(|| {
    let guard = KeyGuard::new(1_000_000, 0.01, || async {
        Ok::<_, GuardError>((0..KEYS).collect())
    });
    run(guard.fill()).unwrap();
    guard
});

static FASTBLOOM: LazyLock<fastbloom::AtomicBloomFilter<foldhash::fast::RandomState>> =
    LazyLock::new(|| {
        let filter = fastbloom::AtomicBloomFilter::with_false_pos(0.01)
            .hasher(foldhash::fast::RandomState::default())
            .expected_items(1_000_000);
        for key in 0..KEYS {
            filter.insert(&key);
        }
        filter
    });

static BLOOMFILTER: LazyLock<RwLock<bloomfilter::Bloom<u64>>> = LazyLock::new(|| {
    let mut filter = bloomfilter::Bloom::new_for_fp_rate(1_000_000, 0.01).unwrap();
    for key in 0..KEYS {
        filter.set(&key);
    }
    RwLock::new(filter)
});

static DRAWN: LazyLock<Vec<u64>> = LazyLock::new(|| {
    // A fixed xorshift: the same draws in every run.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    (0..DRAWS)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % (2 * KEYS)
        })
        .collect()
});

#[unokit::cached(capacity = 200_000)]
fn profile(id: u64) -> Option<String> {
    Some(format!("user {id}"))
}

/// The same function behind the guard: an id it refuses returns `None` before
/// the cache, where without the guard it would be a miss reaching the database.
#[unokit::cached(capacity = 200_000, guard = &*GUARD)]
fn guarded_profile(id: u64) -> Option<String> {
    Some(format!("user {id}"))
}

/// Ids that do not exist and that the guard refuses (not its false positives).
static REFUSED: LazyLock<Vec<u64>> = LazyLock::new(|| {
    (KEYS..3 * KEYS)
        .filter(|id| !GUARD.may_contain(id))
        .take(DRAWS)
        .collect()
});

static POOL: LazyLock<(tokio::runtime::Runtime, sqlx::SqlitePool)> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let pool = runtime.block_on(async {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999) \
             INSERT INTO users SELECT i, 'user ' || i FROM n",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool
    });
    (runtime, pool)
});

fn checks(c: &mut Criterion) {
    let drawn = &*DRAWN;
    let mut group = c.benchmark_group("guard");
    let mut i = 0;
    let mut next = move || {
        i = (i + 1) % DRAWS;
        drawn[i]
    };
    LazyLock::force(&GUARD);
    LazyLock::force(&FASTBLOOM);
    LazyLock::force(&BLOOMFILTER);
    group.bench_function("unokit KeyGuard::may_contain", |b| {
        b.iter(|| GUARD.may_contain(black_box(&next())));
    });
    group.bench_function("hand-written fastbloom contains", |b| {
        b.iter(|| FASTBLOOM.contains(black_box(&next())));
    });
    group.bench_function("bloomfilter crate in a RwLock", |b| {
        b.iter(|| BLOOMFILTER.read().unwrap().check(black_box(&next())));
    });
    for key in 0..100_000 {
        profile(key);
    }
    group.bench_function("#[cached] hit, 100 000 keys", |b| {
        b.iter(|| profile(black_box(next() % 100_000)));
    });
    let refused = &*REFUSED;
    let mut at = 0;
    group.bench_function("#[cached(guard)] refused id", |b| {
        b.iter(|| {
            at = (at + 1) % refused.len();
            guarded_profile(black_box(refused[at]))
        });
    });
    let (runtime, pool) = &*POOL;
    group.bench_function("miss: SQLite point query", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let name: Option<String> =
                    sqlx::query_scalar("SELECT name FROM users WHERE id = ?")
                        .bind(i64::try_from(next() % 100_000).unwrap())
                        .fetch_optional(pool)
                        .await
                        .unwrap();
                name
            })
        });
    });
    for (name, check) in [
        (
            "2 threads: unokit KeyGuard",
            &(|key: &u64| GUARD.may_contain(key)) as &(dyn Fn(&u64) -> bool + Sync),
        ),
        ("2 threads: hand-written fastbloom", &|key: &u64| {
            FASTBLOOM.contains(key)
        }),
        ("2 threads: bloomfilter in a RwLock", &|key: &u64| {
            BLOOMFILTER.read().unwrap().check(key)
        }),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                split_over_threads(2, iterations, || {
                    // Each thread walks the draws from its own position.
                    let at = AT.with(|at| {
                        let next = (at.get() + 7919) % DRAWS;
                        at.set(next);
                        next
                    });
                    black_box(check(&drawn[at]));
                })
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = checks
}
criterion_main!(benches);
