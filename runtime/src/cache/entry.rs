//! One cached result and what decides whether it may still be served.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// One cached result with the owned key it was computed for.
///
/// Moka maps a key's keyed hash to its entry; a lookup compares the entry's key
/// with the call's borrowed arguments, so hash collisions never return
/// another key's value. Entries are shared by moka and by the threads' front
/// tables, so an entry that leaves moka is marked dead rather than freed.
pub(crate) struct Entry<K, V> {
    pub(crate) key: K,
    pub(crate) value: V,
    generation: u64,
    born: Instant,
    dead: AtomicBool,
}

impl<K, V> Entry<K, V> {
    pub(crate) fn new(key: K, value: V, generation: u64) -> Self {
        Self {
            key,
            value,
            generation,
            born: Instant::now(),
            dead: AtomicBool::new(false),
        }
    }

    pub(crate) fn kill(&self) {
        self.dead.store(true, Relaxed);
    }

    pub(crate) fn is_dead(&self) -> bool {
        self.dead.load(Relaxed)
    }

    #[inline]
    pub(crate) fn is_live(&self, generation: u64, ttl: Option<Duration>) -> bool {
        !self.dead.load(Relaxed)
            && self.generation == generation
            && ttl.is_none_or(|ttl| self.born.elapsed() < ttl)
    }
}
