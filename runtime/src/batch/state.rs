//! The state every handle of one loader shares, and what a load does under its
//! lock. Running batches is the dispatcher's job: what a key needs from it comes
//! back as a [`Dispatch`], for the caller to hand over.

use super::cell::{BatchCell, read};
use super::config::{LoaderCache, LoaderConfig};
use super::error::LoadError;
use super::fetch::{BatchFn, BatchMap};
use super::shared_cache::SharedCache;
use super::stats::BatchStats;
use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Waker;

pub(crate) type Cell<F> = BatchCell<<F as BatchFn>::Value, <F as BatchFn>::Error>;
pub(crate) type Loaded<F> = Result<Option<<F as BatchFn>::Value>, LoadError<<F as BatchFn>::Error>>;

/// One loader's state, shared by its handles and its batches' tasks.
pub(crate) struct LoaderState<F: BatchFn> {
    pub(crate) fetch: F,
    pub(crate) config: LoaderConfig,
    pub(crate) store: Store<F::Key, F::Value>,
    state: Mutex<Locked<F>>,
}

/// Where finished values live.
pub(crate) enum Store<K, V> {
    /// In `Locked::entries`, which then keep pointing at their finished batch.
    PerLoader,
    /// In moka; `Locked::entries` hold only keys in flight.
    Moka(SharedCache<K, V>),
    /// Nowhere; `Locked::entries` hold only keys in flight.
    Off,
}

/// What the loader's lock guards.
pub(crate) struct Locked<F: BatchFn> {
    pub(super) entries: HashMap<F::Key, Entry<F>, foldhash::fast::RandomState>,
    pub(super) open: Option<Open<F>>,
    pub(crate) stats: BatchStats,
}

pub(super) enum Entry<F: BatchFn> {
    /// Position `index` of `batch`, in flight or finished.
    Batched { batch: Arc<Cell<F>>, index: u32 },
    /// Given by `prime`.
    Primed(F::Value),
}

/// The batch that accepts keys.
pub(super) struct Open<F: BatchFn> {
    batch: Arc<Cell<F>>,
    keys: Vec<F::Key>,
    wakers: Vec<Waker>,
    /// An entry of this batch was cleared or primed: a later load of that key
    /// may have put it in `keys` again.
    dirty: bool,
}

/// A batch that accepts no more keys, ready to run.
pub(crate) struct Closed<F: BatchFn> {
    pub(crate) batch: Arc<Cell<F>>,
    pub(crate) keys: Vec<F::Key>,
    /// `keys` may hold a key twice, and its entries may not all point here.
    pub(crate) dirty: bool,
}

/// What a load finds under the lock.
pub(crate) enum Lookup<F: BatchFn> {
    Ready(Loaded<F>),
    /// A cached value whose key was put in a batch to refresh it ahead.
    Refreshing(F::Value, Dispatch<F>),
    /// In a batch, which may need the dispatcher: the caller hands it over.
    Wait(Ticket<F>, Dispatch<F>),
}

/// What a key's batch needs from the dispatcher once the key is in it.
pub(crate) enum Dispatch<F: BatchFn> {
    /// Nothing: the key joined a batch that is in flight or already timed.
    Joined,
    /// The key opened a batch: start the timer that dispatches it after the window.
    StartWindow(Arc<Cell<F>>),
    /// The key filled its batch: run it now.
    Now(Closed<F>),
}

/// A load waiting on a batch: its key's position, and its waker's if it gave one.
pub(crate) struct Ticket<F: BatchFn> {
    pub(crate) batch: Arc<Cell<F>>,
    pub(crate) index: u32,
    pub(crate) waker: Option<u32>,
}

/// Where a waker was put.
pub(crate) enum Watch {
    Slot(u32),
    /// The batch finished meanwhile: read its outcome.
    Finished,
}

impl<F: BatchFn> LoaderState<F> {
    pub(crate) fn new(fetch: F, config: LoaderConfig, store: Store<F::Key, F::Value>) -> Self {
        Self {
            fetch,
            config,
            store,
            state: Mutex::new(Locked {
                entries: HashMap::default(),
                open: None,
                stats: BatchStats::default(),
            }),
        }
    }

    pub(crate) fn store_for(config: LoaderConfig) -> Store<F::Key, F::Value> {
        match config.cache() {
            LoaderCache::PerLoader => Store::PerLoader,
            LoaderCache::Bounded(bounds) => Store::Moka(SharedCache::new(bounds)),
            LoaderCache::Off => Store::Off,
        }
    }

