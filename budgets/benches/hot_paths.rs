//! Instruction counts of unokit's hot paths under callgrind (gungraun), checked
//! against `budgets/budgets.txt` by `budget-check`; `budgets/run` runs both.
//!
//! Each benchmark's argument is a setup expression (a warm cache, a built
//! container, a parsed selection), which gungraun evaluates outside the measured
//! region; the benchmark then repeats the operation [`REPEAT`] times, so that a
//! one-off (a thread's first lookup) does not decide the count. The suite is
//! built with the profile `cargo test` uses, unoptimized: its counts are not what
//! a release build executes, but they repeat exactly from run to run and move
//! when the code on the path does, which is what a budget needs. Wall-clock
//! comparisons with peers are the criterion benches in `benches/`.

// gungraun's macros name paths in full, which the workspace's lint flags; they
// also refuse doc comments on a benchmark, whose comments are plain ones.
// Callgrind counts a benchmark by toggling collection on entering and leaving
// functions named like it, which its closures are too: a closure in a
// benchmark's body would toggle collection off while it runs, so the bodies
// loop without closures, and async work is a named `async fn`.
#![allow(unused_qualifications)]
#![warn(clippy::pedantic)]

use gungraun::{library_benchmark, library_benchmark_group, main};
use serde::Serialize;
use std::collections::HashMap;
use std::convert::Infallible;
use std::hint::black_box;
use std::sync::Arc;
use unokit::batch::{BatchFn, BatchLoader};
use unokit::key::CacheKey;
use unokit::select::{Fields, Selectable, Selection};
use unokit::{container, injectable, partial_response};
use unokit_benches::{poll_all, run};

/// How many operations one measurement makes (but the cache hits' and the
/// loader's).
const REPEAT: usize = 100;
/// How many hits one cache measurement makes. A large cache's hits vary with
/// the random seed of its hashes (which keys share a line of a thread's front
/// table, a probe sequence): over 1 000 draws, by well under 1 % from run to
/// run.
const HITS: usize = 1_000;
const NAME: &str = "ada lovelace";
const HOT: u64 = 7;
/// The live keys of the large cache columns.
const LIVE_KEYS: u64 = 10_000;
/// Draws of the large columns made before the measured ones, so that moka's
/// policy and the processor's caches are in their steady state.
const WARM_DRAWS: usize = 4 * 1024;

// ---- #[cached] hits ---------------------------------------------------------

fn compute(id: u64, name: &str) -> String {
    format!("user {id}: {name}")
}

#[unokit::cached(capacity = 20_000)]
fn user_sync(id: u64, name: &str) -> String {
    compute(id, name)
}

// As a handler's: an `async fn` whose body happens not to await.
#[allow(clippy::unused_async)]
#[unokit::cached(capacity = 20_000)]
async fn user_async(id: u64, name: &str) -> String {
    compute(id, name)
}

/// `SplitMix64`: a fixed, dependency-free source of key draws.
fn draws(keys: u64, count: usize) -> Vec<u64> {
    let mut state = keys;
    (0..count)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) % keys
        })
        .collect()
}

/// Inserts `keys` keys with `call`, hits the draws before the measured ones,
/// and returns the measured draws: every one a hit.
fn warm(keys: u64, call: impl Fn(u64) -> String) -> Vec<u64> {
    if keys == 1 {
        call(HOT);
        call(HOT);
        return vec![HOT; HITS];
    }
    (0..keys).for_each(|id| drop(call(id)));
    let mut all = draws(keys, WARM_DRAWS + HITS);
    for &id in &all[..WARM_DRAWS] {
        call(id);
    }
    all.split_off(WARM_DRAWS)
}

fn warm_sync(keys: u64) -> Vec<u64> {
    let ids = warm(keys, |id| user_sync(id, NAME));
    user_sync_cache().run_pending_tasks();
    ids
}

fn warm_async(keys: u64) -> Vec<u64> {
    let ids = warm(keys, |id| run(user_async(id, NAME)));
    run(user_async_cache().run_pending_tasks());
    ids
}

#[library_benchmark]
#[bench::one_key(warm_sync(1))]
#[bench::live_10000(warm_sync(LIVE_KEYS))]
fn cached_hit_sync(ids: Vec<u64>) -> usize {
    let mut bytes = 0;
    for id in ids {
        bytes += user_sync(black_box(id), black_box(NAME)).len();
    }
    bytes
}

