//! How a [`ResponseCache`] is configured and built, and what its entries weigh.

use super::index::{Evicted, Index};
use super::{Entry, Inner, Key, ResponseCache};
use http::HeaderName;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};

/// The credential headers of [`ResponseCache::builder`].
const DEFAULT_CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-access-token",
];

/// Settings of a [`ResponseCache`].
#[derive(Debug, Clone)]
pub struct ResponseCacheBuilder {
    max_bytes: u64,
    max_entry_bytes: usize,
    ttl: Duration,
    vary: Vec<HeaderName>,
    credentials: Vec<HeaderName>,
}

impl ResponseCacheBuilder {
    /// The settings of [`ResponseCache::builder`].
    pub(super) fn with_defaults(ttl: Duration) -> Self {
        Self {
            max_bytes: 64 << 20,
            max_entry_bytes: 1 << 20,
            ttl,
            vary: Vec::new(),
            credentials: DEFAULT_CREDENTIAL_HEADERS
                .iter()
                .map(|name| HeaderName::from_static(name))
                .collect(),
        }
    }

    /// The total memory of stored entries: bodies, headers, keys, tags and
    /// bookkeeping (default 64 MiB).
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

    /// The longest an entry lives, and the lifetime of responses that give
    /// none (default [`ResponseCache::DEFAULT_TTL`]).
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Adds a request header to the key (`Accept-Language`, say). Responses
    /// whose `Vary` names a header that is not in the key are not stored.
    /// Naming a credential header lets requests carrying it be cached, per value.
    #[must_use]
    pub fn vary_on(mut self, header: HeaderName) -> Self {
        self.vary.push(header);
        self
    }

    /// Adds a credential header: requests carrying it bypass the cache unless
    /// the key [varies on](Self::vary_on) it. The defaults are `Authorization`,
    /// `Proxy-Authorization`, `Cookie`, `X-Api-Key`, `Api-Key`, `X-Auth-Token`
    /// and `X-Access-Token`.
    #[must_use]
    pub fn credential_header(mut self, header: HeaderName) -> Self {
        self.credentials.push(header);
        self
    }

    /// The cache.
    #[must_use]
    pub fn build(self) -> ResponseCache {
        let (evictions, evicted) = mpsc::channel::<Evicted>();
        let entries = moka::sync::Cache::builder()
            .max_capacity(self.max_bytes)
            .weigher(|key: &Key, entry: &Arc<Entry>| weigh(key, entry))
            .expire_after(Lifetime)
            .eviction_listener(move |key: Arc<Key>, entry: Arc<Entry>, _| {
                // No lock here: moka may call this inside `store`'s insert.
                if !entry.tags.is_empty() {
                    let _ = evictions.send(Evicted {
                        key: Key::clone(&key),
                        id: entry.id,
                        tags: Arc::clone(&entry.tags),
                    });
                }
            })
            .build();
        ResponseCache {
            inner: Arc::new(Inner {
                entries,
                vary: self.vary,
                credentials: self.credentials,
                max_entry_bytes: self.max_entry_bytes,
                ttl: self.ttl,
                index: Mutex::new(Index::new(evicted)),
                fills: Mutex::default(),
                selection_routes: RwLock::default(),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
                stores: AtomicU64::new(0),
                bypasses: AtomicU64::new(0),
            }),
        }
    }
}

/// Each entry's own time to live.
struct Lifetime;

impl moka::Expiry<Key, Arc<Entry>> for Lifetime {
    fn expire_after_create(&self, _: &Key, entry: &Arc<Entry>, _: Instant) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// Fixed costs per entry, per header and per tag: moka's entry (node, timer,
/// deques, sketch), the `Entry` and its `Arc`, a `HeaderMap`'s table, a
/// header's bucket and index, a tag in the entry and in the tag index. With
/// them, resident memory stays within the cap (`examples/cache_memory.rs`:
/// 0.98–1.03× a 64 MiB cap for bodies of 64 B–16 KiB and keys up to 2 KiB).
pub(super) const ENTRY_OVERHEAD: usize = 1024;
const HEADER_OVERHEAD: usize = 96;
const TAG_OVERHEAD: usize = 160;

/// The memory an entry holds: the key (shared by moka and the tag index),
/// the body is an exact-size buffer (see the layer), the headers and tags
/// their bytes and their overhead.
pub(crate) fn weigh(key: &Key, entry: &Entry) -> u32 {
    let headers: usize = entry
        .headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + HEADER_OVERHEAD)
        .sum();
    let tags: usize = entry.tags.iter().map(|tag| tag.len() + TAG_OVERHEAD).sum();
    let total = key.len()
        + entry.body.len()
        + headers
        + tags
        + entry.etag.len()
        + HEADER_OVERHEAD
        + ENTRY_OVERHEAD;
    u32::try_from(total).unwrap_or(u32::MAX)
}
