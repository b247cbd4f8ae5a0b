//! The batching contract of `unokit::batch::BatchLoader`, the runtime behind
//! `#[batch_load]`: one call per open batch, windows, the `max_batch` cap,
//! de-duplication, missing keys, the cache.

use unokit_fixtures::recorder;

use futures::future::join_all;
use recorder::{Recorder, value_of};
use std::time::Duration;
use unokit::batch::{BatchLoader, LoaderCache, LoaderConfig, SharedCache};
use unokit::cache::CacheConfig;

#[tokio::test]
async fn loads_made_while_a_batch_is_open_share_one_call() {
    let recorder = Recorder::default();
    let loader = BatchLoader::new(recorder.clone());
    let loaded = join_all((1..=50).map(|key| loader.load(key))).await;
    for (key, value) in (1..=50).zip(loaded) {
        assert_eq!(value.unwrap(), value_of(key));
    }
    assert_eq!(recorder.calls(), vec![(1..=50).collect::<Vec<_>>()]);
    let stats = loader.stats();
    assert_eq!(
        (stats.batches, stats.keys_fetched, stats.loads),
        (1, 50, 50)
    );
}

#[tokio::test]
async fn loads_from_many_tasks_share_one_call() {
    let recorder = Recorder::default();
    let loader = BatchLoader::new(recorder.clone());
    let tasks: Vec<_> = (1..=20)
        .map(|key| {
            let loader = loader.clone();
            tokio::spawn(async move { loader.load(key).await })
        })
        .collect();
    for (key, task) in (1..=20).zip(tasks) {
        assert_eq!(task.await.unwrap().unwrap(), value_of(key));
    }
    assert_eq!(
        recorder.calls().len(),
        1,
        "current-thread tasks ready together share a batch"
    );
}

#[tokio::test(start_paused = true)]
async fn the_window_gathers_loads_until_it_closes() {
    let recorder = Recorder::default();
    let config = LoaderConfig::new().with_window(Duration::from_millis(50));
    let loader = BatchLoader::with_config(recorder.clone(), config);
    let at = |delay: u64, key: u64| {
        let loader = loader.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            loader.load(key).await.unwrap()
        })
    };
    let tasks = [at(0, 1), at(20, 2), at(45, 3), at(80, 4), at(100, 5)];
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(recorder.calls(), vec![vec![1, 2, 3], vec![4, 5]]);
}

#[tokio::test]
async fn a_full_batch_is_dispatched_without_waiting_for_its_window() {
    let recorder = Recorder::default();
    let config = LoaderConfig::new()
        .with_max_batch(3)
        .with_window(Duration::from_secs(3600));
    let loader = BatchLoader::with_config(recorder.clone(), config);
    let loads = join_all((1..=3).map(|key| loader.load(key)));
    tokio::time::timeout(Duration::from_secs(10), loads)
        .await
        .expect("a full batch does not wait an hour");
    assert_eq!(recorder.calls(), vec![vec![1, 2, 3]]);
}

#[tokio::test]
async fn max_batch_is_a_hard_cap() {
    let recorder = Recorder::default();
    let loader = BatchLoader::with_config(recorder.clone(), LoaderConfig::new().with_max_batch(3));
    let loaded = join_all((1..=10).map(|key| loader.load(key))).await;
    assert!(loaded.iter().all(Result::is_ok));
    let sizes: Vec<usize> = recorder.calls().iter().map(Vec::len).collect();
    assert_eq!(sizes, [3, 3, 3, 1]);
    assert_eq!(loader.stats().largest_batch, 3);
}

#[tokio::test]
async fn load_many_splits_100_000_keys_into_capped_batches() {
    let recorder = Recorder::default();
    let loader =
        BatchLoader::with_config(recorder.clone(), LoaderConfig::new().with_max_batch(500));
    let values = loader.load_many(0..100_000).await.unwrap();
    let expected = (0..100_000).filter(|key| value_of(*key).is_some()).count();
    assert_eq!(values.len(), expected);
    assert_eq!(values[&12_345], 123_450);
    assert!(
        !values.contains_key(&7),
        "a missing key is absent, not an error"
    );
    let calls = recorder.calls();
    assert_eq!(calls.len(), 200);
    assert!(calls.iter().all(|call| call.len() == 500));
}

#[tokio::test]
async fn a_key_is_fetched_once_per_batch() {
    let recorder = Recorder::default();
    let loader = BatchLoader::new(recorder.clone());
    let loaded = join_all([3, 4, 3, 3, 4].map(|key| loader.load(key))).await;
    assert_eq!(
        loaded.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
        [Some(30), Some(40), Some(30), Some(30), Some(40)]
    );
    assert_eq!(recorder.calls(), vec![vec![3, 4]]);
    assert_eq!(loader.stats().joined, 3);
}

#[tokio::test]
async fn a_key_asked_for_while_its_batch_runs_waits_for_that_batch() {
    let (recorder, gate) = Recorder::gated();
    let loader = BatchLoader::new(recorder.clone());
    let first = tokio::spawn({
        let loader = loader.clone();
        async move { loader.load(5).await }
    });
    // Let the batch start: it is now blocked at the gate, in flight.
    while recorder.calls().is_empty() {
        tokio::task::yield_now().await;
    }
    let second = tokio::spawn({
        let loader = loader.clone();
        async move { loader.load(5).await }
    });
    tokio::task::yield_now().await;
    gate.add_permits(10);
    assert_eq!(first.await.unwrap().unwrap(), Some(50));
    assert_eq!(second.await.unwrap().unwrap(), Some(50));
    assert_eq!(recorder.calls(), vec![vec![5]], "not fetched twice");
    assert_eq!(loader.stats().joined, 1);
}

