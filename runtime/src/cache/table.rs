//! The table hits read: every entry moka holds, by keyed hash, in sharded maps.
//!
//! Moka owns the entries: its eviction listener takes them out of this table, and
//! the entry's dead flag keeps one that is on its way out from being served. A
//! hit reads here rather than through moka because moka's read may run its
//! maintenance in the reading thread, and that maintenance allocates (its epoch
//! collector's garbage bags): a hit would allocate now and then. Moka still hears
//! of the hits through [`ReadLog`], replayed before each write.
//!
//! A shard is an open-addressing array of `(hash, entry)` slots probed linearly,
//! not a `HashMap`: among many keys a hit misses the processor's caches at each
//! step it takes, and a slot holds the hash it is compared with beside the entry
//! pointer, where hashbrown reads a control byte first and the bucket after it —
//! one dependent miss more per hit. Linear probing keeps the next candidates in
//! the same cache line, and removing shifts the run back instead of leaving
//! tombstones, so that lookups never walk past deleted slots.

use super::entry::Entry;
use super::stats::{STRIPES, stripe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, PoisonError, RwLock};

const SHARDS: usize = 64;
/// A shard is picked by the hash's top 6 bits; a slot by its low bits.
const SHARD_SHIFT: u32 = 64 - SHARDS.trailing_zeros();
/// Slots a shard starts with (a power of two).
const FIRST_SLOTS: usize = 16;

/// One shard, on cache lines of its own: readers of different shards take
/// their locks without writing to a line another shard's readers read.
#[repr(align(128))]
struct Shard<K, V>(RwLock<Slots<K, V>>);

pub(crate) struct Table<K, V> {
    shards: Box<[Shard<K, V>]>,
}

impl<K, V> Table<K, V> {
    pub(crate) fn new() -> Self {
        Self {
            shards: (0..SHARDS)
                .map(|_| Shard(RwLock::new(Slots::new())))
                .collect(),
        }
    }

    #[allow(clippy::cast_possible_truncation)]
    fn shard(&self, hash: u64) -> &RwLock<Slots<K, V>> {
        &self.shards[(hash >> SHARD_SHIFT) as usize].0
    }

    #[inline]
    pub(crate) fn get(&self, hash: u64) -> Option<Arc<Entry<K, V>>> {
        // No user code runs under these locks (entries are dropped after the
        // lock is released): a poisoned lock is used as it is.
        self.shard(hash)
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(hash)
            .cloned()
    }

    /// Puts `entry` under `hash`. An entry moka already let go of (dead) is taken
    /// out again, so that the table never keeps what moka evicted.
    pub(crate) fn insert(&self, hash: u64, entry: &Arc<Entry<K, V>>) {
        let replaced = self
            .shard(hash)
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(hash, Arc::clone(entry));
        // Dropped outside the lock: the last reference runs the key's and the
        // value's drops, which are user code.
        drop(replaced);
        if entry.is_dead() {
            self.remove(hash, entry);
        }
    }

    /// Takes `entry` out if it is still the one under `hash`.
    pub(crate) fn remove(&self, hash: u64, entry: &Arc<Entry<K, V>>) {
        let removed = self
            .shard(hash)
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(hash, entry);
        drop(removed);
    }

    pub(crate) fn clear(&self) {
        for shard in &*self.shards {
            let slots = std::mem::replace(
                &mut *shard.0.write().unwrap_or_else(PoisonError::into_inner),
                Slots::new(),
            );
            drop(slots);
        }
    }
}

/// A slot: an entry and the hash it is stored under, or empty.
type Slot<K, V> = Option<(u64, Arc<Entry<K, V>>)>;

/// A map from hash to entry: a power-of-two array of slots, at most three
/// quarters full, so that a probe always ends at an empty slot.
struct Slots<K, V> {
    slots: Box<[Slot<K, V>]>,
    len: usize,
}

