//! The freshness policies of `#[batch_load]`'s moka cache (`ttl` given):
//! `jitter` spreads expiry, `stale_if_error` serves expired values when a batch
//! fails, for `error_backoff` without asking again. Short real durations, on
//! multi-thread runtimes.

use futures::future::join;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;
use unokit::batch::{LoadError, SharedCache};
use unokit::batch_load;
use unokit::cache::CacheConfig;

/// A data source that can go down, recording the keys of every call.
#[derive(Default)]
struct Source {
    down: AtomicBool,
    version: AtomicUsize,
    /// How long a call of `refreshed` takes, in milliseconds.
    delay: AtomicUsize,
    asked: Mutex<Vec<Vec<i64>>>,
}

impl Source {
    fn fetch(&self, ids: &[i64]) -> Result<HashMap<i64, String>, String> {
        self.asked.lock().unwrap().push(ids.to_vec());
        if self.down.load(Relaxed) {
            return Err("source down".to_owned());
        }
        let version = self.version.load(Relaxed);
        Ok(ids
            .iter()
            .map(|id| (*id, format!("v{version} {id}")))
            .collect())
    }

    fn calls(&self) -> usize {
        self.asked.lock().unwrap().len()
    }

    fn last_keys(&self) -> usize {
        self.asked.lock().unwrap().last().map_or(0, Vec::len)
    }
}