#[tokio::test]
async fn a_key_missing_from_the_map_loads_as_none() {
    let loader = BatchLoader::new(Recorder::default());
    assert_eq!(loader.load(14).await.unwrap(), None);
    assert_eq!(loader.load(15).await.unwrap(), Some(150));
}

#[tokio::test]
async fn loaded_keys_come_from_the_cache() {
    let recorder = Recorder::default();
    let loader = BatchLoader::new(recorder.clone());
    loader.load_many([1, 2, 7]).await.unwrap();
    assert_eq!(loader.load(1).await.unwrap(), Some(10));
    assert_eq!(
        loader.load(7).await.unwrap(),
        None,
        "a missing key is cached too"
    );
    assert_eq!(recorder.calls().len(), 1);
    let stats = loader.stats();
    assert_eq!((stats.cache_hits, stats.loads), (2, 5));
}

#[tokio::test]
async fn prime_clear_and_clear_all() {
    let recorder = Recorder::default();
    let loader = BatchLoader::new(recorder.clone());
    loader.prime(1, 999);
    assert_eq!(loader.load(1).await.unwrap(), Some(999));
    assert!(recorder.calls().is_empty(), "a primed key needs no batch");
    loader.clear(&1);
    assert_eq!(loader.load(1).await.unwrap(), Some(10));
    loader.load(2).await.unwrap();
    loader.clear_all();
    loader.load_many([1, 2]).await.unwrap();
    assert_eq!(recorder.calls(), vec![vec![1], vec![2], vec![1, 2]]);
}

#[tokio::test]
async fn without_a_cache_each_batch_fetches_again() {
    let recorder = Recorder::default();
    let config = LoaderConfig::new().with_cache(LoaderCache::Off);
    let loader = BatchLoader::with_config(recorder.clone(), config);
    loader.load(1).await.unwrap();
    loader.load(1).await.unwrap();
    assert_eq!(recorder.calls(), vec![vec![1], vec![1]]);
}

#[tokio::test]
async fn a_bounded_cache_expires_after_its_ttl() {
    let recorder = Recorder::default();
    let bounds = CacheConfig::new()
        .with_capacity(100)
        .with_ttl(Duration::from_millis(100));
    let config = LoaderConfig::new().with_cache(LoaderCache::Bounded(bounds));
    let loader = BatchLoader::with_config(recorder.clone(), config);
    loader.load(1).await.unwrap();
    loader.load(1).await.unwrap();
    assert_eq!(recorder.calls().len(), 1);
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(loader.load(1).await.unwrap(), Some(10));
    assert_eq!(recorder.calls().len(), 2, "expired, so fetched again");
}

#[tokio::test]
async fn a_bounded_cache_holds_at_most_its_capacity() {
    let bounds = CacheConfig::new().with_capacity(10);
    let config = LoaderConfig::new().with_cache(LoaderCache::Bounded(bounds));
    let loader = BatchLoader::with_config(Recorder::default(), config);
    loader.load_many(1..=100).await.unwrap();
    let cache = loader
        .shared_cache()
        .expect("a bounded loader has a moka cache");
    cache.run_pending_tasks();
    assert!(cache.entry_count() <= 10, "{} entries", cache.entry_count());
}

#[tokio::test]
async fn loaders_over_one_shared_cache_fetch_a_key_once() {
    let recorder = Recorder::default();
    let cache = SharedCache::new(CacheConfig::new());
    for _request in 0..3 {
        let loader =
            BatchLoader::with_shared_cache(recorder.clone(), LoaderConfig::new(), cache.clone());
        assert_eq!(loader.load(3).await.unwrap(), Some(30));
    }
    assert_eq!(recorder.calls(), vec![vec![3]]);
    cache.invalidate(&3);
    let loader = BatchLoader::with_shared_cache(recorder.clone(), LoaderConfig::new(), cache);
    loader.load(3).await.unwrap();
    assert_eq!(recorder.calls().len(), 2);
}

#[tokio::test]
async fn stats_count_batches_keys_and_hits() {
    let loader =
        BatchLoader::with_config(Recorder::default(), LoaderConfig::new().with_max_batch(4));
    join_all((1..=10).map(|key| loader.load(key))).await;
    join_all((1..=5).map(|key| loader.load(key))).await;
    let stats = loader.stats();
    assert_eq!(stats.batches, 3);
    assert_eq!(stats.keys_fetched, 10);
    assert!((stats.keys_per_batch() - 10.0 / 3.0).abs() < 1e-9);
    assert_eq!(stats.cache_hits, 5);
    assert_eq!(stats.loads, 15);
}

#[tokio::test]
async fn tuple_keys_batch_like_any_other() {
    use std::collections::HashMap;
    use std::convert::Infallible;
    use unokit::batch::BatchFn;

    struct Translations;
    impl BatchFn for Translations {
        type Key = (u64, String);
        type Value = String;
        type Error = Infallible;
        type Map = HashMap<(u64, String), String>;

        async fn load(&self, keys: &[(u64, String)]) -> Result<Self::Map, Infallible> {
            Ok(keys
                .iter()
                .map(|(id, lang)| ((*id, lang.clone()), format!("{id} in {lang}")))
                .collect())
        }
    }

    let loader = BatchLoader::new(Translations);
    let (a, b) = futures::join!(loader.load((1, "en".into())), loader.load((1, "fr".into())));
    assert_eq!(
        (a.unwrap().unwrap(), b.unwrap().unwrap()),
        ("1 in en".into(), "1 in fr".into())
    );
    assert_eq!(loader.stats().batches, 1);
}
