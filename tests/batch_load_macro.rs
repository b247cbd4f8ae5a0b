//! `#[batch_load]` as users write it: context arguments, return shapes, options,
//! composite keys, and the generated loader's methods.

use futures::future::join_all;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;
use unokit::batch::{LoadError, SharedCache};
use unokit::cache::CacheConfig;
use unokit::{CacheKey, batch_load};

/// Stands in for a connection pool, counting the "queries" it serves.
#[derive(Default)]
struct Db {
    queries: AtomicUsize,
}

#[derive(Clone, Debug, PartialEq)]
struct Author {
    id: i64,
    name: String,
}

#[batch_load(max_batch = 500, window = "1ms")]
async fn authors_by_id(
    #[ctx] db: &Db,
    ids: &[i64],
) -> Result<HashMap<i64, Author>, std::io::Error> {
    db.queries.fetch_add(1, Relaxed);
    Ok(ids
        .iter()
        .filter(|id| **id > 0)
        .map(|&id| {
            (
                id,
                Author {
                    id,
                    name: format!("author {id}"),
                },
            )
        })
        .collect())
}

#[tokio::test]
async fn the_generated_loader_batches_and_caches() {
    let loader = AuthorsByIdLoader::new(Db::default());
    let loaded = join_all((1..=20).map(|id| loader.load(id))).await;
    assert_eq!(
        loaded[4].as_ref().unwrap().as_ref().unwrap().name,
        "author 5"
    );
    assert_eq!(loader.batch_loader().batch_fn().db_queries(), 1);
    assert_eq!(loader.load(-1).await.unwrap(), None);
    assert_eq!(loader.load(5).await.unwrap().unwrap().id, 5);
    let stats = loader.stats();
    assert_eq!((stats.batches, stats.cache_hits), (2, 1));
    assert_eq!(AuthorsByIdLoader::CONFIG.max_batch(), 500);
    assert_eq!(
        AuthorsByIdLoader::CONFIG.window(),
        Some(Duration::from_millis(1))
    );
}

impl AuthorsByIdLoaderFn {
    fn db_queries(&self) -> usize {
        // The batch-function type holds the `#[ctx]` arguments in private fields of
        // their names: visible here, in the function's module.
        self.db.queries.load(Relaxed)
    }
}

#[tokio::test]
async fn the_function_itself_is_unchanged() {
    let db = Db::default();
    let direct = authors_by_id(&db, &[1, 2]).await.unwrap();
    assert_eq!(direct.len(), 2);
}

#[tokio::test]
async fn prime_clear_and_load_many() {
    let loader = AuthorsByIdLoader::new(Db::default());
    let ada = Author {
        id: 1,
        name: "ada".into(),
    };
    loader.prime(1, ada.clone());
    assert_eq!(loader.load(1).await.unwrap(), Some(ada));
    loader.clear(&1);
    assert_eq!(loader.load(1).await.unwrap().unwrap().name, "author 1");
    let many = loader.load_many([1, 2, -3]).await.unwrap();
    assert_eq!(many.len(), 2);
    loader.clear_all();
    assert_eq!(loader.stats().batches, 2);
}

/// A batch function with no context, returning a `BTreeMap` and no `Result`.
#[batch_load(max_batch = 2, loader = SquareLoader)]
async fn squares(numbers: &[u32]) -> BTreeMap<u32, u64> {
    numbers
        .iter()
        .map(|&n| (n, u64::from(n) * u64::from(n)))
        .collect()
}

#[tokio::test]
async fn a_plain_map_and_a_chosen_name() {
    let loader = SquareLoader::default();
    let loaded = join_all((1..=5).map(|n| loader.load(n))).await;
    let values: Vec<u64> = loaded
        .into_iter()
        .map(|value| value.unwrap().unwrap())
        .collect();
    assert_eq!(values, [1, 4, 9, 16, 25]);
    assert_eq!(
        loader.stats().batches,
        3,
        "max_batch = 2 splits 5 keys in 3"
    );
    let _: &SquareLoaderFn = loader.batch_loader().batch_fn();
}

/// A composite key that also keys caches: `CacheKey` beside `Hash` and `Eq`.
#[derive(CacheKey, Hash, PartialEq, Eq, Clone, Debug)]
struct Translation {
    id: u64,
    lang: String,
}

static TRANSLATION_CALLS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

#[batch_load]
async fn translations(#[ctx] prefix: String, keys: &[Translation]) -> HashMap<Translation, String> {
    TRANSLATION_CALLS.lock().unwrap().push(keys.len());
    keys.iter()
        .map(|key| (key.clone(), format!("{prefix} {} in {}", key.id, key.lang)))
        .collect()
}