// Polled once with a no-op waker: a hit completes on its first poll.
#[library_benchmark]
#[bench::one_key(warm_async(1))]
#[bench::live_10000(warm_async(LIVE_KEYS))]
fn cached_hit_async(ids: Vec<u64>) -> usize {
    let mut bytes = 0;
    for id in ids {
        bytes += run(user_async(black_box(id), black_box(NAME))).len();
    }
    bytes
}

library_benchmark_group!(
    name = cached_hit,
    benchmarks = [cached_hit_sync, cached_hit_async]
);

// ---- CacheKey ---------------------------------------------------------------

type Key = (u64, &'static str, Option<u32>, Vec<u64>);

/// A typical key: an id, a string, an option and a short list.
fn typical_key() -> Key {
    (HOT, NAME, Some(20), vec![3, 14, 15, 92, 65])
}

#[library_benchmark]
#[bench::typical_key(typical_key())]
fn fingerprint(key: Key) -> u64 {
    let mut all = 0;
    for _ in 0..REPEAT {
        all ^= black_box(&key).fingerprint();
    }
    all
}

library_benchmark_group!(name = cache_key, benchmarks = [fingerprint]);

// ---- BatchLoader (the runtime of #[batch_load]) ----------------------------

const LOADER_KEYS: u64 = 1_000;

/// A batch function without I/O: what is measured is the loader.
struct Values;

impl BatchFn for Values {
    type Key = u64;
    type Value = u64;
    type Error = Infallible;
    type Map = HashMap<u64, u64>;

    async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, u64>, Infallible> {
        Ok(keys
            .iter()
            .map(|&key| (key, key.wrapping_mul(31)))
            .collect())
    }
}

fn loader_setup() -> (tokio::runtime::Runtime, Vec<u64>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    // The runtime's and the loader's first use, outside the measured region.
    let first = runtime.block_on(BatchLoader::new(Values).load(1));
    assert_eq!(first.ok(), Some(Some(31)));
    (runtime, (0..LOADER_KEYS).collect())
}

// A fresh loader, as a request makes, and its 1 000 loads polled in place
// in one task (the keys dispatch as one batch of the default 1 000).
#[library_benchmark]
#[bench::keys_1000(loader_setup())]
fn loader_per_key((runtime, keys): (tokio::runtime::Runtime, Vec<u64>)) -> usize {
    runtime.block_on(load_all(&keys))
}

/// A fresh loader and a load of each key, polled in place in one task.
async fn load_all(keys: &[u64]) -> usize {
    let loader = BatchLoader::new(Values);
    let values = poll_all(keys.iter().map(|&key| loader.load(black_box(key)))).await;
    values
        .iter()
        .filter(|value| matches!(value, Ok(Some(_))))
        .count()
}

library_benchmark_group!(name = loader, benchmarks = [loader_per_key]);

// ---- #[partial_response] ----------------------------------------------------

#[partial_response]
#[derive(Serialize, Clone)]
struct Item {
    id: u64,
    name: String,
    email: String,
    age: u32,
    score: f64,
    active: bool,
    city: String,
    country: String,
    zip: String,
    phone: String,
    company: String,
    title: String,
    bio: String,
    created: u64,
    updated: u64,
    visits: u32,
    rating: f32,
    tags: Vec<String>,
    website: String,
    nested: Nested,
}

#[partial_response]
#[derive(Serialize, Clone)]
struct Nested {
    a: String,
    b: u64,
    c: String,
}

fn item(i: u64) -> Item {
    Item {
        id: i,
        name: format!("User Number {i}"),
        email: format!("user{i}@example.com"),
        age: 20 + u32::try_from(i % 50).expect("small"),
        score: 0.5,
        active: i.is_multiple_of(2),
        city: "Springfield".into(),
        country: "Freedonia".into(),
        zip: format!("{:05}", i * 7),
        phone: format!("+1-555-{i:04}"),
        company: "Acme Widgets Incorporated".into(),
        title: "Senior Widget Engineer".into(),
        bio: "Likes long walks through well-indexed tables and short query plans.".into(),
        created: 1_700_000_000 + i,
        updated: 1_700_100_000 + i,
        visits: 3,
        rating: 4.5,
        tags: vec!["alpha".into(), "beta".into()],
        website: format!("https://example.com/users/{i}"),
        nested: Nested {
            a: format!("nested {i}"),
            b: i * 11,
            c: "more nested text".into(),
        },
    }
}

/// 100 items, the compiled selection `id,name,nested/a` and a buffer already
/// large enough.
fn partial_setup() -> (Vec<Item>, Selection<Item>, Vec<u8>) {
    let items: Vec<Item> = (0..REPEAT as u64).map(item).collect();
    let selection: Selection<Item> = Fields::parse("id,name,nested/a")
        .expect("parses")
        .compile()
        .expect("compiles");
    let mut buffer = Vec::with_capacity(1 << 16);
    serde_json::to_writer(&mut buffer, &items.select(&selection)).expect("serializes");
    assert!(buffer.starts_with(br#"[{"id":0,"name":"User Number 0","nested":{"a":"nested 0"}}"#));
    buffer.clear();
    (items, selection, buffer)
}

// 3 of 20 fields of each of 100 items, as JSON into a reused buffer.
#[library_benchmark]
#[bench::three_of_twenty(partial_setup())]
fn partial_serialize(
    (items, selection, mut buffer): (Vec<Item>, Selection<Item>, Vec<u8>),
) -> usize {
    serde_json::to_writer(&mut buffer, &black_box(&items).select(&selection)).expect("serializes");
    buffer.len()
}

// ---- `fields` parsing -------------------------------------------------------

/// A `?fields=` of a typical request: names, a nested selection two deep, a
/// path, a star and an exclusion.
const TYPICAL_FIELDS: &str =
    "id,name,email,author(id,name),comments(id,body,author/name),tags/*,-tags/internal";

fn typical_fields() -> &'static str {
    assert!(
        Fields::parse(TYPICAL_FIELDS).is_ok(),
        "the typical fields parse"
    );
    TYPICAL_FIELDS
}

#[library_benchmark]
#[bench::typical(typical_fields())]
fn fields_parse(text: &str) -> usize {
    let mut parsed = 0;
    for _ in 0..REPEAT {
        parsed += usize::from(Fields::parse(black_box(text)).is_ok());
    }
    parsed
}

library_benchmark_group!(
    name = select,
    benchmarks = [partial_serialize, fields_parse]
);

// ---- #[injectable] + #[container] -------------------------------------------

#[injectable(singleton, eager, default)]
#[derive(Default)]
pub struct Config {
    pub name: String,
}

#[injectable(scoped)]
pub struct Session {
    pub config: Arc<Config>,
}

#[container(Config, Session)]
pub struct BudgetApp;

fn app() -> Arc<BudgetApp> {
    let app = run(BudgetApp::builder().build()).expect("builds");
    black_box(app.resolve::<Arc<Config>>());
    app
}

/// A scope whose `Session` is built: what every resolve after the first costs.
fn scope_with_session() -> (Arc<BudgetApp>, BudgetAppScope) {
    let app = app();
    let scope = app.scope();
    black_box(scope.resolve::<Arc<Session>>());
    (app, scope)
}

#[library_benchmark]
#[bench::built(app())]
fn di_singleton_resolve(app: Arc<BudgetApp>) -> (usize, Arc<BudgetApp>) {
    let mut bytes = 0;
    for _ in 0..REPEAT {
        bytes += black_box(&*app).resolve::<Arc<Config>>().name.len();
    }
    // Returned, so that the container is dropped (and its singletons
    // disposed of) outside the measured function.
    (bytes, app)
}

#[library_benchmark]
#[bench::built(scope_with_session())]
fn di_scoped_resolve(
    (app, scope): (Arc<BudgetApp>, BudgetAppScope),
) -> (usize, (Arc<BudgetApp>, BudgetAppScope)) {
    let mut bytes = 0;
    for _ in 0..REPEAT {
        bytes += black_box(&scope)
            .resolve::<Arc<Session>>()
            .config
            .name
            .len();
    }
    // Returned: the scope's close is not the resolve.
    (bytes, (app, scope))
}

library_benchmark_group!(
    name = di,
    benchmarks = [di_singleton_resolve, di_scoped_resolve]
);

main!(
    library_benchmark_groups = cached_hit,
    cache_key,
    loader,
    select,
    di
);