    /// The state, whichever panic poisoned the lock: every change under it leaves
    /// it consistent before it can call user code that may panic.
    #[inline]
    pub(crate) fn lock(&self) -> MutexGuard<'_, Locked<F>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Answers `key` from the cache, or puts it into a batch: the one holding it
    /// already, or the open one. `waker`, if given, is woken when that batch finishes.
    #[inline]
    pub(crate) fn enqueue(
        &self,
        state: &mut Locked<F>,
        key: F::Key,
        waker: Option<&Waker>,
    ) -> Lookup<F> {
        state.stats.loads += 1;
        if let Store::Moka(cache) = &self.store
            && let Some((value, refresh)) = cache.lookup(&key)
        {
            state.stats.cache_hits += 1;
            return self.hit(state, key, value, refresh);
        }
        let Locked {
            entries,
            open,
            stats,
        } = state;
        if entries.capacity() == 0 {
            // Skip the first few doublings: a loader that loads one key loads more.
            entries.reserve(FIRST_CAPACITY);
        }
        match entries.entry(key) {
            MapEntry::Occupied(mut occupied) => match occupied.get() {
                Entry::Primed(value) => {
                    stats.cache_hits += 1;
                    Lookup::Ready(Ok(Some(value.clone())))
                }
                Entry::Batched { batch, index } => match batch.outcome() {
                    Some(Err(_)) => {
                        // A failed batch is not a cached answer: fetch the key again.
                        let key = occupied.key().clone();
                        let (ticket, dispatch) = self.push(open, stats, key, waker);
                        occupied.insert(Entry::Batched {
                            batch: Arc::clone(&ticket.batch),
                            index: ticket.index,
                        });
                        Lookup::Wait(ticket, dispatch)
                    }
                    Some(outcome) => {
                        stats.cache_hits += 1;
                        Lookup::Ready(read(outcome, *index))
                    }
                    None => {
                        stats.joined += 1;
                        let (batch, index) = (Arc::clone(batch), *index);
                        let watch = waker.map(|waker| watch(open, &batch, waker));
                        match watch {
                            Some(Watch::Finished) => Lookup::Ready(read(
                                batch.outcome().expect("a finished batch has an outcome"),
                                index,
                            )),
                            Some(Watch::Slot(slot)) => Lookup::Wait(
                                Ticket {
                                    batch,
                                    index,
                                    waker: Some(slot),
                                },
                                Dispatch::Joined,
                            ),
                            None => Lookup::Wait(
                                Ticket {
                                    batch,
                                    index,
                                    waker: None,
                                },
                                Dispatch::Joined,
                            ),
                        }
                    }
                },
            },
            MapEntry::Vacant(vacant) => {
                let (ticket, dispatch) = self.push(open, stats, vacant.key().clone(), waker);
                vacant.insert(Entry::Batched {
                    batch: Arc::clone(&ticket.batch),
                    index: ticket.index,
                });
                Lookup::Wait(ticket, dispatch)
            }
        }
    }

    /// Adds `key` to the open batch, opening one if needed; says whether the
    /// batch needs its window timer started, or is full and must run now.
    #[inline]
    pub(super) fn push(
        &self,
        open: &mut Option<Open<F>>,
        stats: &mut BatchStats,
        key: F::Key,
        waker: Option<&Waker>,
    ) -> (Ticket<F>, Dispatch<F>) {
        let opened = open.is_none();
        if opened {
            // Before anything changes: a load outside Tokio leaves no batch
            // that no task would run.
            drop(tokio_runtime());
        }
        let batch = open.get_or_insert_with(|| Open {
            batch: Arc::new(BatchCell::new()),
            keys: Vec::with_capacity(FIRST_CAPACITY.min(self.config.max_batch())),
            wakers: Vec::new(),
            dirty: false,
        });
        let index = index_of(batch.keys.len());
        batch.keys.push(key);
        let slot = waker.map(|waker| add_waker(&mut batch.wakers, waker));
        let ticket = Ticket {
            batch: Arc::clone(&batch.batch),
            index,
            waker: slot,
        };
        let full = batch.keys.len() >= self.config.max_batch();
        // A batch full at its first key needs no timer: it runs at once.
        let dispatch = match full.then(|| close(open, stats)).flatten() {
            Some(closed) => Dispatch::Now(closed),
            None if opened => Dispatch::StartWindow(Arc::clone(&ticket.batch)),
            None => Dispatch::Joined,
        };
        (ticket, dispatch)
    }

