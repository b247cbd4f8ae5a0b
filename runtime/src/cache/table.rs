//! The table that holds the entries, by keyed hash, in sharded maps, and the
//! lock hits read it under.
//!
//! A shard is an open-addressing array of slots probed linearly
//! ([`Slots`]), each holding an entry inline beside the hash it is stored under. Among many keys a hit misses the processor's
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
use super::slots::Slots;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::entry::Deadlines;
    use std::sync::Arc;

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
