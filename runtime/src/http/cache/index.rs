//! Which keys carry which tag, and how many invalidations happened.
//!
//! Every operation costs time in proportion to the tags of the entries it
//! touches: entries that moka evicts or expires are reported through a
//! channel (the eviction listener must not take the index's lock: moka may
//! call it while `store` holds it) and removed from their tags' sets on the
//! next store or invalidation, never by sweeping the whole index.

use super::Key;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

/// An entry moka removed: its key, its id and its tags.
pub(crate) struct Evicted {
    pub(crate) key: Key,
    pub(crate) id: u64,
    pub(crate) tags: Arc<[Arc<str>]>,
}

pub(crate) struct Index {
    epoch: u64,
    next_id: u64,
    /// For each tag, its keys and the id of the entry that was indexed under
    /// each: a key stored again (with other tags) must not lose the new
    /// entry's tags when the old entry's eviction is reported.
    by_tag: HashMap<Arc<str>, HashMap<Key, u64>>,
    evicted: Receiver<Evicted>,
}

impl Index {
    pub(crate) fn new(evicted: Receiver<Evicted>) -> Self {
        Self {
            epoch: 0,
            next_id: 0,
            by_tag: HashMap::new(),
            evicted,
        }
    }

    pub(crate) fn epoch(&self) -> u64 {
        self.epoch
    }

    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Indexes the entry `id` under `key` with `tags`.
    pub(crate) fn add(&mut self, key: &Key, tags: &[Arc<str>], id: u64) {
        self.forget_evicted();
        for tag in tags {
            self.by_tag
                .entry(Arc::clone(tag))
                .or_default()
                .insert(Arc::clone(key), id);
        }
    }

    /// Counts an invalidation and returns the keys tagged `tag`.
    pub(crate) fn invalidate_tag(&mut self, tag: &str) -> Vec<Key> {
        self.forget_evicted();
        self.epoch += 1;
        self.by_tag
            .remove(tag)
            .map(|keys| keys.into_keys().collect())
            .unwrap_or_default()
    }

    /// Counts an invalidation and forgets every key.
    pub(crate) fn invalidate_all(&mut self) {
        self.epoch += 1;
        self.by_tag.clear();
        while self.evicted.try_recv().is_ok() {}
    }

    /// Removes the evicted entries from their tags' sets.
    fn forget_evicted(&mut self) {
        while let Ok(evicted) = self.evicted.try_recv() {
            for tag in evicted.tags.iter() {
                let Some(keys) = self.by_tag.get_mut(tag) else {
                    continue;
                };
                if keys.get(&evicted.key) == Some(&evicted.id) {
                    keys.remove(&evicted.key);
                    if keys.is_empty() {
                        self.by_tag.remove(tag);
                    }
                }
            }
        }
    }

    /// Keys indexed, over all tags (for tests).
    #[cfg(test)]
    pub(crate) fn indexed(&mut self) -> usize {
        self.forget_evicted();
        self.by_tag.values().map(HashMap::len).sum()
    }
}
