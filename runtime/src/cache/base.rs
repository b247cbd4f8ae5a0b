//! The base both function caches are built on, whichever moka cache they wrap:
//! configuration, generation, counters, the front table, and how a single-flight
//! lookup ends.

use super::config::CacheConfig;
use super::entry::{Deadlines, Entry};
use super::front;
use super::mode::Mode;
use super::stats::{CacheStats, Counters};
use super::stored_key::StoredKey;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;
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

/// How a single-flight lookup ends for one caller.
pub(crate) enum Settled<R, B> {
    Return(R),
    RunBody(B),
}

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

    /// Makes every entry stored so far stale, in moka and in every thread's front table.
    pub(crate) fn next_generation(&self) {
        self.generation.fetch_add(1, Relaxed);
    }

    /// Reads of a cache with a time to idle must reach moka, which keeps the idle clock.
    pub(crate) fn has_front(&self) -> bool {
        self.config.tti().is_none()
    }

    /// Whether `entry` may still be served: not removed, not from before an
    /// `invalidate_all`, not past its time to live.
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

    #[inline]
    pub(crate) fn serve<K, V: Clone>(
        &self,
        entry: &Entry<K, V>,
        is_key: impl FnOnce(&K) -> bool,
    ) -> Option<V> {
        (self.is_live(entry) && is_key(&entry.key)).then(|| entry.value.clone())
    }

    /// A hit in the thread's front table, with the reads to report to moka
    /// (see [`front::lookup`]).
    #[inline]
    pub(crate) fn front_hit<K, V, T>(
        &self,
        owner: usize,
        fingerprint: u64,
        serve: impl FnOnce(&Entry<K, V>) -> Option<T>,
    ) -> Option<(T, u32)>
    where
        K: Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        if !self.has_front() {
            return None;
        }
        let hit = front::lookup(owner, fingerprint, serve)?;
        self.counters.hit();
        Some(hit)
    }

    /// A hit on a entry found in moka.
    pub(crate) fn moka_hit<K, V>(
        &self,
        owner: usize,
        fingerprint: u64,
        entry: &Arc<Entry<K, V>>,
        is_key: impl FnOnce(&K) -> bool,
    ) -> Option<V>
    where
        K: Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        self.moka_hit_with(owner, fingerprint, entry, |entry| self.serve(entry, is_key))
    }

    /// [`moka_hit`](Self::moka_hit), serving with `serve`.
    pub(crate) fn moka_hit_with<K, V, T>(
        &self,
        owner: usize,
        fingerprint: u64,
        entry: &Arc<Entry<K, V>>,
        serve: impl FnOnce(&Entry<K, V>) -> Option<T>,
    ) -> Option<T>
    where
        K: Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        let value = serve(entry)?;
        self.remember(owner, fingerprint, entry);
        self.counters.hit();
        Some(value)
    }

    /// A hit on an entry found in the shared table: it enters the thread's front
    /// table if it proves hot ([`front::admit`]).
    #[inline]
    pub(crate) fn table_hit<K, V, T>(
        &self,
        owner: usize,
        fingerprint: u64,
        entry: &Arc<Entry<K, V>>,
        serve: impl FnOnce(&Entry<K, V>) -> Option<T>,
    ) -> Option<T>
    where
        K: Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        let value = serve(entry)?;
        front::admit(owner, fingerprint, entry);
        self.counters.hit();
        Some(value)
    }

    pub(crate) fn remember<K, V>(&self, owner: usize, fingerprint: u64, entry: &Arc<Entry<K, V>>)
    where
        K: Send + Sync + 'static,
        V: Send + Sync + 'static,
    {
        if self.has_front() {
            front::fill(owner, fingerprint, entry);
        }
    }

    /// Ends a single-flight lookup. `pending` still holds the caller's key and body
    /// when the caller's init did not run: the value came from another caller, or
    /// there is none to share and the caller must run its own body.
    pub(crate) fn settle<K, V, R, M, B, E>(
        &self,
        owner: usize,
        fingerprint: u64,
        outcome: Result<Arc<Entry<K, V>>, E>,
        pending: Option<(K, B)>,
        uncached: Option<R>,
    ) -> Settled<R, B>
    where
        K: StoredKey,
        V: Clone + Send + Sync + 'static,
        M: Mode<R, Value = V>,
    {
        match (outcome, pending) {
            (Ok(entry), None) => {
                self.counters.miss();
                self.remember(owner, fingerprint, &entry);
                Settled::Return(M::join(entry.value.clone()))
            }
            (Ok(entry), Some((key, body))) => {
                match self.moka_hit(owner, fingerprint, &entry, |stored| stored.same_key(&key)) {
                    Some(value) => Settled::Return(M::join(value)),
                    None => {
                        self.counters.miss();
                        Settled::RunBody(body)
                    }
                }
            }
            (Err(_), None) => {
                self.counters.miss();
                Settled::Return(uncached.expect("a leader whose result was not cached keeps it"))
            }
            (Err(_), Some((_, body))) => {
                self.counters.miss();
                Settled::RunBody(body)
            }
        }
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
