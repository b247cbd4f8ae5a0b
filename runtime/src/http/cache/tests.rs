//! The tag index and the weigher, below the layer.

use super::builder::{ENTRY_OVERHEAD, weigh};
use super::*;

fn entry(tags: &[&str]) -> Entry {
    Entry {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body: Bytes::from_static(b"body of the entry"),
        etag: key::etag(b"body of the entry"),
        tags: tags.iter().map(|&tag| Arc::from(tag)).collect(),
        ttl: Duration::from_secs(60),
        id: 0,
    }
}

fn key(at: usize) -> Key {
    Key::from(format!("key {at}").into_bytes())
}

#[test]
fn the_tag_index_forgets_evicted_entries() {
    // Room for a few hundred entries: most of the 20 000 are evicted.
    let cache = ResponseCache::builder().max_bytes(256 * 1024).build();
    for at in 0..20_000 {
        let shared = format!("group {}", at % 100);
        let own = format!("own {at}");
        let epoch = cache.epoch();
        cache.store(&key(at), entry(&["all", &shared, &own]), epoch);
    }
    cache.inner.entries.run_pending_tasks();
    let live = usize::try_from(cache.inner.entries.entry_count()).unwrap();
    assert!(live > 0 && live < 1000, "{live} entries");
    assert_eq!(cache.index().indexed(), 3 * live);

    cache.invalidate_tag("all");
    cache.inner.entries.run_pending_tasks();
    assert_eq!(cache.inner.entries.entry_count(), 0);
    assert_eq!(cache.index().indexed(), 0);
}

#[test]
fn a_key_stored_again_keeps_only_its_new_tags() {
    let cache = ResponseCache::new();
    let k = key(1);
    cache.store(&k, entry(&["a", "b"]), cache.epoch());
    cache.store(&k, entry(&["b", "c"]), cache.epoch());
    cache.inner.entries.run_pending_tasks();
    assert_eq!(cache.index().indexed(), 2, "b and c");

    cache.invalidate_tag("a"); // no longer the entry's tag
    assert!(cache.lookup(&k).is_some());
    cache.invalidate_tag("c");
    assert!(cache.lookup(&k).is_none());
    cache.inner.entries.run_pending_tasks();
    assert_eq!(cache.index().indexed(), 0);
}

#[test]
fn an_entry_weighs_at_least_what_it_holds() {
    let k = Key::from(vec![7; 16 * 1024]);
    let mut stored = entry(&["users"]);
    stored.body = Bytes::from(vec![0; 100_000]);
    let weight = usize::try_from(weigh(&k, &stored)).unwrap();
    assert!(weight >= 16 * 1024 + 100_000 + ENTRY_OVERHEAD, "{weight}");
}