impl<K, V> Slots<K, V> {
    fn new() -> Self {
        Self {
            slots: (0..FIRST_SLOTS).map(|_| None).collect(),
            len: 0,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    #[allow(clippy::cast_possible_truncation)] // The mask keeps fewer bits than a usize.
    fn home(&self, hash: u64) -> usize {
        hash as usize & self.mask()
    }

    /// The index of the slot holding `hash`, if any.
    #[inline]
    fn find(&self, hash: u64) -> Option<usize> {
        let mut at = self.home(hash);
        loop {
            match &self.slots[at] {
                None => return None,
                Some((held, _)) if *held == hash => return Some(at),
                Some(_) => at = (at + 1) & self.mask(),
            }
        }
    }

    #[inline]
    fn get(&self, hash: u64) -> Option<&Arc<Entry<K, V>>> {
        let at = self.find(hash)?;
        self.slots[at].as_ref().map(|(_, entry)| entry)
    }

    /// Stores `entry` under `hash`; returns the entry it replaced.
    fn insert(&mut self, hash: u64, entry: Arc<Entry<K, V>>) -> Option<Arc<Entry<K, V>>> {
        if let Some(at) = self.find(hash) {
            return self.slots[at].replace((hash, entry)).map(|(_, old)| old);
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mut at = self.home(hash);
        while self.slots[at].is_some() {
            at = (at + 1) & self.mask();
        }
        self.slots[at] = Some((hash, entry));
        self.len += 1;
        None
    }

    fn grow(&mut self) {
        let doubled = (0..self.slots.len() * 2).map(|_| None).collect();
        let old = std::mem::replace(&mut self.slots, doubled);
        for (hash, entry) in old.into_vec().into_iter().flatten() {
            let mut at = self.home(hash);
            while self.slots[at].is_some() {
                at = (at + 1) & self.mask();
            }
            self.slots[at] = Some((hash, entry));
        }
    }

    /// Takes `entry` out if it is the one under `hash`, and shifts the slots after
    /// it back so that no probe stops early at the hole.
    fn remove(&mut self, hash: u64, entry: &Arc<Entry<K, V>>) -> Option<Arc<Entry<K, V>>> {
        let mut hole = self.find(hash)?;
        if !self.slots[hole]
            .as_ref()
            .is_some_and(|(_, held)| Arc::ptr_eq(held, entry))
        {
            return None;
        }
        let removed = self.slots[hole].take().map(|(_, held)| held);
        self.len -= 1;
        let mask = self.mask();
        let mut next = (hole + 1) & mask;
        while let Some((held, _)) = &self.slots[next] {
            // The slot may fill the hole if the hole lies between its home and
            // itself: its probe passes the hole before it reaches `next`.
            let home = self.home(*held);
            if (next.wrapping_sub(home) & mask) >= (next.wrapping_sub(hole) & mask) {
                self.slots[hole] = self.slots[next].take();
                hole = next;
            }
            next = (next + 1) & mask;
        }
        removed
    }
}

/// Hashes of recent hits, for moka's eviction policy: a few fixed-size logs, one
/// per thread stripe. A hit that finds its log full is not logged (moka's own read
/// log is lossy the same way); writes replay the logs into moka, which takes its
/// admission and eviction decisions on writes.
///
/// Recording is one atomic add and a store, no lock: a hit races only with a
/// replay, which may then see a slot before its hash is stored and replay the
/// slot's previous hash. That is one read misattributed among many, and a read
/// of a hash moka no longer holds is ignored.
pub(crate) struct ReadLog {
    stripes: Box<[Reads]>,
}

const READS: usize = 64;

#[repr(align(128))]
struct Reads {
    len: AtomicUsize,
    hashes: [AtomicU64; READS],
}

impl ReadLog {
    pub(crate) fn new() -> Self {
        Self {
            stripes: (0..STRIPES)
                .map(|_| Reads {
                    len: AtomicUsize::new(0),
                    hashes: [const { AtomicU64::new(0) }; READS],
                })
                .collect(),
        }
    }

    #[inline]
    pub(crate) fn record(&self, hash: u64) {
        let reads = &self.stripes[stripe()];
        // Checked first, so that a full log is not written at all.
        if reads.len.load(Relaxed) < READS {
            let slot = reads.len.fetch_add(1, Relaxed);
            if let Some(slot) = reads.hashes.get(slot) {
                slot.store(hash, Relaxed);
            }
        }
    }

    /// Takes every logged hash out, passing each to `replay`.
    pub(crate) fn drain(&self, mut replay: impl FnMut(u64)) {
        for reads in &*self.stripes {
            let len = reads.len.swap(0, Relaxed).min(READS);
            reads.hashes[..len]
                .iter()
                .for_each(|hash| replay(hash.load(Relaxed)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::entry::Deadlines;
    use std::collections::HashMap;

    fn entry(value: u64) -> Arc<Entry<u64, u64>> {
        let never = Deadlines {
            expires: None,
            refresh: None,
        };
        Arc::new(Entry::new(value, value, 0, never))
    }

    /// Random inserts, replacements and removals on hashes crowded into few home
    /// slots (long runs that wrap around the array), checked against a `HashMap`
    /// after every step, through growth.
    #[test]
    fn slots_behave_as_a_map() {
        let mut slots = Slots::new();
        let mut model: HashMap<u64, Arc<Entry<u64, u64>>> = HashMap::new();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for step in 0..20_000_u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // 300 hashes on five home slots, three of them the array's last:
            // runs collide and wrap around.
            let key = state % 300;
            let hash = key << 40 | [3, 250, 511, 1023, 0x7FF][(key % 5) as usize];
            match (state >> 32) % 3 {
                0 | 1 => {
                    let new = entry(step);
                    let replaced = slots.insert(hash, Arc::clone(&new));
                    let expected = model.insert(hash, new);
                    assert_eq!(replaced.is_some(), expected.is_some());
                }
                _ => {
                    if let Some(held) = model.get(&hash).cloned() {
                        // Another entry under the same hash is not removed.
                        assert!(slots.remove(hash, &entry(u64::MAX)).is_none());
                        assert!(slots.remove(hash, &held).is_some());
                        model.remove(&hash);
                    } else {
                        assert!(slots.remove(hash, &entry(0)).is_none());
                    }
                }
            }
            assert_eq!(slots.len, model.len());
            if step % 97 == 0 {
                for (hash, held) in &model {
                    assert!(Arc::ptr_eq(slots.get(*hash).expect("present"), held));
                }
            }
            assert!(slots.get(hash ^ 0x10).is_none() || model.contains_key(&(hash ^ 0x10)));
        }
        assert!(slots.slots.len() > FIRST_SLOTS, "the test grew the array");
    }
}
