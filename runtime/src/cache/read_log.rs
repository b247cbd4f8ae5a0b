//! The hashes of recent hits, which moka hears of on its next write.

use super::stats::{STRIPES, stripe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

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
