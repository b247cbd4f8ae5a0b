//! The table that holds the entries, by keyed hash, in sharded maps, and the
//! lock hits read it under.
//!
//! A shard is an open-addressing array of slots probed linearly, each holding
//! an entry inline beside the hash it is stored under. Among many keys a hit misses the processor's
//! caches at each dependent step it takes; with the entry inline, a hit reads
//! the slot and then only what the key and value point to (a `String`'s text),
//! as a `HashMap` does. Linear probing keeps the next candidates in the same
//! cache lines, and removing shifts the run back instead of leaving tombstones,
//! so that lookups never walk past deleted slots.
//!
//! Moka keeps only the entries' [`Stamp`](super::entry::Stamp)s, for its
//! eviction policy: its listener takes an entry out here. A hit never calls
//! moka, whose read may run its maintenance in the reading thread, and that
//! maintenance allocates (its epoch collector's garbage bags); moka hears of
//! hits through the [`ReadLog`](super::read_log::ReadLog), replayed before
//! each write.
//!
//! Each shard is guarded by a reader-writer lock whose readers count themselves
//! in a row of counters per thread stripe ([`Row`]): a hit writes only to its
//! own thread's row, so threads reading one hot key write nothing they share,
//! and reads scale with threads. A writer raises the shard's flag and waits for
//! every row's count of the shard to drop to zero; writes are the misses,
//! replacements and evictions, each a few dozen loads more than a plain lock's.
//!
//! A hit compares the key and clones the value under the read lock. If either
//! calls back into the same cache, a read of the shard it is reading goes
//! through; a write to it would wait for itself, so it panics instead.

// The shards' slots are shared under a lock of this module's own; each access
// is under its `SAFETY` comment.
#![allow(unsafe_code)]

use super::entry::Entry;
use super::stats::{STRIPES, stripe};
use std::cell::{Cell, UnsafeCell};
use std::sync::atomic::{
    AtomicBool, AtomicU32,
    Ordering::{Relaxed, Release, SeqCst},
};
use std::sync::{Mutex, PoisonError};

const SHARDS: usize = 64;
/// A shard is picked by the hash's top 6 bits; a slot by its low bits.
const SHARD_SHIFT: u32 = 64 - SHARDS.trailing_zeros();
/// Slots a shard starts with (a power of two).
const FIRST_SLOTS: usize = 16;

/// One shard, on cache lines of its own: the flag its readers check beside the
/// slots they read next.
#[repr(align(128))]
struct Shard<K, V> {
    writing: AtomicBool,
    slots: UnsafeCell<Slots<K, V>>,
    /// One writer at a time.
    writers: Mutex<()>,
}

/// How many readers each thread stripe has in each shard: a row per stripe, on
/// lines of its own.
#[repr(align(128))]
struct Row([AtomicU32; SHARDS]);

pub(crate) struct Table<K, V> {
    shards: Box<[Shard<K, V>]>,
    readers: Box<[Row]>,
}

// SAFETY: the slots are read under the read lock and written under the write
// lock (`Read` and `Write`); entries move between threads as in a `RwLock`.
unsafe impl<K: Send + Sync, V: Send + Sync> Sync for Table<K, V> {}

thread_local! {
    /// The shard this thread is reading, if any, to refuse a write to it.
    static READING: Cell<usize> = const { Cell::new(0) };
}

impl<K, V> Table<K, V> {
    pub(crate) fn new() -> Self {
        Self {
            shards: (0..SHARDS)
                .map(|_| Shard {
                    writing: AtomicBool::new(false),
                    slots: UnsafeCell::new(Slots::new()),
                    writers: Mutex::new(()),
                })
                .collect(),
            readers: (0..STRIPES)
                .map(|_| Row([const { AtomicU32::new(0) }; SHARDS]))
                .collect(),
        }
    }

    #[allow(clippy::cast_possible_truncation)]
    fn shard_of(hash: u64) -> usize {
        (hash >> SHARD_SHIFT) as usize
    }

    /// Runs `read` on the entry under `hash`, if there is one, under the read lock.
    #[inline]
    pub(crate) fn read<R>(&self, hash: u64, read: impl FnOnce(&Entry<K, V>) -> R) -> Option<R> {
        let reading = self.lock_read(Self::shard_of(hash));
        reading.slots().get(hash).map(read)
    }

