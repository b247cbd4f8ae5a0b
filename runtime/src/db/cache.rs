use super::invalidate::{self, Registry};
use super::relation::{Relation, Target};
use crate::batch::SharedCache;
use crate::cache::CacheConfig;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Loaded relations cached across sessions, on moka: one cache per relation,
/// keyed by the relation's key (the parent's key, or for `belongs_to` the
/// foreign key), each bounded by the same capacity and time to live.
///
/// Give it to every session with [`Session::with_relation_cache`](super::Session::with_relation_cache);
/// writes through a session's `insert`, `update` and `delete` invalidate what
/// they make stale. Writes made around the sessions (another process, raw SQL,
/// a join table without a model) are not seen: call
/// [`invalidate_all`](Self::invalidate_all) or
/// [`invalidate_relation`](Self::invalidate_relation) then.
///
/// ```
/// use std::time::Duration;
/// use unokit::cache::CacheConfig;
/// use unokit::db::RelationCache;
///
/// let cache = RelationCache::new(CacheConfig::new().with_capacity(50_000).with_ttl(Duration::from_secs(300)));
/// cache.invalidate_all();
/// ```
#[derive(Clone)]
pub struct RelationCache {
    inner: Arc<Inner>,
}

struct Inner {
    config: CacheConfig,
    caches: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    registry: Registry,
}

impl RelationCache {
    /// An empty cache; each relation's moka cache is bounded by `config`.
    #[must_use]
    pub fn new(config: CacheConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                config,
                caches: Mutex::new(HashMap::new()),
                registry: Registry::default(),
            }),
        }
    }

    /// The cache of relation `R`, made on first use.
    pub(crate) fn of<R: Relation>(&self) -> SharedCache<R::Key, Target<R>> {
        let mut caches = self
            .inner
            .caches
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(cache) = caches.get(&TypeId::of::<R>()) {
            return cache
                .downcast_ref::<SharedCache<R::Key, Target<R>>>()
                .expect("one cache type per relation")
                .clone();
        }
        let cache = SharedCache::new(self.inner.config);
        caches.insert(TypeId::of::<R>(), Arc::new(cache.clone()));
        drop(caches);
        self.inner.registry.register(
            <R::Child as super::Model>::TABLE,
            invalidate::for_relation::<R>(cache.clone()),
        );
        cache
    }

    pub(crate) fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// Forgets every cached relation.
    pub fn invalidate_all(&self) {
        self.inner.registry.clear_all();
    }

    /// Forgets every cached value of relation `R`: after writing its join table
    /// directly, say.
    pub fn invalidate_relation<R: Relation>(&self, relation: R) {
        let _ = relation;
        let caches = self
            .inner
            .caches
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(cache) = caches.get(&TypeId::of::<R>()) {
            cache
                .downcast_ref::<SharedCache<R::Key, Target<R>>>()
                .expect("one cache type per relation")
                .invalidate_all();
        }
    }

    /// The number of cached values of relation `R`, as of moka's last maintenance.
    #[must_use]
    pub fn entry_count<R: Relation>(&self, relation: R) -> u64 {
        let _ = relation;
        let caches = self
            .inner
            .caches
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        caches.get(&TypeId::of::<R>()).map_or(0, |cache| {
            let cache = cache
                .downcast_ref::<SharedCache<R::Key, Target<R>>>()
                .expect("one cache type per relation");
            cache.run_pending_tasks();
            cache.entry_count()
        })
    }
}

impl std::fmt::Debug for RelationCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelationCache")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}
