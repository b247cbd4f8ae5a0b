//! A response cache for axum, as a tower layer.
//!
//! - **Key**: method, path, the query with its parameters sorted by name and
//!   `fields` in canonical form (`?fields=a,b` and `?fields=b,a` share an
//!   entry) on routes whose handler reads a selection (the cache learns which
//!   from the `?fields=` extractors; elsewhere `fields` is keyed as sent), and the headers named with [`ResponseCacheBuilder::vary_on`], all
//!   as raw bytes (`%FF` and `%FE` never share a key, nor an absent and an
//!   empty header). A request whose key would exceed 8 KiB is not cached.
//! - **Who may see a stored response**: requests carrying a *credential
//!   header* ([`ResponseCacheBuilder::credential_header`]; by default
//!   `Authorization`, `Proxy-Authorization`, `Cookie`, `X-Api-Key`, `Api-Key`,
//!   `X-Auth-Token`, `X-Access-Token`) bypass the cache, unless the key varies
//!   on that header (then each value has its own entries). Requests with
//!   `Range` bypass it too. Request `Cache-Control` is ignored: clients cannot
//!   force misses on a server-side cache.
//! - **What is stored**: what a shared cache may store by RFC 9111's default
//!   rules (decided with `http-cache-semantics`): responses to `GET` and `HEAD`
//!   with a status cacheable by default (`200`, `203`, `204`, `301`, `308`,
//!   `404`, `405`, `410`, `414`, `501`), or another understood status (`300`,
//!   `302`, `303`, `307`) with an explicit lifetime; never `206`, never with
//!   `Cache-Control: private`, `no-store` or `no-cache`, never with
//!   `Set-Cookie`, never with `Vary: *` or a `Vary` naming a header the key
//!   does not vary on (add it with [`vary_on`](ResponseCacheBuilder::vary_on)),
//!   never a streamed body that failed (see [`JsonStream`](crate::select::stream::JsonStream)),
//!   never a body over [`max_entry_bytes`](ResponseCacheBuilder::max_entry_bytes).
//!   A handler opts out with `Cache-Control: no-store`.
//! - **Lifetime**: the response's own (`s-maxage`, `max-age`, `Expires`),
//!   capped by [`ttl`](ResponseCacheBuilder::ttl), which is also the lifetime
//!   of responses that give none: [`ResponseCache::DEFAULT_TTL`] (60 s) unless
//!   configured.
//! - **Size**: entries are weighed by the memory they hold (body, headers,
//!   key, tags and bookkeeping); the total is capped by
//!   [`max_bytes`](ResponseCacheBuilder::max_bytes) (moka evicts the least useful).
//! - **Single flight**: concurrent misses on one key run the handler once; the
//!   others wait and get the stored response. If it was not storable, they run
//!   the handler themselves.
//! - **Tags**: a handler tags its response with [`CacheTags`];
//!   [`ResponseCache::invalidate_tag`] removes every entry with that tag. A
//!   response computed while an invalidation ran is not stored. Storing and
//!   invalidating cost time in proportion to the entry's tags, whatever the
//!   number of entries.
//! - **ETag**: stored responses carry a strong `ETag`, the SHA-256 of the
//!   body; a request whose `If-None-Match` matches gets `304 Not Modified`
//!   without a body.
//! - Responses say `x-cache: HIT` (from the cache), `MISS` (the handler ran)
//!   or `BYPASS` (the request was not eligible: method, credentials, `Range`,
//!   key).
//!
//! # Layer order: authentication goes outside the cache
//!
//! The cache answers a hit without calling what it wraps. A layer that checks
//! credentials (or rate-limits, or audits) *inside* the cache never sees the
//! requests that hit. With axum, layers added later wrap the earlier ones, so
//! add the cache first and authentication after it:
//!
//! ```
//! # use axum::{Router, routing::get};
//! # use unokit::http::ResponseCache;
//! # let cache = ResponseCache::new();
//! # let auth = axum::middleware::from_fn(|r: axum::extract::Request, n: axum::middleware::Next| n.run(r));
//! let app: Router = Router::new()
//!     .route("/reports", get(|| async { "…" }))
//!     .layer(cache.layer()) // inner: runs only for authenticated requests
//!     .layer(auth); // outer: sees every request
//! ```
//!
//! A handler that reads the caller's identity from a header must have that
//! header among the credential headers (or in the key): otherwise one caller's
//! response is served to the next.
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