    /// Runs `visit` on every entry, one shard at a time under its read lock.
    pub(crate) fn for_each(&self, mut visit: impl FnMut(u64, &Entry<K, V>)) {
        for shard in 0..SHARDS {
            let reading = self.lock_read(shard);
            reading
                .slots()
                .iter()
                .for_each(|(hash, entry)| visit(hash, entry));
        }
    }

    /// Puts `entry` under `hash`, replacing what was there.
    pub(crate) fn insert(&self, hash: u64, entry: Entry<K, V>) {
        let replaced = self
            .lock_write(Self::shard_of(hash))
            .slots()
            .insert(hash, entry);
        // Dropped outside the lock: the key's and the value's drops are user code.
        drop(replaced);
    }

    /// Takes the entry under `hash` out if it is the one numbered `id`.
    pub(crate) fn remove(&self, hash: u64, id: u64) {
        let removed = self
            .lock_write(Self::shard_of(hash))
            .slots()
            .remove(hash, id);
        drop(removed);
    }

    pub(crate) fn clear(&self) {
        for shard in 0..SHARDS {
            let slots = std::mem::replace(self.lock_write(shard).slots(), Slots::new());
            drop(slots);
        }
    }

    #[inline]
    fn lock_read(&self, shard: usize) -> Read<'_, K, V> {
        let count = &self.readers[stripe()].0[shard];
        let shard = &self.shards[shard];
        let address = std::ptr::from_ref(shard) as usize;
        if READING.get() == address {
            // A read inside a read of the same shard (a `Clone` that reads its
            // own cache): a writer waits for the outer read, so none is writing,
            // and waiting for one that raised its flag would wait forever.
            count.fetch_add(1, SeqCst);
            return Read {
                shard,
                count,
                outer: address,
            };
        }
        loop {
            // SeqCst here and in `lock_write`: either this reader sees the flag,
            // or the writer sees this reader's count.
            count.fetch_add(1, SeqCst);
            if !shard.writing.load(SeqCst) {
                break;
            }
            count.fetch_sub(1, Release);
            while shard.writing.load(Relaxed) {
                std::thread::yield_now();
            }
        }
        let outer = READING.replace(address);
        Read {
            shard,
            count,
            outer,
        }
    }

    fn lock_write(&self, at: usize) -> Write<'_, K, V> {
        let shard = &self.shards[at];
        assert_ne!(
            READING.get(),
            std::ptr::from_ref(shard) as usize,
            "a cached key's `key_eq` or value's `Clone` wrote to its own cache"
        );
        // No user code runs while the lock is held: a poisoned one is used as it is.
        let one_writer = shard.writers.lock().unwrap_or_else(PoisonError::into_inner);
        shard.writing.store(true, SeqCst);
        for row in &*self.readers {
            let mut spins = 0_u32;
            while row.0[at].load(SeqCst) != 0 {
                spins += 1;
                if spins < 64 {
                    std::hint::spin_loop();
                } else {
                    std::thread::yield_now();
                }
            }
        }
        Write {
            shard,
            _one_writer: one_writer,
        }
    }
}

/// A shard read-locked.
struct Read<'a, K, V> {
    shard: &'a Shard<K, V>,
    count: &'a AtomicU32,
    outer: usize,
}

impl<K, V> Read<'_, K, V> {
    fn slots(&self) -> &Slots<K, V> {
        // SAFETY: no writer holds the shard while this reader is counted.
        unsafe { &*self.shard.slots.get() }
    }
}

impl<K, V> Drop for Read<'_, K, V> {
    #[inline]
    fn drop(&mut self) {
        READING.set(self.outer);
        self.count.fetch_sub(1, Release);
    }
}

/// A shard write-locked.
struct Write<'a, K, V> {
    shard: &'a Shard<K, V>,
    _one_writer: std::sync::MutexGuard<'a, ()>,
}

impl<K, V> Write<'_, K, V> {
    #[allow(clippy::mut_from_ref)]
    fn slots(&mut self) -> &mut Slots<K, V> {
        // SAFETY: the one writer, and every reader has left (`lock_write`).
        unsafe { &mut *self.shard.slots.get() }
    }
}

impl<K, V> Drop for Write<'_, K, V> {
    fn drop(&mut self) {
        self.shard.writing.store(false, Release);
    }
}