#[tokio::test]
async fn a_derived_composite_key_and_an_owned_context() {
    let loader = TranslationsLoader::new("title".to_owned());
    let key = |id, lang: &str| Translation {
        id,
        lang: lang.into(),
    };
    let (en, fr, en_again) = futures::join!(
        loader.load(key(1, "en")),
        loader.load(key(1, "fr")),
        loader.load(key(1, "en")),
    );
    assert_eq!(en.unwrap().as_deref(), Some("title 1 in en"));
    assert_eq!(fr.unwrap().as_deref(), Some("title 1 in fr"));
    assert_eq!(en_again.unwrap().as_deref(), Some("title 1 in en"));
    assert_eq!(
        *TRANSLATION_CALLS.lock().unwrap(),
        [2],
        "one call, the duplicate key fetched once"
    );
    assert_eq!(key(1, "en").fingerprint(), key(1, "en").fingerprint());
}

/// Tuple keys, two context arguments, no cache.
#[batch_load(no_cache)]
async fn scores(
    #[ctx] db: &Db,
    #[ctx] bonus: &u32,
    keys: &[(u64, u64)],
) -> Result<HashMap<(u64, u64), u32>, String> {
    db.queries.fetch_add(1, Relaxed);
    Ok(keys
        .iter()
        .map(|&(a, b)| ((a, b), u32::try_from(a + b).unwrap() + bonus))
        .collect())
}

#[tokio::test]
async fn tuple_keys_and_no_cache() {
    let loader = ScoresLoader::new(Db::default(), 100);
    assert_eq!(loader.load((1, 2)).await.unwrap(), Some(103));
    assert_eq!(loader.load((1, 2)).await.unwrap(), Some(103));
    assert_eq!(loader.stats().batches, 2, "no_cache fetches again");
}

#[batch_load]
async fn always_failing(#[ctx] message: String, keys: &[u8]) -> Result<HashMap<u8, u8>, String> {
    let _ = keys;
    Err(message)
}

#[tokio::test]
async fn the_error_reaches_every_key() {
    let loader = AlwaysFailingLoader::new("down".into());
    let (a, b) = futures::join!(loader.load(1), loader.load(2));
    for result in [a, b] {
        match result {
            Err(LoadError::Batch(error)) => assert_eq!(*error, "down"),
            other => panic!("{other:?}"),
        }
    }
}

#[batch_load(capacity = 100, ttl = "1h")]
async fn cached_names(#[ctx] db: &Db, ids: &[i64]) -> Result<HashMap<i64, String>, String> {
    db.queries.fetch_add(1, Relaxed);
    Ok(ids.iter().map(|id| (*id, format!("name {id}"))).collect())
}

#[tokio::test]
async fn a_shared_cache_serves_the_next_request() {
    let cache = SharedCache::new(CacheConfig::new().with_capacity(100));
    let first = CachedNamesLoader::with_shared_cache(Db::default(), cache.clone());
    first.load(1).await.unwrap();
    let second = CachedNamesLoader::with_shared_cache(Db::default(), cache);
    assert_eq!(second.load(1).await.unwrap().as_deref(), Some("name 1"));
    assert_eq!(second.stats().batches, 0, "served by the shared cache");
    let own = CachedNamesLoader::new(Db::default());
    assert!(
        own.batch_loader().shared_cache().is_some(),
        "capacity/ttl give a moka cache"
    );
}

#[batch_load]
async fn echo(#[ctx] db: &Db, ids: &[i64]) -> Result<HashMap<i64, i64>, std::io::Error> {
    db.queries.fetch_add(1, Relaxed);
    Ok(ids.iter().map(|id| (*id, *id)).collect())
}

/// The body of a multi-thread `#[tokio::test]` (or `#[tokio::main]`) runs on
/// the thread blocking on the runtime, which no worker's metrics show: two
/// loads joined there split into two batches in about 1 round in 20 before
/// the settling took it into account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loads_joined_outside_the_workers_share_a_batch_by_default() {
    for round in 0..200 {
        let loader = EchoLoader::new(Db::default());
        let (a, b) = futures::future::join(loader.load(round), loader.load(round + 1_000)).await;
        assert_eq!((a.unwrap(), b.unwrap()), (Some(round), Some(round + 1_000)));
        assert_eq!(loader.stats().batches, 1, "round {round}: the loads split");
    }
}
