//! A response cache for axum, as a tower layer.
//!
//! - **Key**: method, path, the query with its parameters sorted and `fields`
//!   in canonical form (`?fields=a,b` and `?fields=b,a` share an entry), and the
//!   headers named with [`ResponseCacheBuilder::vary_on`].
//! - **What is stored**: `GET` and `HEAD` responses with a 2xx status, without
//!   `Cache-Control: no-store`/`private`, whose body fits
//!   [`max_entry_bytes`](ResponseCacheBuilder::max_entry_bytes). Requests
//!   carrying `Authorization` or `Cookie` bypass the cache unless the key varies
//!   on that header.
//! - **Size**: entries are weighed by their bytes; the total is capped by
//!   [`max_bytes`](ResponseCacheBuilder::max_bytes) (moka evicts the least useful).
//! - **Single flight**: concurrent misses on one key run the handler once; the
//!   others wait and get the stored response. If it was not storable, they run
//!   the handler themselves.
//! - **Tags**: a handler tags its response with [`CacheTags`];
//!   [`ResponseCache::invalidate_tag`] removes every entry with that tag. A
//!   response computed while an invalidation ran is not stored.
//! - **ETag**: stored responses carry a strong `ETag`; a request whose
//!   `If-None-Match` matches gets `304 Not Modified` without a body.
//! - Responses say `x-cache: HIT` or `x-cache: MISS`.
//!
//! ```
//! use axum::{Router, routing::get};
//! use unokit::http::{CacheTags, ResponseCache};
//!
//! let cache = ResponseCache::builder().max_bytes(64 << 20).ttl(std::time::Duration::from_secs(60)).build();
//! let app: Router = Router::new()
//!     .route("/users", get(|| async { (CacheTags::new(["users"]), "[]") }))
//!     .layer(cache.layer());
//! // After a write:
//! cache.invalidate_tag("users");
//! ```

mod key;
mod layer;

pub use layer::{ResponseCacheLayer, ResponseCacheService};

use axum::response::{IntoResponseParts, ResponseParts};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// Tags of a response, for [`ResponseCache::invalidate_tag`]. Return it from a
/// handler beside the body: `(CacheTags::new(["users", "user:7"]), Json(user))`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CacheTags(pub Vec<Arc<str>>);

impl CacheTags {
    /// These tags.
    pub fn new<I, T>(tags: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<Arc<str>>,
    {
        Self(tags.into_iter().map(Into::into).collect())
    }
}

impl IntoResponseParts for CacheTags {
    type Error = Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Self::Error> {
        parts.extensions_mut().insert(self);
        Ok(parts)
    }
}

/// Counters of a [`ResponseCache`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResponseCacheStats {
    /// Requests answered from the cache (including 304s).
    pub hits: u64,
    /// Requests that ran the handler.
    pub misses: u64,
    /// Responses stored.
    pub stores: u64,
}

/// A handle on one response cache: make its [`layer`](Self::layer), keep a
/// clone to invalidate. Clones share the cache.
#[derive(Clone)]
pub struct ResponseCache {
    inner: Arc<Inner>,
}

struct Inner {
    entries: moka::sync::Cache<Arc<str>, Arc<Entry>>,
    vary: Vec<HeaderName>,
    max_entry_bytes: usize,
    index: Mutex<Index>,
    fills: Mutex<HashMap<Arc<str>, watch::Receiver<()>>>,
    hits: AtomicU64,
    misses: AtomicU64,
    stores: AtomicU64,
}

/// Which keys carry which tag, and how many invalidations happened.
#[derive(Default)]
struct Index {
    epoch: u64,
    by_tag: HashMap<Arc<str>, HashSet<Arc<str>>>,
    indexed_keys: usize,
}

pub(crate) struct Entry {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) etag: HeaderValue,
}

impl ResponseCache {
    /// A cache with the defaults: 64 MiB, entries up to 1 MiB, no time to live.
    #[must_use]
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// Configures a cache.
    #[must_use]
    pub fn builder() -> ResponseCacheBuilder {
        ResponseCacheBuilder {
            max_bytes: 64 << 20,
            max_entry_bytes: 1 << 20,
            ttl: None,
            vary: Vec::new(),
        }
    }

    /// The tower layer that serves from this cache.
    #[must_use]
    pub fn layer(&self) -> ResponseCacheLayer {
        ResponseCacheLayer::new(self.clone())
    }

    /// Removes every entry tagged `tag`; responses being computed now are not stored.
    pub fn invalidate_tag(&self, tag: &str) {
        let keys = {
            let mut index = self.index();
            index.epoch += 1;
            let keys = index.by_tag.remove(tag).unwrap_or_default();
            index.indexed_keys -= keys.len();
            keys
        };
        for key in keys {
            self.inner.entries.invalidate(&key);
        }
    }

    /// Removes every entry; responses being computed now are not stored.
    pub fn invalidate_all(&self) {
        let mut index = self.index();
        index.epoch += 1;
        index.by_tag.clear();
        index.indexed_keys = 0;
        self.inner.entries.invalidate_all();
    }

    /// Hits, misses and stores so far.
    #[must_use]
    pub fn stats(&self) -> ResponseCacheStats {
        ResponseCacheStats {
            hits: self.inner.hits.load(Relaxed),
            misses: self.inner.misses.load(Relaxed),
            stores: self.inner.stores.load(Relaxed),
        }
    }

