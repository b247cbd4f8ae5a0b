//! `#[cached(guard = ..)]`: a key the guard refuses returns the "absent" value
//! without a lookup or a run of the body; a key that was added always passes.

use crate::Runs;
use proptest::prelude::*;
use std::sync::{Arc, LazyLock, Mutex};
use unokit::cache::{GuardError, KeyGuard};
use unokit::cached;

/// The user ids that exist, as a `SELECT id FROM users` would give them.
static USERS: LazyLock<KeyGuard<u64>> = LazyLock::new(|| {
    KeyGuard::new(1_000, 0.001, || async {
        Ok::<_, GuardError>((1..=100).collect())
    })
});

static USER_RUNS: Runs = Runs::new();

#[cached(guard = &*USERS)]
fn user(id: u64) -> Option<String> {
    USER_RUNS.record();
    Some(format!("user {id}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_key_never_runs_the_body_and_an_inserted_key_passes() {
    USERS.fill().await.unwrap();
    assert_eq!(user(7), Some("user 7".to_owned()));
    assert_eq!(USER_RUNS.count(), 1);

    // Ids that do not exist: neither the body nor the cache sees them.
    let refused = (1_000_000..1_001_000)
        .filter(|&id| user(id).is_none())
        .count();
    assert!(refused >= 990, "only {refused} of 1000 absent ids refused");
    let stats = user_cache().stats();
    assert_eq!(
        USER_RUNS.count(),
        1 + 1_000 - refused,
        "a refused id ran the body"
    );
    assert_eq!(
        stats.misses as usize,
        1 + 1_000 - refused,
        "a refused id reached the cache"
    );

    // A user created now: inserted into the guard, it passes at once.
    let created = (1_000_000..1_001_000)
        .find(|&id| !USERS.may_contain(&id))
        .unwrap();
    USERS.insert(&created);
    let runs = USER_RUNS.count();
    assert_eq!(user(created), Some(format!("user {created}")));
    assert_eq!(USER_RUNS.count(), runs + 1);
}

static NAMES: LazyLock<KeyGuard<String>> = LazyLock::new(|| {
    KeyGuard::new(100, 0.001, || async {
        Ok::<_, GuardError>(vec!["ada".to_owned(), "grace".to_owned()])
    })
});

static PROFILE_RUNS: Runs = Runs::new();

#[derive(Debug, PartialEq)]
struct DbError;

/// A borrowed key (`&str`) against a guard of its owned form (`String`), on
/// an `async fn` whose misses load through the freshness policies' path.
#[cached(ttl = "1m", refresh_ahead = 0.8, guard = &*NAMES)]
async fn profile(name: &str) -> Result<Option<String>, DbError> {
    PROFILE_RUNS.record();
    Ok(Some(format!("profile of {name}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_result_of_option_returns_ok_none_for_a_refused_key() {
    NAMES.fill().await.unwrap();
    assert_eq!(profile("ada").await, Ok(Some("profile of ada".to_owned())));
    assert_eq!(profile("mallory").await, Ok(None));
    assert_eq!(PROFILE_RUNS.count(), 1);
    NAMES.insert("mallory");
    assert_eq!(
        profile("mallory").await,
        Ok(Some("profile of mallory".to_owned()))
    );
    assert_eq!(PROFILE_RUNS.count(), 2);
}

/// The guard of the property test, replaced for each case.
static CASE_GUARD: Mutex<Option<KeyGuard<u64>>> = Mutex::new(None);

fn case_guard() -> KeyGuard<u64> {
    CASE_GUARD.lock().unwrap().clone().expect("set by the case")
}

#[cached(guard = &case_guard())]
async fn item(id: u64) -> Option<u64> {
    Some(id)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Keys from the source and keys inserted later, across rebuilds: every
    /// one reaches the body through the cached function.
    #[test]
    fn no_added_key_is_refused(
        initial in proptest::collection::vec(any::<u64>(), 0..200),
        inserted in proptest::collection::vec(any::<u64>(), 0..300),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let source = Arc::new(Mutex::new(initial.clone()));
            // Sized small so that inserts cross the capacity and rebuild.
            let guard = KeyGuard::<u64>::new(16, 0.05, {
                let source = Arc::clone(&source);
                move || {
                    let keys = source.lock().unwrap().clone();
                    async move { Ok::<_, GuardError>(keys) }
                }
            });
            guard.fill().await.unwrap();
            *CASE_GUARD.lock().unwrap() = Some(guard.clone());
            item_invalidate_all();
            // New rows, as a service creates them: in the source (which
            // rebuilds read) first, then the guard.
            for key in &inserted {
                source.lock().unwrap().push(*key);
                guard.insert(key);
            }
            for key in initial.iter().chain(&inserted) {
                prop_assert_eq!(item(*key).await, Some(*key));
            }
            Ok(())
        })?;
    }
}