mod builder;
mod index;
mod key;
mod layer;
mod policy;
#[cfg(test)]
mod tests;

pub use builder::ResponseCacheBuilder;
pub use layer::{ResponseCacheLayer, ResponseCacheService};

use axum::response::{IntoResponseParts, ResponseParts};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use index::Index;
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
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
    /// Requests that were not eligible (`x-cache: BYPASS`).
    pub bypasses: u64,
    /// Entries held (moka's count: approximate while evictions are pending).
    pub entries: u64,
}

/// The key of an entry: raw bytes (see the module documentation).
pub(crate) type Key = Arc<[u8]>;

/// Put in a request's extensions by the layer when it does not know yet whether
/// the route reads a selection; the `?fields=` extractors mark it. A response
/// from a marked route is stored under the key with `fields` canonical, and
/// the route's later requests are keyed that way.
#[derive(Clone, Default)]
pub(crate) struct SelectionProbe(Arc<AtomicBool>);

impl SelectionProbe {
    pub(crate) fn mark(&self) {
        self.0.store(true, Relaxed);
    }

    pub(crate) fn marked(&self) -> bool {
        self.0.load(Relaxed)
    }
}

/// A handle on one response cache: make its [`layer`](Self::layer), keep a
/// clone to invalidate. Clones share the cache.
#[derive(Clone)]
pub struct ResponseCache {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    entries: moka::sync::Cache<Key, Arc<Entry>>,
    vary: Vec<HeaderName>,
    credentials: Vec<HeaderName>,
    max_entry_bytes: usize,
    ttl: Duration,
    index: Mutex<Index>,
    fills: Mutex<HashMap<Key, watch::Receiver<()>>>,
    /// The routes whose handler reads `?fields=` as a selection (see
    /// [`SelectionProbe`]): only their keys hold `fields` in canonical form.
    selection_routes: RwLock<HashSet<Box<str>>>,
    hits: AtomicU64,
    misses: AtomicU64,
    stores: AtomicU64,
    bypasses: AtomicU64,
}

pub(crate) struct Entry {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) etag: HeaderValue,
    pub(crate) tags: Arc<[Arc<str>]>,
    /// How long the entry lives from its store.
    pub(crate) ttl: Duration,
    /// Tells this entry from a later one under the same key, in the tag index.
    pub(crate) id: u64,
}

impl ResponseCache {
    /// The lifetime of entries whose response gives none, and the cap on the
    /// others, unless [`ResponseCacheBuilder::ttl`] says otherwise.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

    /// A cache with the defaults: 64 MiB, entries up to 1 MiB, a time to live
    /// of [`DEFAULT_TTL`](Self::DEFAULT_TTL), the default credential headers.
    #[must_use]
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// Configures a cache.
    #[must_use]
    pub fn builder() -> ResponseCacheBuilder {
        ResponseCacheBuilder::with_defaults(Self::DEFAULT_TTL)
    }

    /// The tower layer that serves from this cache.
    #[must_use]
    pub fn layer(&self) -> ResponseCacheLayer {
        ResponseCacheLayer::new(self.clone())
    }

    /// Removes every entry tagged `tag`; responses being computed now are not stored.
    pub fn invalidate_tag(&self, tag: &str) {
        let keys = self.index().invalidate_tag(tag);
        for key in keys {
            self.inner.entries.invalidate(&key);
        }
    }