    fn index(&self) -> std::sync::MutexGuard<'_, Index> {
        self.inner
            .index
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn epoch(&self) -> u64 {
        self.index().epoch
    }

    pub(crate) fn lookup(&self, key: &str) -> Option<Arc<Entry>> {
        self.inner.entries.get(key)
    }

    /// Stores `entry` unless an invalidation happened since `epoch` (it may
    /// have been computed from data that has changed since).
    pub(crate) fn store(&self, key: &Arc<str>, entry: Arc<Entry>, tags: &[Arc<str>], epoch: u64) {
        let mut index = self.index();
        if index.epoch != epoch {
            return;
        }
        // Under the lock, so that an invalidation either sees the key indexed
        // or bumps the epoch before it is stored.
        self.inner.entries.insert(Arc::clone(key), entry);
        for tag in tags {
            if index
                .by_tag
                .entry(Arc::clone(tag))
                .or_default()
                .insert(Arc::clone(key))
            {
                index.indexed_keys += 1;
            }
        }
        // Evicted entries leave their keys in the index: sweep when it
        // outgrows the cache.
        let live = usize::try_from(self.inner.entries.entry_count()).unwrap_or(usize::MAX);
        if index.indexed_keys > 2 * live + 1024 {
            let entries = &self.inner.entries;
            let mut remaining = 0;
            index.by_tag.retain(|_, keys| {
                keys.retain(|key| entries.contains_key(key));
                remaining += keys.len();
                !keys.is_empty()
            });
            index.indexed_keys = remaining;
        }
        self.inner.stores.fetch_add(1, Relaxed);
    }

    pub(crate) fn vary(&self) -> &[HeaderName] {
        &self.inner.vary
    }

    pub(crate) fn max_entry_bytes(&self) -> usize {
        self.inner.max_entry_bytes
    }

    pub(crate) fn count_hit(&self) {
        self.inner.hits.fetch_add(1, Relaxed);
    }

    pub(crate) fn count_miss(&self) {
        self.inner.misses.fetch_add(1, Relaxed);
    }

    /// Becomes the one caller filling `key`, or gets a receiver that completes
    /// when that caller is done.
    pub(crate) fn join_fill(&self, key: &Arc<str>) -> Fill {
        let mut fills = self
            .inner
            .fills
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(done) = fills.get(key) {
            return Fill::Wait(done.clone());
        }
        let (sender, receiver) = watch::channel(());
        fills.insert(Arc::clone(key), receiver.clone());
        Fill::Lead(FillGuard {
            cache: self.clone(),
            key: Arc::clone(key),
            receiver,
            _sender: sender,
        })
    }
}

impl Default for ResponseCache {
    fn default() -> Self {
        Self::new()
    }
}

pub(crate) enum Fill {
    Lead(FillGuard),
    Wait(watch::Receiver<()>),
}

/// Held by the caller filling a key; dropping it (done, failed or cancelled)
/// wakes the waiters.
pub(crate) struct FillGuard {
    cache: ResponseCache,
    key: Arc<str>,
    receiver: watch::Receiver<()>,
    _sender: watch::Sender<()>,
}

impl Drop for FillGuard {
    fn drop(&mut self) {
        let mut fills = self
            .cache
            .inner
            .fills
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if fills
            .get(&self.key)
            .is_some_and(|current| current.same_channel(&self.receiver))
        {
            fills.remove(&self.key);
        }
    }
}

/// Settings of a [`ResponseCache`].
#[derive(Debug, Clone)]
pub struct ResponseCacheBuilder {
    max_bytes: u64,
    max_entry_bytes: usize,
    ttl: Option<Duration>,
    vary: Vec<HeaderName>,
}

impl ResponseCacheBuilder {
    /// The total size of stored bodies, headers and keys (default 64 MiB).
    #[must_use]
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// The largest body stored (default 1 MiB); larger responses pass through.
    #[must_use]
    pub fn max_entry_bytes(mut self, bytes: usize) -> Self {
        self.max_entry_bytes = bytes;
        self
    }

    /// How long an entry lives (default: until evicted or invalidated).
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// Adds a request header to the key (`Accept-Language`, say). Naming
    /// `Authorization` or `Cookie` lets requests carrying them be cached, per value.
    #[must_use]
    pub fn vary_on(mut self, header: HeaderName) -> Self {
        self.vary.push(header);
        self
    }

    /// The cache.
    #[must_use]
    pub fn build(self) -> ResponseCache {
        let mut entries = moka::sync::Cache::builder()
            .max_capacity(self.max_bytes)
            .weigher(|key: &Arc<str>, entry: &Arc<Entry>| {
                let headers: usize = entry
                    .headers
                    .iter()
                    .map(|(name, value)| name.as_str().len() + value.len() + 32)
                    .sum();
                u32::try_from(key.len() + entry.body.len() + headers + 128).unwrap_or(u32::MAX)
            });
        if let Some(ttl) = self.ttl {
            entries = entries.time_to_live(ttl);
        }
        ResponseCache {
            inner: Arc::new(Inner {
                entries: entries.build(),
                vary: self.vary,
                max_entry_bytes: self.max_entry_bytes,
                index: Mutex::default(),
                fills: Mutex::default(),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
                stores: AtomicU64::new(0),
            }),
        }
    }
}
