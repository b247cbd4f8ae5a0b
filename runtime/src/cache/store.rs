//! Where both function caches keep their entries: a [`Table`] of entries by a
//! per-cache keyed hash of the key, each entry holding the owned key beside the
//! value, and moka's sync cache of the entries' [`Stamp`]s, which decides what
//! stays.
//!
//! A hit builds no key, allocates nothing and never waits, in a sync and an
//! `async` function alike, for any number of live keys: it reads the table,
//! never moka, whose maintenance may run in the reading thread and allocate.
//! Moka owns the policy (capacity, eviction, time to live) and hears of hits
//! through the [`ReadLog`]. With a time to idle every hit reads through moka
//! first, which keeps the idle clock exact.

use super::base::{Base, MokaHasher};
use super::config::CacheConfig;
use super::entry::{Entry, Stale, Stamp};
use super::hot::HotKeys;
use super::read_log::ReadLog;
use super::stored_key::StoredKey;
use super::table::Table;
use super::weigh::{Weigher, weigh_shallow};
use moka::notification::RemovalCause;
use moka::ops::compute::Op;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

pub(crate) struct Store<K, V> {
    table: Arc<Table<K, V>>,
    reads: ReadLog,
    pub(crate) moka: moka::sync::Cache<u64, Stamp, MokaHasher>,
    /// Weighs entries for moka when the cache is bounded in bytes.
    weigher: Option<Weigher<K, V>>,
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
        let weigher = match config.max_bytes() {
            None => {
                builder = builder.max_capacity(config.capacity());
                None
            }
            Some(bytes) => {
                builder = builder
                    .max_capacity(bytes)
                    .weigher(|_, stamp: &Stamp| stamp.weight);
                Some(weigher.unwrap_or(weigh_shallow::<K, V>))
            }
        };
        let mut builder = builder.eviction_listener(move |hash: Arc<u64>, stamp: Stamp, cause| {
            // A stamp replaced by its key's next entry names an entry that is gone.
            evicted.remove(*hash, stamp.id);
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
            table,
            reads: ReadLog::new(),
            moka: builder.build_with_hasher(MokaHasher::default()),
            weigher,
            hot: config.hot_keys().map(HotKeys::new),
            evictions,
        }
    }

    /// Entries evicted for room so far (not those expired or removed).
    pub(crate) fn evictions(&self) -> u64 {
        self.evictions.load(Relaxed)
    }

    /// The hit path: the value of the live entry under `hash` that `is_key`
    /// recognises.
    #[inline]
    pub(crate) fn get(&self, base: &Base, hash: u64, is_key: impl Fn(&K) -> bool) -> Option<V> {
        self.get_with(base, hash, |entry| {
            is_key(&entry.key).then(|| entry.value.clone())
        })
    }