    /// Makes room for `keys` more entries at once, rather than growing the map
    /// step by step while they are enqueued.
    pub(crate) fn reserve(state: &mut Locked<F>, keys: usize) {
        state.entries.reserve(keys);
    }

    /// How many keys and waiting tasks `batch` has while it is the open batch,
    /// a number that grows with every load that joins it (a load of a key
    /// already in the batch adds its task's waker); `None` once it was closed.
    pub(crate) fn open_size(&self, batch: &Arc<Cell<F>>) -> Option<usize> {
        let state = self.lock();
        match &state.open {
            Some(open) if Arc::ptr_eq(&open.batch, batch) => {
                Some(open.keys.len() + open.wakers.len())
            }
            _ => None,
        }
    }

    /// Closes the open batch if it is `batch`.
    pub(crate) fn close_if_open(&self, batch: &Arc<Cell<F>>) -> Option<Closed<F>> {
        let mut state = self.lock();
        let state = &mut *state;
        match &state.open {
            Some(open) if Arc::ptr_eq(&open.batch, batch) => {
                close(&mut state.open, &mut state.stats)
            }
            _ => None,
        }
    }

    /// Puts `waker` where `batch`'s finish will find it.
    pub(crate) fn watch(&self, batch: &Arc<Cell<F>>, waker: &Waker) -> Watch {
        let mut state = self.lock();
        watch(&mut state.open, batch, waker)
    }

    /// Makes sure `batch` will wake `waker`, which was polled with the waker in
    /// `slot` before: the slot it is in now, or `Finished` if the batch finished
    /// meanwhile. A slot may be shared by loads of one task, so a new waker gets
    /// a new slot rather than replacing the old one.
    pub(crate) fn rewatch(&self, batch: &Arc<Cell<F>>, slot: u32, waker: &Waker) -> Watch {
        let mut state = self.lock();
        if let Some(open) = state
            .open
            .as_mut()
            .filter(|open| Arc::ptr_eq(&open.batch, batch))
        {
            return Watch::Slot(keep_waker(&mut open.wakers, slot, waker));
        }
        drop(state);
        let mut waiters = batch.waiters();
        if waiters.done {
            return Watch::Finished;
        }
        Watch::Slot(keep_waker(&mut waiters.wakers, slot, waker))
    }

    /// Each key's value from the batch function's map, by position.
    ///
    /// The entries of a batch point at their positions, so the values are
    /// placed by one lookup in the loader's own map (a fast hasher) rather
    /// than one in the user's. Values whose entry changed while the batch ran
    /// are placed through a map of the positions; a dirty batch, which may
    /// hold a key twice, gives every position of a key its value.
    pub(crate) fn settle(&self, closed: &Closed<F>, map: F::Map) -> Vec<Option<F::Value>> {
        let keys = &closed.keys;
        let mut values: Vec<Option<F::Value>> = (0..keys.len()).map(|_| None).collect();
        if closed.dirty {
            for (position, key) in keys.iter().enumerate() {
                values[position] = map.get(key).cloned();
            }
            return values;
        }
        let mut strays = Vec::new();
        {
            let state = self.lock();
            for (key, value) in map.into_pairs() {
                match state.entries.get(&key) {
                    Some(Entry::Batched { batch, index }) if Arc::ptr_eq(batch, &closed.batch) => {
                        values[*index as usize] = Some(value);
                    }
                    _ => strays.push((key, value)),
                }
            }
        }
        if !strays.is_empty() {
            let positions: HashMap<&F::Key, usize, foldhash::fast::RandomState> = keys
                .iter()
                .enumerate()
                .map(|(position, key)| (key, position))
                .collect();
            for (key, value) in strays {
                // A key the batch function was not asked for is dropped.
                if let Some(&position) = positions.get(&key) {
                    values[position] = Some(value);
                }
            }
        }
        values
    }

    /// After a batch ran, before its waiters are woken: moka learns the values.
    pub(crate) fn remember(&self, keys: &[F::Key], values: &[Option<F::Value>]) {
        if let Store::Moka(cache) = &self.store {
            for (key, value) in keys.iter().zip(values) {
                if let Some(value) = value {
                    cache.insert(key.clone(), value.clone());
                }
            }
        }
    }

