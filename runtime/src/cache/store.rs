//! Where both function caches keep their entries: moka's sync cache, keyed by a
//! per-cache keyed hash of the key, holding the owned key beside the value, with a
//! table of the same entries that hits read.
//!
//! A hit builds no key, allocates nothing and never waits, in a sync and an
//! `async` function alike, for any number of live keys: it is served by the
//! calling thread's front table or by the [`Table`], never by a moka call, whose
//! maintenance may run in the reading thread and allocate. Moka owns the entries
//! (capacity, eviction, time to live) and hears of hits through the [`ReadLog`].
//! With a time to idle every hit reads through moka instead, which keeps the idle
//! clock exact.

use super::base::{Base, MokaHasher};
use super::config::CacheConfig;
use super::entry::Entry;
use super::front;
use super::hot::HotKeys;
use super::stored_key::StoredKey;
use super::table::{ReadLog, Table};
use super::weigh::{Weigher, weigh_shallow};
use moka::notification::RemovalCause;
use moka::ops::compute::Op;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

pub(crate) struct Store<K, V> {
    pub(crate) owner: usize,
    table: Arc<Table<K, V>>,
    reads: ReadLog,
    pub(crate) moka: moka::sync::Cache<u64, Arc<Entry<K, V>>, MokaHasher>,
    /// How often each key is read, when the cache tracks hot keys.
    pub(crate) hot: Option<HotKeys>,
    /// Entries moka evicted for room; counted in its listener, off the hit path.
    evictions: Arc<AtomicU64>,
}

