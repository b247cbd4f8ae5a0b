//! Query results cached across sessions, fresh by the database's own account:
//! [`QueryCache`] and [`Filtered::cached`].

use super::Filter;
use super::select::{Filtered, Order, Page};
use crate::cache::CacheConfig;
use crate::cache::flight::{Flights, Landing, Lead, Role};
use crate::db::changes::{Changes, Stamp};
use crate::db::engine::{Column, Engine};
use crate::db::error::DbError;
use crate::db::include::Include;
use crate::db::model::ModelRow;
use std::any::{Any, TypeId};
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The results of filtered queries, shared by every session, each stamped
/// with the versions of the tables it read ([`Changes`]): a result is served
/// only while none of them changed, whoever wrote (keep a [watcher](Changes::watch)
/// running on those tables).
///
/// A result is keyed by its query's type (model, includes, filter, engine)
/// and its filter's, order's and page's values, which determine its
/// statement; they are compared in full on a hit (a keyed hash picks the entry; no collision serves another
/// query's rows). Bounded by the config's capacity and time to live.
///
/// ```
/// use std::time::Duration;
/// use unokit::cache::CacheConfig;
/// use unokit::db::{Changes, QueryCache};
///
/// let changes = Changes::new();
/// let cache = QueryCache::new(&changes, CacheConfig::new().with_capacity(10_000).with_ttl(Duration::from_secs(60)));
/// assert_eq!(cache.hits(), 0);
/// ```
#[derive(Clone)]
pub struct QueryCache {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) changes: Changes,
    entries: moka::sync::Cache<u64, Arc<Entry>>,
    /// The queries running for a miss, by key: callers that miss the same
    /// query meanwhile wait for its rows instead of running it too.
    flights: Flights,
    hasher: foldhash::quality::RandomState,
    pub(super) hits: AtomicU64,
    pub(super) misses: AtomicU64,
    /// Where results are shared with the other instances, if they are.
    #[cfg(feature = "redis")]
    pub(super) shared: Option<super::shared::Shared>,
}

/// One result: what it was read by, and when.
struct Entry {
    stamp: Stamp,
    /// The query's values ([`Shape`]) and its rows, of the query's own types.
    shape: Box<dyn Any + Send + Sync>,
    rows: Box<dyn Any + Send + Sync>,
}

/// What makes two queries of one type the same (their statement follows).
struct Shape<F, K> {
    filter: F,
    order: Vec<Order>,
    page: Option<Page>,
    keyset: Option<(Option<K>, u32)>,
}

impl<F: Eq, K: Eq> Shape<F, K> {
    /// Whether a query of these values is the stored one.
    fn is(
        &self,
        filter: &F,
        order: &[Order],
        page: Option<Page>,
        keyset: Option<(Option<&K>, u32)>,
    ) -> bool {
        self.filter == *filter
            && self.order == order
            && self.page == page
            && self
                .keyset
                .as_ref()
                .map(|(after, limit)| (after.as_ref(), *limit))
                == keyset
    }
}

impl QueryCache {
    /// An empty cache of results kept fresh by `changes`, bounded by `config`.
    #[must_use]
    pub fn new(changes: &Changes, config: CacheConfig) -> Self {
        Self::build(
            changes,
            &config,
            #[cfg(feature = "redis")]
            None,
        )
    }

    pub(super) fn build(
        changes: &Changes,
        config: &CacheConfig,
        #[cfg(feature = "redis")] shared: Option<super::shared::Shared>,
    ) -> Self {
        let mut entries = moka::sync::Cache::builder().max_capacity(config.capacity());
        if let Some(ttl) = config.ttl() {
            entries = entries.time_to_live(ttl);
        }
        if let Some(tti) = config.tti() {
            entries = entries.time_to_idle(tti);
        }
        Self {
            inner: Arc::new(Inner {
                changes: changes.clone(),
                entries: entries.build(),
                flights: Flights::new(),
                hasher: foldhash::quality::RandomState::default(),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
                #[cfg(feature = "redis")]
                shared,
            }),
        }
    }

    /// Queries answered from the cache.
    #[must_use]
    pub fn hits(&self) -> u64 {
        self.inner.hits.load(Relaxed)
    }

    /// Queries that ran: not cached, or their tables changed since.
    #[must_use]
    pub fn misses(&self) -> u64 {
        self.inner.misses.load(Relaxed)
    }

    /// Drops every result.
    pub fn invalidate_all(&self) {
        self.inner.entries.invalidate_all();
    }
}

impl fmt::Debug for QueryCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryCache")
            .field("entries", &self.inner.entries.entry_count())
            .field("hits", &self.hits())
            .field("misses", &self.misses())
            .finish_non_exhaustive()
    }
}