    /// After a batch ran: drops the entries that must not outlive it. Entries since
    /// replaced (by `prime`, `clear` or a retry) are left alone.
    pub(crate) fn forget(&self, keys: &[F::Key], batch: &Arc<Cell<F>>) {
        let failed = matches!(batch.outcome(), Some(Err(_)));
        if matches!(self.store, Store::PerLoader) && !failed {
            return;
        }
        let mut state = self.lock();
        for key in keys {
            if let Some(Entry::Batched { batch: held, .. }) = state.entries.get(key)
                && Arc::ptr_eq(held, batch)
            {
                state.entries.remove(key);
            }
        }
    }

    pub(crate) fn prime(&self, key: F::Key, value: F::Value) {
        if let Store::Moka(cache) = &self.store {
            cache.insert(key, value);
            return;
        }
        let mut state = self.lock();
        let replaced = state.entries.insert(key, Entry::Primed(value));
        state.mark_if_open(replaced.as_ref());
    }

    pub(crate) fn clear(&self, key: &F::Key) {
        if let Store::Moka(cache) = &self.store {
            cache.invalidate(key);
        }
        let mut state = self.lock();
        let removed = state.entries.remove(key);
        state.mark_if_open(removed.as_ref());
    }

    pub(crate) fn clear_all(&self) {
        if let Store::Moka(cache) = &self.store {
            cache.invalidate_all();
        }
        let mut state = self.lock();
        state.entries.clear();
        if let Some(open) = &mut state.open {
            open.dirty = true;
        }
    }
}

impl<F: BatchFn> Locked<F> {
    /// Marks the open batch dirty if `entry` pointed into it: its key is still
    /// in the batch, and the next load of it will add it again.
    fn mark_if_open(&mut self, entry: Option<&Entry<F>>) {
        if let (Some(Entry::Batched { batch, .. }), Some(open)) = (entry, &mut self.open)
            && Arc::ptr_eq(batch, &open.batch)
        {
            open.dirty = true;
        }
    }
}

/// Takes the open batch: its wakers move into the batch, where its finish finds
/// them. Under the state lock, so a waiter that re-polls finds its waker either
/// in the open batch or in the batch's own list.
fn close<F: BatchFn>(open: &mut Option<Open<F>>, stats: &mut BatchStats) -> Option<Closed<F>> {
    let Open {
        batch,
        keys,
        wakers,
        dirty,
    } = open.take()?;
    batch.waiters().wakers = wakers;
    let size = keys.len() as u64;
    stats.batches += 1;
    stats.keys_fetched += size;
    stats.largest_batch = stats.largest_batch.max(size);
    Some(Closed { batch, keys, dirty })
}

fn watch<F: BatchFn>(open: &mut Option<Open<F>>, batch: &Arc<Cell<F>>, waker: &Waker) -> Watch {
    if let Some(open) = open.as_mut().filter(|open| Arc::ptr_eq(&open.batch, batch)) {
        return Watch::Slot(add_waker(&mut open.wakers, waker));
    }
    let mut waiters = batch.waiters();
    if waiters.done {
        return Watch::Finished;
    }
    Watch::Slot(add_waker(&mut waiters.wakers, waker))
}

/// The slot of `waker` in `wakers`. Loads polled in turn by one task (a
/// `load_many`, a combinator polling its futures in place) share that task's
/// waker: storing it once saves a clone and a wake per load.
#[inline]
fn add_waker(wakers: &mut Vec<Waker>, waker: &Waker) -> u32 {
    if let Some(last) = wakers.last()
        && last.will_wake(waker)
    {
        return index_of(wakers.len() - 1);
    }
    wakers.push(waker.clone());
    index_of(wakers.len() - 1)
}

fn keep_waker(wakers: &mut Vec<Waker>, slot: u32, waker: &Waker) -> u32 {
    if wakers[slot as usize].will_wake(waker) {
        slot
    } else {
        add_waker(wakers, waker)
    }
}

/// The runtime every batch runs on; panics, saying so, outside one.
pub(crate) fn tokio_runtime() -> tokio::runtime::Handle {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => runtime,
        Err(_) => panic!(
            "unokit's batch loaders run each batch on a Tokio task: call `load` inside a Tokio runtime"
        ),
    }
}

/// What the entry map and a batch's key list start with.
const FIRST_CAPACITY: usize = 32;

/// Positions are `u32` to keep tickets small; a batch of 4 billion keys or
/// waiters is not a batch.
#[inline]
fn index_of(position: usize) -> u32 {
    u32::try_from(position).expect("fewer than 2^32 keys and waiters per batch")
}
