//! Query results shared by every instance of a service through the Redis
//! tier (feature `redis`): [`QueryCache::shared`] and [`Filtered::cached_l2`].
//!
//! Each instance follows the database's versions of the tables it watches
//! ([`Changes`]); instances of one database agree on them. A result goes to
//! Redis with the versions of the tables it read, taken before it was read,
//! and another instance takes it only if they are the versions it knows now:
//! a write that instance has seen makes the entry a miss, as it makes its own
//! entries stale — no message has to cross between instances, and none can be
//! lost. Until a watcher has read a table's version, and after a write made
//! through this process until the watcher has read the versions again, the
//! table's results are not taken from Redis (nor given to it).

use super::Filter;
use super::cached::QueryCache;
use super::select::Filtered;
use crate::cache::CacheConfig;
use crate::cache::l2::{self, KeyParts, Space, Stored};
use crate::db::changes::Changes;
use crate::db::engine::{Column, Engine};
use crate::db::error::DbError;
use crate::db::include::Include;
use crate::db::model::ModelRow;
use crate::key::CacheKey;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;
use tokio::time::Instant;

/// Where a [`QueryCache`] shares its results.
pub(super) struct Shared {
    namespace: String,
    ttl: Duration,
    hits: AtomicU64,
    /// Shared as `Arc`: the writes behind the callers count in it.
    writes: Arc<AtomicU64>,
}

impl QueryCache {
    /// A cache like [`new`](Self::new)'s whose results are also shared with
    /// the service's other instances through the Redis tier the process
    /// [installed](crate::cache::l2::install), under `namespace`, for `ttl`.
    /// Use it with [`Filtered::cached_l2`]; without an installed tier, or
    /// while Redis is down, it works as an in-process cache alone.
    ///
    /// ```
    /// use std::time::Duration;
    /// use unokit::cache::CacheConfig;
    /// use unokit::db::{Changes, QueryCache};
    ///
    /// let changes = Changes::new();
    /// let config = CacheConfig::new().with_capacity(10_000);
    /// let cache = QueryCache::shared(&changes, config, "blog.queries", Duration::from_secs(600));
    /// assert_eq!(cache.shared_hits(), 0);
    /// ```
    #[must_use]
    pub fn shared(changes: &Changes, config: CacheConfig, namespace: &str, ttl: Duration) -> Self {
        Self::build(
            changes,
            &config,
            Some(Shared {
                namespace: namespace.to_owned(),
                ttl,
                hits: AtomicU64::new(0),
                writes: Arc::default(),
            }),
        )
    }

    /// Queries answered from Redis (counted neither in
    /// [`hits`](Self::hits) nor in [`misses`](Self::misses)).
    #[must_use]
    pub fn shared_hits(&self) -> u64 {
        self.inner
            .shared
            .as_ref()
            .map_or(0, |shared| shared.hits.load(Relaxed))
    }

    /// Results written to Redis (behind their callers).
    #[must_use]
    pub fn shared_writes(&self) -> u64 {
        self.inner
            .shared
            .as_ref()
            .map_or(0, |shared| shared.writes.load(Relaxed))
    }
}

impl<'f, M, DB, I, F> Filtered<'_, 'f, M, DB, I, F>
where
    M: ModelRow<DB> + Serialize + DeserializeOwned,
    M::Key: Serialize,
    DB: Engine,
    I: Include<M, DB> + 'static,
    F: Filter<DB, Model = M> + Clone + Eq + Hash + Serialize,
    i64: Column<DB>,
{
    /// [`cached`](Self::cached), with the results shared through Redis when
    /// `cache` was made [`shared`](QueryCache::shared): on a local miss, a
    /// result another instance read at the table versions this instance
    /// knows now is taken from Redis; a result read here is written to Redis
    /// behind the caller. Rows go through serde: a model's relations not
    /// included in a query need
    /// `#[serde(default, skip_serializing_if = "Related::is_unloaded")]`.
    ///
    /// # Errors
    ///
    /// As [`all`](Self::all). Redis never fails a query: an entry it does not
    /// return in time, or that does not decode, is a miss.
    pub async fn cached_l2(self, cache: &QueryCache) -> Result<Vec<M>, DbError> {
        let inner = &*cache.inner;
        let key = self.local_key(inner);
        if let Some(rows) = self.local_hit(inner, key) {
            inner.hits.fetch_add(1, Relaxed);
            return Ok(rows);
        }
        // One caller per query goes on to Redis and the database.
        let lead = match self.join_flight(inner, key).await {
            Ok(rows) => {
                inner.hits.fetch_add(1, Relaxed);
                return Ok(rows);
            }
            Err(lead) => lead,
        };
        let tables = self.tables();
        // Both taken before the query runs, as `cached` does.
        let stamp = inner.changes.stamp(&tables);
        let versions = inner.changes.database_versions(&tables);
        let link = match (&inner.shared, l2::installed(), versions) {
            (Some(shared), Some(tier), Some(versions)) => self
                .shared_key()
                .map(|parts| (shared, tier, parts, versions, space::<M, DB, I, F>(shared))),
            _ => None,
        };
        if let Some((shared, tier, parts, versions, space)) = &link
            && let Ok(found) = tier.fetch::<(Vec<u64>, Vec<M>)>(space, parts).await
            && found.value.0 == *versions
        {
            shared.hits.fetch_add(1, Relaxed);
            let rows = found.value.1;
            inner.insert(key, stamp, self.shape(), rows.clone());
            drop(lead);
            return Ok(rows);
        }
        inner.misses.fetch_add(1, Relaxed);
        let shape = self.shape();
        let started = Instant::now();
        let rows = self.all().await?;
        let took = started.elapsed();
        inner.insert(key, stamp, shape, rows.clone());
        drop(lead);
        if let Some((shared, tier, parts, versions, space)) = link {
            let (ttl, writes) = (shared.ttl, Arc::clone(&shared.writes));
            let value = (versions, rows.clone());
            // Behind the caller: the rows are the caller's already.
            tokio::spawn(async move {
                if tier.store(&space, &parts, &value, ttl, took).await == Stored::Stored {
                    writes.fetch_add(1, Relaxed);
                }
            });
        }
        Ok(rows)
    }

    /// The query as Redis keys it: its types' names and its values, encoded.
    /// `None` if a value does not serialize (the query is then not shared).
    fn shared_key(&self) -> Option<KeyParts> {
        let order: Vec<_> = self.order.iter().map(|order| order.parts()).collect();
        let keyset = self
            .keyset
            .as_ref()
            .map(|keyset| (keyset.after, keyset.limit));
        let page = self.page.map(|page| (page.limit, page.offset));
        let bytes = rmp_serde::to_vec(&(
            std::any::type_name::<(M, I, F, DB)>(),
            self.filter,
            order,
            page,
            keyset,
        ))
        .ok()?;
        Some(KeyParts {
            fingerprint: bytes.as_slice().fingerprint(),
            bytes,
            tags: Vec::new(),
        })
    }
}

/// The space of a query's results: a schema of the query's types and the
/// model's columns, so that a changed model never reads old entries.
fn space<M: ModelRow<DB>, DB: Engine, I: 'static, F: 'static>(shared: &Shared) -> Space {
    let schema = (std::any::type_name::<(M, I, F, DB)>(), M::COLUMNS).fingerprint();
    Space::new(&shared.namespace, schema)
}
