//! A small table of recently used slots per thread, in front of every cache.
//!
//! Moka records each read in a shared queue and clock, which costs more than the
//! rest of a hit and makes threads reading one hot key contend. A hit in the front
//! table reads the shared slot but writes nothing shared. The slot's dead flag,
//! the cache's generation and the time to live keep a front hit exactly as fresh
//! as a moka hit; every [`REVALIDATE_AFTER`]th hit of an entry goes to moka
//! instead, so that moka's eviction policy still sees how hot the key is.

use super::slot::Slot;
use std::any::Any;
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

const ENTRIES: usize = 128;
const INDEX_SHIFT: u32 = 64 - ENTRIES.trailing_zeros();
pub(crate) const REVALIDATE_AFTER: u32 = 32;

struct Entry {
    owner: usize,
    fingerprint: u64,
    hits: u32,
    slot: Arc<dyn Any + Send + Sync>,
}

struct Table {
    entries: Box<[Cell<Option<Entry>>]>,
}

thread_local! {
    static TABLE: Table = Table {
        entries: (0..ENTRIES).map(|_| Cell::new(None)).collect(),
    };
}

/// A number identifying one cache in every thread's table.
pub(crate) fn new_owner() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Relaxed)
}

#[inline]
#[allow(clippy::cast_possible_truncation)]
fn index(owner: usize, fingerprint: u64) -> usize {
    let mixed = fingerprint ^ (owner as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> INDEX_SHIFT) as usize
}

/// The value `serve` reads from this thread's entry for `fingerprint`, if any.
///
/// The entry is taken out of the table while `serve` runs: `serve` compares and
/// clones user types, whose impls may call back into a cache.
#[inline]
pub(crate) fn lookup<K, V, R>(
    owner: usize,
    fingerprint: u64,
    serve: impl FnOnce(&Slot<K, V>) -> Option<R>,
) -> Option<R>
where
    K: Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    TABLE
        .try_with(|table| {
            let cell = &table.entries[index(owner, fingerprint)];
            let mut entry = cell.take()?;
            if entry.owner != owner
                || entry.fingerprint != fingerprint
                || entry.hits >= REVALIDATE_AFTER
            {
                cell.set(Some(entry));
                return None;
            }
            let served = entry.slot.downcast_ref::<Slot<K, V>>().and_then(serve);
            if served.is_some() {
                entry.hits += 1;
                cell.set(Some(entry));
            }
            served
        })
        .ok()
        .flatten()
}

/// Puts `slot` into this thread's table, replacing whatever shared its place.
pub(crate) fn fill<K, V>(owner: usize, fingerprint: u64, slot: &Arc<Slot<K, V>>)
where
    K: Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    let entry = Entry {
        owner,
        fingerprint,
        hits: 0,
        slot: slot.clone(),
    };
    // During thread teardown there is no table to fill; the next call goes to moka.
    let _ = TABLE.try_with(|table| table.entries[index(owner, fingerprint)].set(Some(entry)));
}
