//! The base both function caches are built on: configuration, generation and
//! counters.

use super::config::CacheConfig;
use super::entry::{Deadlines, Entry};
use super::stats::{CacheStats, Counters};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// What a [`SyncFnCache`](super::SyncFnCache) and an
/// [`AsyncFnCache`](super::AsyncFnCache) keep beside their moka cache.
pub(crate) struct Base {
    pub(crate) config: CacheConfig,
    /// The `#[cached]` function's path, which names its misses in `tracing`.
    pub(crate) name: &'static str,
    generation: AtomicU64,
    counters: Counters,
}

/// Moka's map key: the call's keyed hash, already well mixed.
pub(crate) type MokaHasher = BuildHasherDefault<PassThrough>;

impl Base {
    pub(crate) const fn new(config: CacheConfig) -> Self {
        Self {
            config,
            name: "unnamed",
            generation: AtomicU64::new(0),
            counters: Counters::new(),
        }
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Relaxed)
    }

    /// Makes every entry stored so far stale.
    pub(crate) fn next_generation(&self) {
        self.generation.fetch_add(1, Relaxed);
    }

    /// Reads of a cache with a time to idle must reach moka, which keeps the idle clock.
    pub(crate) fn reads_through_moka(&self) -> bool {
        self.config.tti().is_some()
    }

    /// Whether `entry` may still be served: not from before an `invalidate_all`,
    /// not past its time to live.
    #[inline]
    pub(crate) fn is_live<K, V>(&self, entry: &Entry<K, V>) -> bool {
        entry.is_live(self.generation())
    }

    /// Whether an entry that is no longer live may still be served stale, and
    /// so must stay stored.
    pub(crate) fn keeps_stale<K, V>(&self, entry: &Entry<K, V>) -> bool {
        self.config
            .stale_window()
            .is_some_and(|window| entry.is_stale_within(self.generation(), window))
    }

    /// An entry for `value` stored now: `absent` is a cached `None`.
    pub(crate) fn entry<K, V>(
        &self,
        key: K,
        value: V,
        generation: u64,
        absent: bool,
    ) -> Entry<K, V> {
        self.entry_capped(key, value, generation, absent, None)
    }

    /// [`entry`](Self::entry), expiring no later than `cap` from now.
    pub(crate) fn entry_capped<K, V>(
        &self,
        key: K,
        value: V,
        generation: u64,
        absent: bool,
        cap: Option<std::time::Duration>,
    ) -> Entry<K, V> {
        let deadlines = Deadlines::of(&self.config, absent).capped(cap);
        Entry::new(key, value, generation, deadlines)
    }

    /// Counts a call answered from the cache.
    #[inline]
    pub(crate) fn count_hit(&self) {
        self.counters.hit();
    }

    /// Counts a call that ran the body.
    pub(crate) fn count_miss(&self) {
        self.counters.miss();
    }

    /// Counts a call answered with a stale value.
    pub(crate) fn count_stale(&self) {
        self.counters.stale();
    }

    pub(crate) fn stats(&self, entries: u64) -> CacheStats {
        self.counters.snapshot(entries)
    }
}

/// Moka's hasher for keyed-hash keys: the keyed hash is moka's hash.
#[derive(Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, fingerprint: u64) {
        self.0 = fingerprint;
    }
}
