use crate::key::CacheKey;
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// One cached result with the owned key it was computed for.
///
/// Moka maps a key's fingerprint to its slot; a lookup compares the slot's key with
/// the call's borrowed arguments, so fingerprint collisions never return another
/// key's value. Slots are shared by moka and by the threads' front tables, so a slot
/// that leaves moka is marked dead rather than freed.
pub(crate) struct Slot<K, V> {
    pub(crate) key: K,
    pub(crate) value: V,
    generation: u64,
    born: Instant,
    dead: AtomicBool,
}

impl<K, V> Slot<K, V> {
    pub(crate) fn new(key: K, value: V, generation: u64) -> Self {
        Self {
            key,
            value,
            generation,
            born: Instant::now(),
            dead: AtomicBool::new(false),
        }
    }

    pub(crate) fn kill(&self) {
        self.dead.store(true, Relaxed);
    }

    #[inline]
    pub(crate) fn is_live(&self, generation: u64, ttl: Option<Duration>) -> bool {
        !self.dead.load(Relaxed)
            && self.generation == generation
            && ttl.is_none_or(|ttl| self.born.elapsed() < ttl)
    }
}

/// A key a function cache can store and compare: any [`CacheKey`], or an [`AnyKey`].
///
/// Keys are compared with [`CacheKey::key_eq`], so a field skipped from the key is
/// skipped from the comparison too.
pub trait StoredKey: Send + Sync + 'static {
    /// Whether `self` and `other` are the same key.
    fn same_key(&self, other: &Self) -> bool;
}

impl<T: CacheKey + Send + Sync + 'static> StoredKey for T {
    #[inline]
    fn same_key(&self, other: &Self) -> bool {
        self.key_eq(other)
    }
}

/// A key whose type a cache's `static` cannot name: the value of a
/// `#[cached(key = …)]` expression, or a key that includes `Self`.
///
/// ```
/// use unokit::cache::{AnyKey, StoredKey};
///
/// let key = AnyKey::new(String::from("users/7"));
/// assert!(key.is(&String::from("users/7")));
/// assert!(!key.is(&String::from("users/8")));
/// assert!(!key.is(&7_u64));
/// assert_eq!(key.downcast_ref::<String>().map(String::as_str), Some("users/7"));
/// assert!(key.same_key(&AnyKey::new(String::from("users/7"))));
/// ```
pub struct AnyKey {
    value: Box<dyn Any + Send + Sync>,
    same_key: fn(&AnyKey, &AnyKey) -> bool,
}

impl AnyKey {
    /// Wraps `value`.
    pub fn new<T: CacheKey + Send + Sync + 'static>(value: T) -> Self {
        Self {
            value: Box::new(value),
            same_key: |a, b| matches!(b.downcast_ref::<T>(), Some(b) if a.is(b)),
        }
    }

    /// The wrapped value, if it is a `T`.
    #[must_use]
    pub fn downcast_ref<T: 'static>(&self) -> Option<&T> {
        self.value.downcast_ref()
    }

    /// Whether the wrapped value is a `T` and the same key as `other`.
    #[must_use]
    pub fn is<T: CacheKey + 'static>(&self, other: &T) -> bool {
        self.downcast_ref::<T>()
            .is_some_and(|value| value.key_eq(other))
    }
}

impl StoredKey for AnyKey {
    fn same_key(&self, other: &Self) -> bool {
        (self.same_key)(self, other)
    }
}

impl std::fmt::Debug for AnyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnyKey").finish_non_exhaustive()
    }
}
