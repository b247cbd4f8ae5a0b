//! The key guard: never refuses a key that exists (property test, and while
//! rebuilds run under concurrent inserts), and its measured false-positive
//! rate on a million keys is near the target.
#![cfg(feature = "guard")]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use proptest::prelude::*;
use unokit::cache::{GuardError, KeyGuard};

fn guard_over(
    source: Arc<std::sync::Mutex<Vec<u64>>>,
    expected: usize,
    false_pos: f64,
) -> KeyGuard<u64> {
    KeyGuard::new(expected, false_pos, move || {
        let keys = source.lock().unwrap().clone();
        async move { Ok::<_, GuardError>(keys) }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn measured_false_positive_rate_on_a_million_keys_is_within_one_and_a_half_times_the_target()
{
    const KEYS: u64 = 1_000_000;
    const TARGET: f64 = 0.01;
    let guard = KeyGuard::<u64>::new(1_000_000, TARGET, || async {
        Ok::<_, GuardError>((0..KEYS).collect())
    });
    guard.fill().await.unwrap();
    assert!((0..KEYS).all(|key| guard.may_contain(&key)));

    let false_positives = (KEYS..2 * KEYS)
        .filter(|key| guard.may_contain(key))
        .count();
    #[allow(clippy::cast_precision_loss)]
    let rate = false_positives as f64 / KEYS as f64;
    println!("false-positive rate on 1 M absent keys: {rate:.5} (target {TARGET})");
    assert!(rate <= TARGET * 1.5, "rate {rate} against target {TARGET}");
    assert!(
        rate > 0.0,
        "a 1 % filter with no false positive is not the filter asked for"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_key_passes_until_the_first_fill_and_a_failed_fill_keeps_them_passing() {
    let guard = KeyGuard::<String>::new(100, 0.01, || async {
        Err::<Vec<String>, _>("the database is down")
    });
    assert!(guard.may_contain("anything"));
    let error = guard.fill().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the key guard's source failed: the database is down"
    );
    assert!(
        guard.may_contain("anything"),
        "a failed fill must not refuse keys"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_that_fills_up_is_rebuilt_larger_without_refusing_a_present_key() {
    let source = Arc::new(std::sync::Mutex::new((0..1_000).collect::<Vec<u64>>()));
    let guard = guard_over(Arc::clone(&source), 1_000, 0.01);
    guard.fill().await.unwrap();
    assert_eq!(guard.len_and_capacity().1, 1_000);

    // New rows, as a service creates them: in the source first, then the guard.
    for key in 1_000..5_000 {
        source.lock().unwrap().push(key);
        guard.insert(&key);
        assert!(
            guard.may_contain(&key),
            "key {key} refused right after its insert"
        );
    }
    // The rebuilds run in the background; wait for the capacity to grow.
    for _ in 0..200 {
        if guard.len_and_capacity().1 >= 4_000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (len, capacity) = guard.len_and_capacity();
    assert!(
        capacity >= 4_000,
        "never rebuilt: {len} keys in a filter for {capacity}"
    );
    assert!((0..5_000).all(|key| guard.may_contain(&key)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keys_inserted_while_a_slow_rebuild_runs_are_never_refused() {
    let source = Arc::new(std::sync::Mutex::new((0..10_000).collect::<Vec<u64>>()));
    let release = Arc::new(tokio::sync::Notify::new());
    let slow = {
        let source = Arc::clone(&source);
        let release = Arc::clone(&release);
        let first = Arc::new(AtomicBool::new(true));
        KeyGuard::<u64>::new(10_000, 0.01, move || {
            let keys = source.lock().unwrap().clone();
            let release = Arc::clone(&release);
            let first = first.swap(false, Ordering::SeqCst);
            async move {
                // The rebuild holds its snapshot of the source until released,
                // while the writers below insert keys it does not contain.
                if !first {
                    release.notified().await;
                }
                Ok::<_, GuardError>(keys)
            }
        })
    };
    slow.fill().await.unwrap();

    let rebuild = tokio::spawn({
        let guard = slow.clone();
        async move { guard.fill().await }
    });
    let inserted = Arc::new(AtomicU64::new(10_000));
    // The keys whose insert has returned: the only ones a reader may expect.
    let done = Arc::new(std::sync::Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let guard = slow.clone();
            let source = Arc::clone(&source);
            let inserted = Arc::clone(&inserted);
            let done = Arc::clone(&done);
            tokio::spawn(async move {
                for i in 0..2_000 {
                    let key = 1_000_000 * (writer + 1) + i;
                    source.lock().unwrap().push(key);
                    guard.insert(&key);
                    inserted.fetch_add(1, Ordering::SeqCst);
                    done.lock().unwrap().push(key);
                    assert!(guard.may_contain(&key));
                    if i % 256 == 0 {
                        tokio::task::yield_now().await;
                    }
                }
            })
        })
        .collect();
    // A reader checking every key written so far while the swap happens.
    let reader = tokio::spawn({
        let guard = slow.clone();
        let done = Arc::clone(&done);
        async move {
            for _ in 0..50 {
                let keys = done.lock().unwrap().clone();
                assert!((0..10_000).all(|key| guard.may_contain(&key)));
                assert!(keys.iter().all(|key| guard.may_contain(key)));
                tokio::task::yield_now().await;
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(5)).await;
    release.notify_one();
    for writer in writers {
        writer.await.unwrap();
    }
    rebuild.await.unwrap().unwrap();
    reader.await.unwrap();
    let keys = source.lock().unwrap().clone();
    assert_eq!(keys.len() as u64, inserted.load(Ordering::SeqCst));
    assert!(keys.iter().all(|key| slow.may_contain(key)));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Inserts and rebuilds in any order: a key that was added — by the source
    /// or by an insert — is always let through.
    #[test]
    fn an_added_key_is_never_refused(
        initial in proptest::collection::vec(any::<u64>(), 0..200),
        steps in proptest::collection::vec(prop_oneof![
            any::<u64>().prop_map(Some),
            Just(None),
        ], 0..300),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let source = Arc::new(std::sync::Mutex::new(initial.clone()));
            // Sized small so that inserts cross the capacity and rebuild.
            let guard = guard_over(Arc::clone(&source), 16, 0.05);
            guard.fill().await.unwrap();
            for step in &steps {
                match step {
                    Some(key) => {
                        source.lock().unwrap().push(*key);
                        guard.insert(key);
                    }
                    None => guard.fill().await.unwrap(),
                }
                let keys = source.lock().unwrap().clone();
                prop_assert!(keys.iter().all(|key| guard.may_contain(key)));
            }
            Ok(())
        })?;
    }
}