    /// [`get`](Self::get), with `serve` deciding whether and what a live entry
    /// serves (run under the table's read lock).
    #[inline]
    pub(crate) fn get_with<T>(
        &self,
        base: &Base,
        hash: u64,
        serve: impl FnOnce(&Entry<K, V>) -> Option<T>,
    ) -> Option<T> {
        if base.reads_through_moka() {
            // Only moka's record of the read matters: it keeps the idle clock.
            self.moka.get(&hash)?;
        } else {
            self.reads.record(hash);
        }
        let found = self.table.read(hash, |entry| {
            if base.is_live(entry) {
                Ok(serve(entry))
            } else {
                // One that may still be served stale stays, for the miss to find.
                Err((entry.id, base.keeps_stale(entry)))
            }
        })?;
        let value = match found {
            Ok(served) => served?,
            Err((id, keeps_stale)) => {
                // Computed before an `invalidate_all` that moka could not see, or
                // expired: it would keep the key from being cached again.
                if !keeps_stale {
                    self.remove_entry(hash, id);
                }
                return None;
            }
        };
        base.count_hit();
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

    /// Runs `read` on the entry under `hash`, live or not, if it is `key`'s.
    pub(crate) fn read_entry<R>(
        &self,
        hash: u64,
        key: &K,
        read: impl FnOnce(&Entry<K, V>) -> R,
    ) -> Option<R> {
        self.table
            .read(hash, |stored| {
                stored.key.same_key(key).then(|| read(stored))
            })
            .flatten()
    }

    /// The value of the entry numbered `id`, if it is still stored and is `key`'s:
    /// how a caller that waited on another's flight takes its value.
    pub(crate) fn landed(&self, base: &Base, hash: u64, id: u64, key: &K) -> Option<V> {
        let value = self
            .table
            .read(hash, |stored| {
                (stored.id == id && stored.key.same_key(key)).then(|| stored.value.clone())
            })
            .flatten()?;
        base.count_hit();
        Some(value)
    }

    /// `key`'s expired entry under `hash`, copied, if `base` may still serve it.
    pub(crate) fn stale(&self, base: &Base, hash: u64, key: &K) -> Option<Stale<V>> {
        self.read_entry(hash, key, |entry| {
            base.keeps_stale(entry).then(|| entry.to_stale())
        })
        .flatten()
    }

    /// Whether a live entry of another key than `key` is stored under `hash`.
    pub(crate) fn holds_another_key(&self, base: &Base, hash: u64, key: &K) -> bool {
        self.table
            .read(hash, |stored| {
                base.is_live(stored) && !stored.key.same_key(key)
            })
            .unwrap_or(false)
    }

    /// Runs `visit` on every entry.
    pub(crate) fn for_each(&self, visit: impl FnMut(u64, &Entry<K, V>)) {
        self.table.for_each(visit);
    }

    /// Tells moka of the hits logged since the last write; called before writes,
    /// where moka takes its admission and eviction decisions.
    pub(crate) fn replay_reads(&self) {
        self.reads.drain(|hash| {
            // Only moka's record of the read matters.
            let _ = self.moka.get(&hash);
        });
    }

    /// Stores `entry` under `hash`, replacing whatever was there; returns its stamp.
    pub(crate) fn put(&self, hash: u64, entry: Entry<K, V>) -> Stamp {
        // A miss (or a refresh) is a read too: the long tail is counted here.
        if let Some(hot) = &self.hot {
            hot.read(hash, 1);
        }
        self.replay_reads();
        let stamp = self.place(hash, entry);
        self.moka.insert(hash, stamp);
        stamp
    }

    /// Puts `entry` into the table, for moka to hold its stamp: [`put`](Self::put)
    /// does, or moka's single flight, whose init this runs in.
    ///
    /// The table first: if moka refuses or evicts the entry at once, its listener
    /// takes it out of the table again.
    pub(crate) fn place(&self, hash: u64, entry: Entry<K, V>) -> Stamp {
        let weight = self
            .weigher
            .map_or(1, |weigh| weigh(&entry.key, &entry.value));
        let stamp = Stamp {
            id: entry.id,
            weight,
        };
        self.table.insert(hash, entry);
        stamp
    }

    /// Removes the entry under `hash` if it is the key `is_key` recognises: another
    /// key under the same hash stays.
    pub(crate) fn invalidate(&self, hash: u64, is_key: impl FnOnce(&K) -> bool) {
        // The key is compared under the read lock, the entry removed under the
        // write lock: `key_eq` is user code, which a write lock would not allow.
        if let Some(Some(id)) = self
            .table
            .read(hash, |stored| is_key(&stored.key).then_some(stored.id))
        {
            self.remove_entry(hash, id);
        }
    }

    /// Removes every entry.
    pub(crate) fn invalidate_all(&self) {
        self.moka.invalidate_all();
        self.table.clear();
    }

    /// Removes the entry numbered `id` if it is still the one stored under `hash`.
    pub(crate) fn remove_entry(&self, hash: u64, id: u64) {
        self.table.remove(hash, id);
        self.moka.entry_by_ref(&hash).and_compute_with(|stored| {
            if stored.is_some_and(|stored| stored.value().id == id) {
                Op::Remove
            } else {
                Op::Nop
            }
        });
    }
}