impl<'f, M, DB, I, F> Filtered<'_, 'f, M, DB, I, F>
where
    M: ModelRow<DB>,
    DB: Engine,
    I: Include<M, DB> + 'static,
    F: Filter<DB, Model = M> + Clone + Eq + Hash,
    i64: Column<DB>,
{
    /// [`all`](Self::all), answered from `cache` while none of the tables the
    /// query reads (the model's, and those of the relations it includes) has
    /// changed since the rows were read; else run and stored.
    ///
    /// The tables' versions are taken before the query runs, so a write that
    /// lands while it runs makes the stored result stale at once. Callers that
    /// miss the same query while it runs wait for its rows (single flight)
    /// rather than run it too.
    ///
    /// # Errors
    ///
    /// As [`all`](Self::all).
    pub async fn cached(self, cache: &QueryCache) -> Result<Vec<M>, DbError> {
        let inner = &*cache.inner;
        let key = self.local_key(inner);
        if let Some(rows) = self.local_hit(inner, key) {
            inner.hits.fetch_add(1, Relaxed);
            return Ok(rows);
        }
        let lead = match self.join_flight(inner, key).await {
            Ok(rows) => {
                inner.hits.fetch_add(1, Relaxed);
                return Ok(rows);
            }
            Err(lead) => lead,
        };
        inner.misses.fetch_add(1, Relaxed);
        let stamp = inner.changes.stamp(&self.tables());
        let shape = self.shape();
        let rows = self.all().await?;
        inner.insert(key, stamp, shape, rows.clone());
        // Stored first: the callers it wakes find the rows.
        drop(lead);
        Ok(rows)
    }

    /// After a miss: waits for the same query if another caller is running it
    /// and returns its rows if they may be served here. Otherwise the caller
    /// runs the query, as the flight's lead, or on its own (`None`) when the
    /// flight it waited for left nothing (an error, a write meanwhile, the
    /// leader dropped): one attempt per waiting caller then, at once, rather
    /// than one after the other, which after a timeout would add the
    /// callers' timeouts up.
    pub(super) async fn join_flight<'i>(
        &self,
        inner: &'i Inner,
        key: u64,
    ) -> Result<Vec<M>, Option<Lead<'i>>> {
        match inner.flights.join(key) {
            Role::Lead(lead) => Err(Some(lead)),
            Role::Follow(mut landing) => {
                // The lead lands nothing: its flight ends when it is dropped,
                // which closes the channel.
                let _ = landing
                    .wait_for(|landing| !matches!(landing, Landing::Pending))
                    .await;
                self.local_hit(inner, key).ok_or(None)
            }
        }
    }

    /// Where the result of this query is kept in `inner`. The query's types
    /// and values determine its statement: no need to build the text, or bind
    /// anything, to find a hit.
    pub(super) fn local_key(&self, inner: &Inner) -> u64 {
        inner.hasher.hash_one((
            TypeId::of::<(M, I, F, DB)>(),
            self.filter,
            &self.order,
            self.page,
            self.keyset(),
        ))
    }

    fn keyset(&self) -> Option<(Option<&M::Key>, u32)> {
        self.keyset
            .as_ref()
            .map(|keyset| (keyset.after, keyset.limit))
    }

    /// The rows stored under `key` for this very query, while fresh.
    pub(super) fn local_hit(&self, inner: &Inner, key: u64) -> Option<Vec<M>> {
        let entry = inner.entries.get(&key)?;
        let same = entry.stamp.is_current()
            && entry
                .shape
                .downcast_ref::<Shape<F, M::Key>>()
                .is_some_and(|shape| shape.is(self.filter, &self.order, self.page, self.keyset()));
        same.then(|| entry.rows.downcast_ref::<Vec<M>>().cloned())
            .flatten()
    }

    /// The tables the query reads: the model's, and its includes'.
    pub(super) fn tables(&self) -> Vec<&'static str> {
        let mut tables = vec![M::TABLE];
        self.query.include.tables(&mut tables);
        tables
    }

    /// Owned copies of the query's values, for an entry (made on a miss only).
    pub(super) fn shape(&self) -> Box<dyn Any + Send + Sync> {
        Box::new(Shape {
            filter: self.filter.clone(),
            order: self.order.clone(),
            page: self.page,
            keyset: self.keyset().map(|(after, limit)| (after.cloned(), limit)),
        })
    }
}

impl Inner {
    /// Stores `rows`, read at `stamp`, for the query of `shape` under `key`.
    pub(super) fn insert<M: Send + Sync + 'static>(
        &self,
        key: u64,
        stamp: Stamp,
        shape: Box<dyn Any + Send + Sync>,
        rows: Vec<M>,
    ) {
        let entry = Entry {
            stamp,
            shape,
            rows: Box::new(rows),
        };
        self.entries.insert(key, Arc::new(entry));
    }
}
