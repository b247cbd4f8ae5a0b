//! The generated companions: invalidate, invalidate_all, prime, uncached, cache.

use crate::Runs;
use unokit::cached;

static SYNC: Runs = Runs::new();

#[cached]
fn greeting(name: &str) -> String {
    SYNC.record();
    format!("hello {name}")
}

#[test]
fn sync_companions() {
    assert_eq!(greeting("ada"), "hello ada");
    assert_eq!(greeting("bob"), "hello bob");

    greeting_invalidate("ada");
    assert_eq!(greeting("ada"), "hello ada");
    assert_eq!(SYNC.count(), 3, "invalidate removes one key");
    assert_eq!(greeting("bob"), "hello bob");
    assert_eq!(SYNC.count(), 3, "and leaves the others");

    greeting_prime("cy", "hi cy".to_owned());
    assert_eq!(greeting("cy"), "hi cy");
    greeting_prime("ada", "hey ada".to_owned());
    assert_eq!(greeting("ada"), "hey ada", "prime replaces a cached value");
    assert_eq!(SYNC.count(), 3);

    assert_eq!(greeting_uncached("ada"), "hello ada");
    assert_eq!(
        greeting("ada"),
        "hey ada",
        "uncached leaves the cache alone"
    );
    assert_eq!(SYNC.count(), 4);

    greeting_invalidate_all();
    greeting("ada");
    greeting("bob");
    greeting("cy");
    assert_eq!(SYNC.count(), 7, "invalidate_all removes every key");

    let stats = greeting_cache().stats();
    assert_eq!(
        (stats.hits, stats.misses),
        (4, 6),
        "uncached calls are not counted"
    );
}

static ASYNC: Runs = Runs::new();

#[cached]
async fn score(player: u32) -> u64 {
    ASYNC.record();
    u64::from(player) * 10
}

#[tokio::test]
async fn async_companions_are_async() {
    assert_eq!(score(1).await, 10);
    score_prime(2, 99).await;
    assert_eq!(score(2).await, 99);
    score_invalidate(1).await;
    assert_eq!(score(1).await, 10);
    assert_eq!(ASYNC.count(), 2);
    score_invalidate_all();
    assert_eq!(score(2).await, 20);
    assert_eq!(score_uncached(3).await, 30);
    assert_eq!(ASYNC.count(), 4);
    score_cache().run_pending_tasks().await;
    assert_eq!(
        score_cache().entry_count(),
        1,
        "only score(2) was cached since invalidate_all"
    );
}

static CROSS_THREAD: Runs = Runs::new();

#[cached]
fn shared_value(key: u8) -> String {
    CROSS_THREAD.record();
    format!("computed {key}")
}

/// A change made on another thread is seen at once.
#[test]
fn changes_on_one_thread_are_seen_by_another() {
    let on_other_thread = |change: fn()| std::thread::spawn(change).join().unwrap();
    assert_eq!(shared_value(1), "computed 1");
    assert_eq!(shared_value(1), "computed 1");

    on_other_thread(|| shared_value_prime(1, "primed".to_owned()));
    assert_eq!(shared_value(1), "primed");

    on_other_thread(|| shared_value_invalidate(1));
    assert_eq!(shared_value(1), "computed 1");
    assert_eq!(CROSS_THREAD.count(), 2);

    on_other_thread(shared_value_invalidate_all);
    assert_eq!(shared_value(1), "computed 1");
    assert_eq!(CROSS_THREAD.count(), 3);
}

pub mod visibility {
    use unokit::cached;

    #[cached]
    pub(crate) fn shout(word: &str) -> String {
        word.to_uppercase()
    }
}

#[test]
fn companions_share_the_functions_visibility() {
    assert_eq!(visibility::shout("a"), "A");
    visibility::shout_invalidate("a");
    visibility::shout_prime("b", "bee".into());
    assert_eq!(visibility::shout("b"), "bee");
    assert_eq!(visibility::shout_cache().stats().hits, 1);
}
