//! Moka's eviction hears of hits that never reach it: hits served by the table
//! are logged and replayed into moka before its next write, so a hot key
//! outlives a stream of cold ones.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use unokit::cached;

static COMPUTED: AtomicUsize = AtomicUsize::new(0);

#[cached(capacity = 10)]
fn square(n: u64) -> u64 {
    COMPUTED.fetch_add(1, Relaxed);
    n * n
}

const HOT: u64 = 1_000_000;

#[test]
fn a_hot_key_outlives_cold_ones() {
    square(HOT);
    square_cache().run_pending_tasks();
    for round in 0..50 {
        // The hot key's hits read the table, which logs them for moka.
        for _ in 0..100 {
            assert_eq!(square(HOT), HOT * HOT);
        }
        // Cold keys, each used once: each insert replays the log first.
        square(round);
        square_cache().run_pending_tasks();
    }
    let computed = COMPUTED.load(Relaxed);
    assert_eq!(square(HOT), HOT * HOT);
    assert_eq!(
        COMPUTED.load(Relaxed),
        computed,
        "the hot key was evicted for cold keys"
    );
    assert_eq!(computed, 51, "the hot key was computed once");
    assert!(square_cache().entry_count() <= 10);
}