    /// Removes every entry; responses being computed now are not stored.
    pub fn invalidate_all(&self) {
        let mut index = self.index();
        index.invalidate_all();
        self.inner.entries.invalidate_all();
    }

    /// A handle that does not keep the cache alive, for the metrics exporter.
    #[cfg(feature = "metrics")]
    pub(crate) fn downgrade(&self) -> std::sync::Weak<Inner> {
        Arc::downgrade(&self.inner)
    }

    /// The cache behind `weak`, while it lives.
    #[cfg(feature = "metrics")]
    pub(crate) fn upgrade(weak: &std::sync::Weak<Inner>) -> Option<Self> {
        weak.upgrade().map(|inner| Self { inner })
    }

    /// Hits, misses, stores and bypasses so far, and the entries held.
    #[must_use]
    pub fn stats(&self) -> ResponseCacheStats {
        ResponseCacheStats {
            hits: self.inner.hits.load(Relaxed),
            misses: self.inner.misses.load(Relaxed),
            stores: self.inner.stores.load(Relaxed),
            bypasses: self.inner.bypasses.load(Relaxed),
            entries: self.inner.entries.entry_count(),
        }
    }

    fn index(&self) -> MutexGuard<'_, Index> {
        self.inner
            .index
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn epoch(&self) -> u64 {
        self.index().epoch()
    }

    pub(crate) fn lookup(&self, key: &[u8]) -> Option<Arc<Entry>> {
        self.inner.entries.get(key)
    }

    /// Stores `entry` unless an invalidation happened since `epoch` (it may
    /// have been computed from data that has changed since); the entry either way.
    pub(crate) fn store(&self, key: &Key, mut entry: Entry, epoch: u64) -> Arc<Entry> {
        let mut index = self.index();
        entry.id = index.next_id();
        let entry = Arc::new(entry);
        if index.epoch() != epoch {
            return entry;
        }
        // Under the lock, so that an invalidation either sees the key indexed
        // or bumps the epoch before it is stored. (Evictions that this insert
        // causes only queue a message: they take no lock.)
        self.inner
            .entries
            .insert(Arc::clone(key), Arc::clone(&entry));
        index.add(key, &entry.tags, entry.id);
        self.inner.stores.fetch_add(1, Relaxed);
        entry
    }

    pub(crate) fn key_rules(&self, canonical_fields: bool) -> key::KeyRules<'_> {
        key::KeyRules {
            vary: &self.inner.vary,
            credentials: &self.inner.credentials,
            canonical_fields,
        }
    }

    /// Whether the handler of `route` (its matched path, or `""` outside a
    /// router) has been seen reading a selection.
    pub(crate) fn uses_selection(&self, route: &str) -> bool {
        self.inner
            .selection_routes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(route)
    }

    /// Records that the handler of `route` reads a selection. Routes are the
    /// router's patterns, so the set stays as small as the router.
    pub(crate) fn learn_selection(&self, route: &str) {
        self.inner
            .selection_routes
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(Box::from(route));
    }

    pub(crate) fn vary(&self) -> &[HeaderName] {
        &self.inner.vary
    }

    pub(crate) fn credentials(&self) -> &[HeaderName] {
        &self.inner.credentials
    }

    pub(crate) fn ttl(&self) -> Duration {
        self.inner.ttl
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

    pub(crate) fn count_bypass(&self) {
        self.inner.bypasses.fetch_add(1, Relaxed);
    }

    /// Becomes the one caller filling `key`, or gets a receiver that completes
    /// when that caller is done.
    pub(crate) fn join_fill(&self, key: &Key) -> Fill {
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
    key: Key,
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

/// `Date` and `Content-Length` describe one transfer; `ETag` and `x-cache`
/// are the cache's own.
pub(crate) const NOT_STORED_HEADERS: [HeaderName; 4] = [
    header::CONNECTION,
    header::TRANSFER_ENCODING,
    header::CONTENT_LENGTH,
    header::DATE,
];