#[batch_load(ttl = "300ms", stale_if_error = "10s", error_backoff = "500ms")]
async fn prices(#[ctx] source: &Arc<Source>, ids: &[i64]) -> Result<HashMap<i64, String>, String> {
    source.fetch(ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_batch_serves_stale_values_backs_off_and_recovers() {
    let source = Arc::new(Source::default());
    let loader = PricesLoader::new(Arc::clone(&source));
    assert_eq!(loader.load(1).await.unwrap().as_deref(), Some("v0 1"));
    assert_eq!(source.calls(), 1);

    tokio::time::sleep(Duration::from_millis(400)).await; // past the ttl
    source.down.store(true, Relaxed);
    // One batch for both keys: 1 has a stale value, 2 has none.
    let (one, two) = join(loader.load(1), loader.load(2)).await;
    assert_eq!(
        source.calls(),
        2,
        "the expired key is asked for again: {:?}",
        source.asked.lock().unwrap()
    );
    assert_eq!(source.last_keys(), 2, "both keys in one batch");
    assert_eq!(
        one.unwrap().as_deref(),
        Some("v0 1"),
        "stale instead of the error"
    );
    assert!(
        matches!(two, Err(LoadError::Batch(_))),
        "nothing stale: the error"
    );

    // Within the back-off: the stale value, without a batch.
    assert_eq!(loader.load(1).await.unwrap().as_deref(), Some("v0 1"));
    assert_eq!(
        source.calls(),
        2,
        "a failed key is not asked again before the back-off"
    );
    // A key without a stale value is asked again at once.
    assert!(loader.load(2).await.is_err());
    assert_eq!(source.calls(), 3);

    tokio::time::sleep(Duration::from_millis(600)).await; // past the back-off
    source.down.store(false, Relaxed);
    source.version.store(1, Relaxed);
    assert_eq!(
        loader.load(1).await.unwrap().as_deref(),
        Some("v1 1"),
        "recovered"
    );
    assert_eq!(loader.load(2).await.unwrap().as_deref(), Some("v1 2"));
    assert_eq!(source.calls(), 5, "each key fetched again");
    assert_eq!(loader.load(1).await.unwrap().as_deref(), Some("v1 1"));
    assert_eq!(source.calls(), 5, "the fresh value is cached again");
}

#[batch_load(ttl = "200ms", stale_if_error = "300ms")]
async fn short_window(
    #[ctx] source: &Arc<Source>,
    ids: &[i64],
) -> Result<HashMap<i64, String>, String> {
    source.fetch(ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_older_than_the_window_is_not_served() {
    let source = Arc::new(Source::default());
    let loader = ShortWindowLoader::new(Arc::clone(&source));
    loader.load(1).await.unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await; // past ttl + window
    source.down.store(true, Relaxed);
    assert!(matches!(loader.load(1).await, Err(LoadError::Batch(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_cache_serves_stale_values_to_the_next_request() {
    let source = Arc::new(Source::default());
    let cache = SharedCache::new(
        CacheConfig::new()
            .with_ttl(Duration::from_millis(200))
            .with_stale_if_error(Duration::from_secs(10)),
    );
    let first = ShortWindowLoader::with_shared_cache(Arc::clone(&source), cache.clone());
    first.load(7).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    source.down.store(true, Relaxed);
    let second = ShortWindowLoader::with_shared_cache(Arc::clone(&source), cache);
    assert_eq!(second.load(7).await.unwrap().as_deref(), Some("v0 7"));
    assert_eq!(
        source.calls(),
        2,
        "the next request asked, failed, and got the stale value"
    );
}

#[batch_load(ttl = "2s", jitter = "20%")]
async fn jittered(
    #[ctx] source: &Arc<Source>,
    ids: &[i64],
) -> Result<HashMap<i64, String>, String> {
    source.fetch(ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_loaded_together_expire_apart() {
    let source = Arc::new(Source::default());
    let loader = JitteredLoader::new(Arc::clone(&source));
    let keys: Vec<i64> = (0..200).collect();
    assert_eq!(loader.load_many(keys.clone()).await.unwrap().len(), 200);
    assert_eq!(source.calls(), 1);

    // Every value lives between 1.6 s and 2.4 s.
    tokio::time::sleep(Duration::from_secs(1)).await;
    loader.load_many(keys.clone()).await.unwrap();
    assert_eq!(source.calls(), 1, "none expired before 80% of the ttl");

    tokio::time::sleep(Duration::from_secs(1)).await; // at the ttl itself
    loader.load_many(keys.clone()).await.unwrap();
    assert_eq!(source.calls(), 2);
    let expired = source.last_keys();
    assert!(
        (1..200).contains(&expired),
        "some expired and some did not, not all at once: {expired} of 200"
    );

    tokio::time::sleep(Duration::from_millis(700)).await; // past 120% of the ttl
    source.asked.lock().unwrap().clear();
    loader.load_many(keys.clone()).await.unwrap();
    // The ones reloaded at 2 s are fresh; every other one has expired by now.
    assert_eq!(source.last_keys(), 200 - expired);
}

#[batch_load(ttl = "1s", refresh_ahead = 0.5)]
async fn refreshed(
    #[ctx] source: &Arc<Source>,
    ids: &[i64],
) -> Result<HashMap<i64, String>, String> {
    let delay = source.delay.load(Relaxed) as u64;
    tokio::time::sleep(Duration::from_millis(delay)).await;
    source.fetch(ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_past_the_refresh_point_answers_from_the_cache_and_reloads_once() {
    let source = Arc::new(Source::default());
    let loader = RefreshedLoader::new(Arc::clone(&source));
    loader.load(1).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(loader.load(1).await.unwrap().as_deref(), Some("v0 1"));
    assert_eq!(source.calls(), 1, "before the refresh point: a plain hit");

    source.version.store(1, Relaxed);
    source.delay.store(300, Relaxed); // a slow source
    tokio::time::sleep(Duration::from_millis(400)).await; // past 50% of the ttl
    // Two loads at once, then one more: each answered from the cache at once.
    let started = std::time::Instant::now();
    let (a, b) = join(loader.load(1), loader.load(1)).await;
    let c = loader.load(1).await;
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "no load waits for the refresh"
    );
    for loaded in [a, b, c] {
        assert_eq!(loaded.unwrap().as_deref(), Some("v0 1"));
    }
    tokio::time::sleep(Duration::from_millis(450)).await; // the refresh has run
    assert_eq!(source.calls(), 2, "reloaded once, in the background");
    assert_eq!(
        loader.load(1).await.unwrap().as_deref(),
        Some("v1 1"),
        "the new value is cached"
    );
    assert_eq!(source.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_is_not_retried_and_the_value_expires_as_usual() {
    let source = Arc::new(Source::default());
    let loader = RefreshedLoader::new(Arc::clone(&source));
    loader.load(1).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await; // past the refresh point
    source.down.store(true, Relaxed);
    assert_eq!(loader.load(1).await.unwrap().as_deref(), Some("v0 1"));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(source.calls(), 2, "the refresh ran, and failed");
    assert_eq!(loader.load(1).await.unwrap().as_deref(), Some("v0 1"));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(source.calls(), 2, "a value is refreshed once");
    tokio::time::sleep(Duration::from_millis(400)).await; // past the ttl
    assert!(matches!(loader.load(1).await, Err(LoadError::Batch(_))));
    assert_eq!(source.calls(), 3);
}
