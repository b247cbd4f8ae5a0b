//! Which keys are hot: a count-min sketch of reads, kept by a cache with
//! `#[cached(prewarm = N)]`, that refresh-ahead asks before it refreshes a key
//! and that ranks the keys [`AsyncFnCache::hot_keys`](super::AsyncFnCache::hot_keys)
//! exports for pre-warming.
//!
//! Every hit and every miss counts one read, so the long tail — the keys a
//! ranking must tell apart to pre-warm well — is counted exactly (up to the
//! sketch's collisions, which only overestimate). A count is two relaxed adds
//! to lines that threads reading one hot key share: only a cache that asks for
//! the sketch pays for it.
//!
//! Counters are halved once the sketch has taken ten times as many counts as
//! it has columns, so a key that was hot an hour ago and is read no more
//! cools down ("aging", as in TinyLFU).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

/// A key counted at least this many reads in the current window is hot.
pub(crate) const HOT: u32 = 64;

/// Two rows: with four columns per ranked key, a tail key's count is rarely
/// inflated by both of its columns' other keys, and a count costs two stores.
const ROWS: usize = 2;

/// Odd multipliers, one per row, that spread the keyed hash into columns.
const MIXERS: [u64; ROWS] = [0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F];

pub(crate) struct HotKeys {
    /// `ROWS` rows of `columns` counters, one after the other.
    counters: Box<[AtomicU32]>,
    /// `64 - log2(columns)`: a row's column is the top bits of the mixed hash.
    shift: u32,
    /// Counts taken since the last halving.
    taken: AtomicU64,
    /// How many hot keys the cache exports.
    pub(crate) top: usize,
}

impl HotKeys {
    /// A sketch for ranking the `top` hottest keys: four columns per key kept,
    /// at least 1024.
    pub(crate) fn new(top: usize) -> Self {
        let columns = (top.saturating_mul(4)).next_power_of_two().max(1024);
        Self {
            counters: (0..ROWS * columns).map(|_| AtomicU32::new(0)).collect(),
            shift: 64 - columns.trailing_zeros(),
            taken: AtomicU64::new(0),
            top,
        }
    }

    fn columns(&self) -> usize {
        self.counters.len() / ROWS
    }

    #[inline]
    fn slot(&self, row: usize, hash: u64) -> &AtomicU32 {
        #[allow(clippy::cast_possible_truncation)] // `shift` keeps fewer bits than a usize.
        let column = (hash.wrapping_mul(MIXERS[row]) >> self.shift) as usize;
        &self.counters[row * self.columns() + column]
    }

    /// `reads` reads of the key under `hash`: a hit, a miss, or a front
    /// table's round.
    #[inline]
    pub(crate) fn read(&self, hash: u64, reads: u32) {
        self.add(hash, reads);
    }

    fn add(&self, hash: u64, weight: u32) {
        for row in 0..ROWS {
            let slot = self.slot(row, hash);
            // A plain load and store, not a locked add: a count lost to a race
            // between threads is a smaller error than sampling makes already,
            // and the hit path takes no lock-prefixed instruction.
            slot.store(slot.load(Relaxed).saturating_add(weight), Relaxed);
        }
        // Lossy too: the halving comes a little late under contention.
        let taken = self.taken.load(Relaxed) + 1;
        self.taken.store(taken, Relaxed);
        if taken >= 10 * self.columns() as u64 {
            self.taken.store(0, Relaxed);
            self.halve();
        }
    }

    fn halve(&self) {
        for slot in &*self.counters {
            slot.store(slot.load(Relaxed) / 2, Relaxed);
        }
    }

    /// The key's estimated reads in the current window: never fewer than
    /// were counted, more when other keys share all its columns.
    pub(crate) fn estimate(&self, hash: u64) -> u32 {
        (0..ROWS)
            .map(|row| self.slot(row, hash).load(Relaxed))
            .min()
            .unwrap_or(0)
    }

    pub(crate) fn is_hot(&self, hash: u64) -> bool {
        self.estimate(hash) >= HOT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_rank_keys_and_age() {
        let hot = HotKeys::new(100);
        for _ in 0..500 {
            hot.read(1, 1);
        }
        hot.read(2, 1);
        assert!(hot.estimate(1) >= 500);
        assert!(hot.is_hot(1));
        assert!(!hot.is_hot(2));
        hot.halve();
        assert!(hot.estimate(1) >= 250 && hot.estimate(1) < 500);
    }
}