impl<K, V> Store<K, V>
where
    K: StoredKey,
    V: Clone + Send + Sync + 'static,
{
    /// `weigher` weighs an entry when `config` bounds the cache in bytes; without
    /// one, an entry weighs its types' inline size.
    pub(crate) fn new(config: CacheConfig, weigher: Option<Weigher<K, V>>) -> Self {
        let table = Arc::new(Table::new());
        let evicted = Arc::clone(&table);
        let evictions = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&evictions);
        let mut builder = moka::sync::Cache::builder();
        builder = match config.max_bytes() {
            None => builder.max_capacity(config.capacity()),
            Some(bytes) => {
                let weigh = weigher.unwrap_or(weigh_shallow::<K, V>);
                builder
                    .max_capacity(bytes)
                    .weigher(move |_, entry: &Arc<Entry<K, V>>| weigh(&entry.key, &entry.value))
            }
        };
        let mut builder =
            builder.eviction_listener(move |hash: Arc<u64>, entry: Arc<Entry<K, V>>, cause| {
                // Dead first: a table that still holds it never serves it.
                entry.kill();
                evicted.remove(*hash, &entry);
                if cause == RemovalCause::Size {
                    counted.fetch_add(1, Relaxed);
                }
            });
        if let Some(ttl) = config.moka_ttl() {
            builder = builder.time_to_live(ttl);
        }
        if let Some(tti) = config.tti() {
            builder = builder.time_to_idle(tti);
        }
        Self {
            owner: front::new_owner(),
            table,
            reads: ReadLog::new(),
            moka: builder.build_with_hasher(MokaHasher::default()),
            hot: config.hot_keys().map(HotKeys::new),
            evictions,
        }
    }

    /// Entries evicted for room so far (not those expired or removed).
    pub(crate) fn evictions(&self) -> u64 {
        self.evictions.load(Relaxed)
    }

    /// The hit path: the front table, then the table (or moka, with a time to idle).
    #[inline]
    pub(crate) fn get(&self, base: &Base, hash: u64, is_key: impl Fn(&K) -> bool) -> Option<V> {
        self.get_with(base, hash, |entry| base.serve(entry, &is_key))
    }

    /// [`get`](Self::get), with `serve` deciding whether and what an entry serves.
    #[inline]
    pub(crate) fn get_with<T>(
        &self,
        base: &Base,
        hash: u64,
        serve: impl Fn(&Entry<K, V>) -> Option<T>,
    ) -> Option<T> {
        // The cheapest hit tells moka and the hot-key count of its reads only
        // every `REPORT_EVERY` hits, all at once.
        if let Some((value, reads)) = base.front_hit(self.owner, hash, &serve) {
            if reads > 0 {
                self.reads.record(hash);
                if let Some(hot) = &self.hot {
                    hot.read(hash, reads);
                }
            }
            return Some(value);
        }
        let has_front = base.has_front();
        let entry = if has_front {
            let entry = self.table.get(hash)?;
            self.reads.record(hash);
            entry
        } else {
            self.moka.get(&hash)?
        };
        if !base.is_live(&entry) {
            // Computed before an `invalidate_all` that moka could not see, or on
            // its way out: it would keep the key from being cached again. One
            // that may still be served stale stays, for the miss to find.
            if !base.keeps_stale(&entry) {
                self.remove_entry(hash, &entry);
            }
            return None;
        }
        let value = if has_front {
            base.table_hit(self.owner, hash, &entry, serve)?
        } else {
            base.moka_hit_with(self.owner, hash, &entry, serve)?
        };
        if let Some(hot) = &self.hot {
            hot.read(hash, 1);
        }
        Some(value)
    }

    /// Whether the key under `hash` is hot; every key is when the cache does
    /// not track them.
    pub(crate) fn is_hot(&self, hash: u64) -> bool {
        self.hot.as_ref().is_none_or(|hot| hot.is_hot(hash))
    }

    /// The entry under `hash`, live or not, if it is `key`'s.
    pub(crate) fn entry_of(&self, hash: u64, key: &K) -> Option<Arc<Entry<K, V>>> {
        self.table
            .get(hash)
            .filter(|stored| stored.key.same_key(key))
    }

    /// Whether a live entry of another key than `key` is stored under `hash`.
    pub(crate) fn holds_another_key(&self, base: &Base, hash: u64, key: &K) -> bool {
        self.table
            .get(hash)
            .is_some_and(|stored| base.is_live(&stored) && !stored.key.same_key(key))
    }

    /// Tells moka of the hits logged since the last write; called before writes,
    /// where moka takes its admission and eviction decisions.
    pub(crate) fn replay_reads(&self) {
        self.reads.drain(|hash| {
            // Only moka's record of the read matters.
            let _ = self.moka.get(&hash);
        });
    }

    /// Stores `entry` under `hash`, replacing whatever was there.
    pub(crate) fn put(&self, base: &Base, hash: u64, entry: &Arc<Entry<K, V>>) {
        // A miss (or a refresh) is a read too: the long tail is counted here.
        if let Some(hot) = &self.hot {
            hot.read(hash, 1);
        }
        self.replay_reads();
        if let Some(replaced) = self.moka.remove(&hash) {
            replaced.kill();
        }
        // The table first: if moka refuses or evicts the entry at once, its
        // listener takes it out of the table again.
        self.table.insert(hash, entry);
        self.moka.insert(hash, Arc::clone(entry));
        base.remember(self.owner, hash, entry);
    }

    /// Puts an entry moka stored itself (through its single flight) into the table.
    pub(crate) fn mirror(&self, hash: u64, entry: &Arc<Entry<K, V>>) {
        if !self
            .table
            .get(hash)
            .is_some_and(|stored| Arc::ptr_eq(&stored, entry))
        {
            self.table.insert(hash, entry);
        }
    }

    /// Removes the entry under `hash` if it is the key `is_key` recognises: another
    /// key under the same hash stays.
    pub(crate) fn invalidate(&self, hash: u64, is_key: impl FnOnce(&K) -> bool) {
        // The key is compared outside any lock: `key_eq` is user code.
        if let Some(entry) = self.table.get(hash).or_else(|| self.moka.get(&hash))
            && is_key(&entry.key)
        {
            self.remove_entry(hash, &entry);
        }
    }

    /// Removes every entry.
    pub(crate) fn invalidate_all(&self) {
        self.moka.invalidate_all();
        self.table.clear();
    }

    /// Removes `entry` if it is still the one stored under `hash`.
    fn remove_entry(&self, hash: u64, entry: &Arc<Entry<K, V>>) {
        entry.kill();
        self.table.remove(hash, entry);
        self.moka.entry_by_ref(&hash).and_compute_with(|stored| {
            if stored.is_some_and(|stored| Arc::ptr_eq(stored.value(), entry)) {
                Op::Remove
            } else {
                Op::Nop
            }
        });
    }
}
