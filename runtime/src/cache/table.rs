//! The table hits read: every entry moka holds, by keyed hash, in sharded maps.
//!
//! Moka owns the entries: its eviction listener takes them out of this table, and
//! the entry's dead flag keeps one that is on its way out from being served. A
//! hit reads here rather than through moka because moka's read may run its
//! maintenance in the reading thread, and that maintenance allocates (its epoch
//! collector's garbage bags): a hit would allocate now and then. Moka still hears
//! of the hits through [`ReadLog`], replayed before each write.

use super::base::MokaHasher;
use super::entry::Entry;
use super::stats::{STRIPES, stripe};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, PoisonError, RwLock};

const SHARDS: usize = 64;
/// A shard is picked by the 6 bits just below the hash's top 7: hashbrown keys its
/// control bytes by the top 7 bits, which must vary within a shard (if the shard
/// were picked by them, a lookup would compare half the keys of every group it
/// probes), and places entries by the low bits.
const SHARD_SHIFT: u32 = 64 - 7 - SHARDS.trailing_zeros();

type Shard<K, V> = RwLock<HashMap<u64, Arc<Entry<K, V>>, MokaHasher>>;

pub(crate) struct Table<K, V> {
    shards: Box<[Shard<K, V>]>,
}

impl<K, V> Table<K, V> {
    pub(crate) fn new() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
        }
    }

    #[allow(clippy::cast_possible_truncation)]
    fn shard(&self, hash: u64) -> &Shard<K, V> {
        &self.shards[(hash >> SHARD_SHIFT) as usize & (SHARDS - 1)]
    }

    #[inline]
    pub(crate) fn get(&self, hash: u64) -> Option<Arc<Entry<K, V>>> {
        // No user code runs under these locks but a replaced entry's drop, which
        // leaves the map consistent: a poisoned lock is used as it is.
        self.shard(hash)
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&hash)
            .cloned()
    }

    /// Puts `entry` under `hash`. An entry moka already let go of (dead) is taken
    /// out again, so that the table never keeps what moka evicted.
    pub(crate) fn insert(&self, hash: u64, entry: &Arc<Entry<K, V>>) {
        self.shard(hash)
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(hash, Arc::clone(entry));
        if entry.is_dead() {
            self.remove(hash, entry);
        }
    }

    /// Takes `entry` out if it is still the one under `hash`.
    pub(crate) fn remove(&self, hash: u64, entry: &Arc<Entry<K, V>>) {
        let mut shard = self
            .shard(hash)
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if shard
            .get(&hash)
            .is_some_and(|stored| Arc::ptr_eq(stored, entry))
        {
            shard.remove(&hash);
        }
    }

    pub(crate) fn clear(&self) {
        for shard in &self.shards {
            shard
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
        }
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
