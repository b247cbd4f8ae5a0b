//! `#[cached(max_bytes = …)]`: a cache bounded by what its keys and values
//! weigh, not by how many there are.

use crate::Runs;
use unokit::cache::Weigh;
use unokit::cached;

const KEY_BYTES: usize = 16 * 1024;

static BIG_KEYS: Runs = Runs::new();

#[cached(max_bytes = 1_048_576)]
fn key_length(key: &str) -> usize {
    BIG_KEYS.record();
    key.len()
}

fn big_key(n: usize) -> String {
    let mut key = format!("{n:08}");
    key.push_str(&"k".repeat(KEY_BYTES - key.len()));
    key
}

#[test]
fn sixteen_kib_keys_are_weighed_by_their_size() {
    let cache = key_length_cache();
    assert_eq!(cache.config().max_bytes(), Some(1 << 20));
    for n in 0..10 {
        assert_eq!(key_length(&big_key(n)), KEY_BYTES);
    }
    cache.run_pending_tasks();
    assert_eq!(cache.entry_count(), 10);
    // Each entry counts its 16 KiB key, not 1.
    let weighed = cache.weighted_size();
    assert!(
        weighed >= 10 * KEY_BYTES as u64 && weighed < 10 * (KEY_BYTES as u64 + 1024),
        "10 entries weigh {weighed} bytes"
    );

    for n in 10..1000 {
        assert_eq!(key_length(&big_key(n)), KEY_BYTES);
    }
    cache.run_pending_tasks();
    let (weighed, entries) = (cache.weighted_size(), cache.entry_count());
    assert!(
        weighed <= 1 << 20,
        "{entries} entries weigh {weighed} bytes"
    );
    // 1 MiB holds at most 64 keys of 16 KiB; an entry bound would have kept all 1000.
    assert!((1..=64).contains(&entries), "{entries} entries kept");
    assert_eq!(key_length(&big_key(999)), KEY_BYTES, "a recent key is kept");
}

/// A value type of the user's own, weighed by what it says it holds.
#[derive(Clone)]
pub struct Page {
    lines: Vec<String>,
}

impl Weigh for Page {
    fn heap_bytes(&self) -> usize {
        self.lines.heap_bytes()
    }
}

#[cached(max_bytes = 200_000)]
async fn render(id: u32) -> Page {
    Page {
        lines: vec!["x".repeat(10_000); usize::try_from(id % 4).unwrap() + 1],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_values_are_weighed_by_their_own_weigh() {
    for id in 0..4 {
        assert_eq!(
            render(id).await.lines.len(),
            usize::try_from(id).unwrap() + 1
        );
    }
    render_cache().run_pending_tasks().await;
    let weighed = render_cache().weighted_size();
    // 1 + 2 + 3 + 4 lines of 10 000 bytes.
    assert!(
        (100_000..110_000).contains(&weighed),
        "4 pages weigh {weighed} bytes"
    );
    for id in 4..100 {
        render(id).await;
    }
    render_cache().run_pending_tasks().await;
    assert!(render_cache().weighted_size() <= 200_000);
}

#[cached(max_bytes = 100_000, key = format!("{prefix}/{id}"))]
fn custom_key(prefix: &str, id: u32) -> usize {
    prefix.len() + usize::try_from(id).unwrap()
}

#[test]
fn a_custom_key_is_weighed_too() {
    let prefix = "p".repeat(20_000);
    for id in 0..3 {
        assert_eq!(
            custom_key(&prefix, id),
            20_000 + usize::try_from(id).unwrap()
        );
    }
    custom_key_cache().run_pending_tasks();
    let weighed = custom_key_cache().weighted_size();
    // At least the 20 KB of each key; `format!` may have reserved more.
    assert!(
        (60_000..200_000).contains(&weighed),
        "3 keys of 20 KB weigh {weighed} bytes"
    );
}
