//! A small table of recently used entries per thread, in front of every cache.
//!
//! Moka records each read in a shared queue and clock, which costs more than the
//! rest of a hit and makes threads reading one hot key contend. A hit in the front
//! table reads the shared entry but writes nothing shared. The entry's dead flag,
//! the cache's generation and the time to live keep a front hit exactly as fresh
//! as a moka hit; every [`REPORT_EVERY`]th hit of an entry is reported to the
//! cache's read log (per thread stripe), so that moka's eviction policy still
//! sees how hot the key is.
//!
//! That report does not go through the shared table: looking the entry up
//! there again would take the shard's lock and the entry's reference count, two
//! writes to lines every thread reading the key shares, and on a hot key read by
//! two threads such writes cost more than the hits between them.

use super::entry::Entry;
use std::any::Any;
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

const LINES: usize = 128;
const INDEX_SHIFT: u32 = 64 - LINES.trailing_zeros();
pub(crate) const REPORT_EVERY: u32 = 32;

/// One line of the table: an entry of one cache, recently used by this thread.
struct Recent {
    owner: usize,
    fingerprint: u64,
    hits: u32,
    entry: Arc<dyn Any + Send + Sync>,
}

/// A line: the entry it holds, and the last key a hit through the shared table
/// proposed for it (see [`admit`]).
struct Line {
    recent: Cell<Option<Recent>>,
    candidate: Cell<(usize, u64)>,
}

struct Table {
    lines: Box<[Line]>,
}

thread_local! {
    static TABLE: Table = Table {
        lines: (0..LINES)
            .map(|_| Line {
                recent: Cell::new(None),
                // No cache is numbered `usize::MAX`.
                candidate: Cell::new((usize::MAX, 0)),
            })
            .collect(),
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

/// The value `serve` reads from this thread's line for `fingerprint`, if any,
/// with the reads to report to moka: [`REPORT_EVERY`] on every
/// [`REPORT_EVERY`]th hit of the line's entry, else 0.
///
/// The line is taken out of the table while `serve` runs: `serve` compares and
/// clones user types, whose impls may call back into a cache.
#[inline]
pub(crate) fn lookup<K, V, R>(
    owner: usize,
    fingerprint: u64,
    serve: impl FnOnce(&Entry<K, V>) -> Option<R>,
) -> Option<(R, u32)>
where
    K: Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    TABLE
        .try_with(|table| {
            let cell = &table.lines[index(owner, fingerprint)].recent;
            let mut recent = cell.take()?;
            if recent.owner != owner || recent.fingerprint != fingerprint {
                cell.set(Some(recent));
                return None;
            }
            let served = recent.entry.downcast_ref::<Entry<K, V>>().and_then(serve);
            let mut report = 0;
            if served.is_some() {
                recent.hits += 1;
                if recent.hits == REPORT_EVERY {
                    recent.hits = 0;
                    report = REPORT_EVERY;
                }
                cell.set(Some(recent));
            }
            served.map(|value| (value, report))
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
    let _ = TABLE.try_with(|table| {
        table.lines[index(owner, fingerprint)]
            .recent
            .set(Some(recent));
    });
}

/// Puts `entry`, just read from the shared table, into this thread's table if its
/// key was proposed for its line the last time too, or if the line already holds
/// it (its held entry could not serve: it was replaced or expired); otherwise
/// only proposes it.
///
/// Replacing a line drops the entry it held, which among many live keys is
/// usually out of the processor's caches: a miss per hit, for a line that the
/// next key would replace again. A key that comes back to its line before another
/// key does is hot enough to pay for it; with one hot key it takes two hits.
pub(crate) fn admit<K, V>(owner: usize, fingerprint: u64, entry: &Arc<Entry<K, V>>)
where
    K: Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    // During thread teardown there is no table to admit to.
    let _ = TABLE.try_with(|table| {
        let line = &table.lines[index(owner, fingerprint)];
        let held = line.recent.take();
        let renew = held
            .as_ref()
            .is_some_and(|held| held.owner == owner && held.fingerprint == fingerprint);
        if renew || line.candidate.get() == (owner, fingerprint) {
            line.candidate.set((usize::MAX, 0));
            // The held entry, if another, is dropped after the line is set again:
            // its drop may run user code that calls back into a cache.
            line.recent.set(Some(Recent {
                owner,
                fingerprint,
                hits: 0,
                entry: entry.clone(),
            }));
            drop(held);
        } else {
            line.candidate.set((owner, fingerprint));
            line.recent.set(held);
        }
    });
}