/// A slot: an entry and the tag of the hash it is stored under, or empty
/// (tag 0, no entry).
///
/// The tag comes first and says whether the slot is full: a probe reads the
/// slot's first line, not also the line where the entry's `Option` keeps its
/// niche. Slots are aligned to 32 bytes, so that one of up to 64 bytes never
/// spans more lines than it must, wherever the allocator puts the array.
#[repr(C, align(32))]
struct Slot<K, V> {
    tag: u64,
    entry: Option<Entry<K, V>>,
}

/// A hash as a slot's tag: never 0, which marks an empty slot. Hashes 0 and 1
/// share a tag, and so a probe; the key tells them apart.
#[inline]
fn tag(hash: u64) -> u64 {
    hash | u64::from(hash == 0)
}

const EMPTY: u64 = 0;

/// A map from hash to entry: a power-of-two array of slots, at most three
/// quarters full, so that a probe always ends at an empty slot.
struct Slots<K, V> {
    slots: Box<[Slot<K, V>]>,
    len: usize,
}

impl<K, V> Slots<K, V> {
    fn new() -> Self {
        Self::empty(FIRST_SLOTS)
    }

    fn empty(slots: usize) -> Self {
        Self {
            slots: (0..slots)
                .map(|_| Slot {
                    tag: EMPTY,
                    entry: None,
                })
                .collect(),
            len: 0,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    #[allow(clippy::cast_possible_truncation)] // The mask keeps fewer bits than a usize.
    fn home(&self, tag: u64) -> usize {
        tag as usize & self.mask()
    }

    /// The index of the slot whose tag is `tag`, if any.
    #[inline]
    fn find(&self, tag: u64) -> Option<usize> {
        let mut at = self.home(tag);
        loop {
            match self.slots[at].tag {
                EMPTY => return None,
                held if held == tag => return Some(at),
                _ => at = (at + 1) & self.mask(),
            }
        }
    }

    #[inline]
    fn get(&self, hash: u64) -> Option<&Entry<K, V>> {
        let at = self.find(tag(hash))?;
        self.slots[at].entry.as_ref()
    }

    /// The first empty slot of `tag`'s probe.
    fn vacancy(&self, tag: u64) -> usize {
        let mut at = self.home(tag);
        while self.slots[at].tag != EMPTY {
            at = (at + 1) & self.mask();
        }
        at
    }

    /// Stores `entry` under `hash`; returns the entry it replaced.
    fn insert(&mut self, hash: u64, entry: Entry<K, V>) -> Option<Entry<K, V>> {
        let tag = tag(hash);
        if let Some(at) = self.find(tag) {
            return self.slots[at].entry.replace(entry);
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let at = self.vacancy(tag);
        self.slots[at] = Slot {
            tag,
            entry: Some(entry),
        };
        self.len += 1;
        None
    }

    fn grow(&mut self) {
        let doubled = Self::empty(self.slots.len() * 2).slots;
        let old = std::mem::replace(&mut self.slots, doubled);
        for slot in old {
            if slot.tag != EMPTY {
                let at = self.vacancy(slot.tag);
                self.slots[at] = slot;
            }
        }
    }

    /// Takes the entry under `hash` out if it is the one numbered `id`, and shifts
    /// the slots after it back so that no probe stops early at the hole.
    fn remove(&mut self, hash: u64, id: u64) -> Option<Entry<K, V>> {
        let mut hole = self.find(tag(hash))?;
        if self.slots[hole]
            .entry
            .as_ref()
            .is_none_or(|held| held.id != id)
        {
            return None;
        }
        self.slots[hole].tag = EMPTY;
        let removed = self.slots[hole].entry.take();
        self.len -= 1;
        let mask = self.mask();
        let mut next = (hole + 1) & mask;
        while self.slots[next].tag != EMPTY {
            // The slot may fill the hole if the hole lies between its home and
            // itself: its probe passes the hole before it reaches `next`.
            let home = self.home(self.slots[next].tag);
            if (next.wrapping_sub(home) & mask) >= (next.wrapping_sub(hole) & mask) {
                self.slots.swap(hole, next);
                hole = next;
            }
            next = (next + 1) & mask;
        }
        removed
    }

    /// Every entry with its tag (its hash, but 0 reads 1).
    fn iter(&self) -> impl Iterator<Item = (u64, &Entry<K, V>)> {
        self.slots
            .iter()
            .filter_map(|slot| slot.entry.as_ref().map(|entry| (slot.tag, entry)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::entry::Deadlines;
    use std::collections::HashMap;
    use std::sync::Arc;

    fn entry(value: u64) -> Entry<u64, u64> {
        let never = Deadlines {
            expires: None,
            refresh: None,
        };
        Entry::new(value, value, 0, never)
    }

    /// Random inserts, replacements and removals on hashes crowded into few home
    /// slots (long runs that wrap around the array), checked against a `HashMap`
    /// of the entries' ids after every step, through growth.
    #[test]
    fn slots_behave_as_a_map() {
        let mut slots = Slots::new();
        let mut model: HashMap<u64, u64> = HashMap::new();
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
                    let id = new.id;
                    let replaced = slots.insert(hash, new);
                    let expected = model.insert(hash, id);
                    assert_eq!(replaced.map(|old| old.id), expected);
                }
                _ => {
                    if let Some(held) = model.get(&hash).copied() {
                        // Another entry under the same hash is not removed.
                        assert!(slots.remove(hash, u64::MAX).is_none());
                        assert_eq!(slots.remove(hash, held).map(|old| old.id), Some(held));
                        model.remove(&hash);
                    } else {
                        assert!(slots.remove(hash, 0).is_none());
                    }
                }
            }
            assert_eq!(slots.len, model.len());
            if step % 97 == 0 {
                for (hash, held) in &model {
                    assert_eq!(slots.get(*hash).expect("present").id, *held);
                }
            }
            assert!(slots.get(hash ^ 0x10).is_none() || model.contains_key(&(hash ^ 0x10)));
        }
        assert!(slots.slots.len() > FIRST_SLOTS, "the test grew the array");
    }

    /// Readers on several threads read each value as it was stored, through
    /// growth and removals; a reader waits for a writer and a writer for the
    /// readers; a read inside a read of the same shard goes through while a
    /// writer waits; a reader that writes to the shard it reads panics instead
    /// of waiting for itself.
    #[test]
    fn readers_and_writers_exclude_each_other() {
        let table = Arc::new(Table::<u64, Vec<u64>>::new());
        let never = || Deadlines {
            expires: None,
            refresh: None,
        };
        std::thread::scope(|scope| {
            for reader in 0..3_u64 {
                let table = Arc::clone(&table);
                scope.spawn(move || {
                    for round in 0..200_000_u64 {
                        let key = (round * 7 + reader) % 512;
                        let hash = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
                        if let Some(value) = table.read(hash, |entry| entry.value.clone()) {
                            assert!(value.iter().all(|part| *part == key), "{value:?}");
                        }
                    }
                });
            }
            for round in 0..20_000_u64 {
                let key = round % 512;
                let hash = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
                if round % 5 == 0 {
                    let id = table.read(hash, |entry| entry.id);
                    table.remove(hash, id.unwrap_or(u64::MAX));
                } else {
                    let len = usize::try_from(round % 7).expect("small");
                    table.insert(hash, Entry::new(key, vec![key; len], 0, never()));
                }
            }
        });
        let hash = 1_u64;
        table.insert(hash, Entry::new(1, vec![1], 0, never()));
        // A read inside a read of the same shard, while a writer waits for the
        // outer one, goes through instead of waiting for the writer.
        std::thread::scope(|scope| {
            table.read(hash, |_| {
                let writer = scope.spawn(|| table.insert(hash, Entry::new(1, vec![1], 0, never())));
                while !table.shards[Table::<u64, Vec<u64>>::shard_of(hash)]
                    .writing
                    .load(SeqCst)
                {
                    std::thread::yield_now();
                }
                assert_eq!(table.read(hash, |entry| entry.value.len()), Some(1));
                assert!(!writer.is_finished(), "the writer waits for the reader");
            });
        });
        // A reader waits for a writer that holds the shard.
        std::thread::scope(|scope| {
            let writing = table.lock_write(Table::<u64, Vec<u64>>::shard_of(hash));
            let reader = scope.spawn(|| table.read(hash, |entry| entry.value.clone()));
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(!reader.is_finished(), "the reader waits for the writer");
            drop(writing);
            assert_eq!(reader.join().expect("no panic"), Some(vec![1]));
        });
        let reentered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            table.read(hash, |_| table.remove(hash, 0));
        }));
        assert!(
            reentered.is_err(),
            "a write under the same shard's read lock panics"
        );
        // The panic left the lock usable.
        assert_eq!(table.read(hash, |entry| entry.value.clone()), Some(vec![1]));
    }
}
