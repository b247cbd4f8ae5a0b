//! A small table of recently used entries per thread, in front of every cache.
//!
//! Moka records each read in a shared queue and clock, which costs more than the
//! rest of a hit and makes threads reading one hot key contend. A hit in the front
//! table reads the shared entry but writes nothing shared. The entry's dead flag,
//! the cache's generation and the time to live keep a front hit exactly as fresh
//! as a moka hit; every [`REVALIDATE_AFTER`]th hit of an entry goes to moka
//! instead, so that moka's eviction policy still sees how hot the key is.

use super::entry::Entry;
use std::any::Any;
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

const LINES: usize = 128;
const INDEX_SHIFT: u32 = 64 - LINES.trailing_zeros();
pub(crate) const REVALIDATE_AFTER: u32 = 32;

/// One line of the table: an entry of one cache, recently used by this thread.
struct Recent {
    owner: usize,
    fingerprint: u64,
    hits: u32,
    entry: Arc<dyn Any + Send + Sync>,
}

struct Table {
    lines: Box<[Cell<Option<Recent>>]>,
}

thread_local! {
    static TABLE: Table = Table {
        lines: (0..LINES).map(|_| Cell::new(None)).collect(),
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

/// The value `serve` reads from this thread's line for `fingerprint`, if any.
///
/// The line is taken out of the table while `serve` runs: `serve` compares and
/// clones user types, whose impls may call back into a cache.
#[inline]
pub(crate) fn lookup<K, V, R>(
    owner: usize,
    fingerprint: u64,
    serve: impl FnOnce(&Entry<K, V>) -> Option<R>,
) -> Option<R>
where
    K: Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    TABLE
        .try_with(|table| {
            let cell = &table.lines[index(owner, fingerprint)];
            let mut recent = cell.take()?;
            if recent.owner != owner
                || recent.fingerprint != fingerprint
                || recent.hits >= REVALIDATE_AFTER
            {
                cell.set(Some(recent));
                return None;
            }
            let served = recent.entry.downcast_ref::<Entry<K, V>>().and_then(serve);
            if served.is_some() {
                recent.hits += 1;
                cell.set(Some(recent));
            }
            served
        })
        .ok()
        .flatten()
}

/// Puts `entry` into this thread's table, replacing whatever shared its line.
pub(crate) fn fill<K, V>(owner: usize, fingerprint: u64, entry: &Arc<Entry<K, V>>)
where
    K: Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    let recent = Recent {
        owner,
        fingerprint,
        hits: 0,
        entry: entry.clone(),
    };
    // During thread teardown there is no table to fill; the next call goes to moka.
    let _ = TABLE.try_with(|table| table.lines[index(owner, fingerprint)].set(Some(recent)));
}
