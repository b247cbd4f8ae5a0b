//! The keys a function cache stores: any `CacheKey`, or one whose type the
//! cache's `static` cannot name, boxed.

use super::weigh::Weigh;
use crate::key::CacheKey;
use std::any::Any;
use std::mem::size_of;

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
pub struct AnyKey {
    value: Box<dyn Any + Send + Sync>,
    same_key: fn(&AnyKey, &AnyKey) -> bool,
    /// The wrapped value's heap bytes, from [`weighed`](Self::weighed); the box
    /// alone otherwise.
    heap_bytes: usize,
}

impl AnyKey {
    /// Wraps `value`.
    pub fn new<T: CacheKey + Send + Sync + 'static>(value: T) -> Self {
        Self {
            value: Box::new(value),
            same_key: |a, b| matches!(b.downcast_ref::<T>(), Some(b) if a.is(b)),
            heap_bytes: size_of::<T>(),
        }
    }

    /// Wraps `value`, remembering its weight for a cache bounded in bytes.
    pub fn weighed<T: CacheKey + Weigh + Send + Sync + 'static>(value: T) -> Self {
        let heap_bytes = value.weight();
        Self {
            heap_bytes,
            ..Self::new(value)
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

impl Weigh for AnyKey {
    fn heap_bytes(&self) -> usize {
        self.heap_bytes
    }
}

impl std::fmt::Debug for AnyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnyKey").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::{AnyKey, StoredKey};

    #[test]
    fn an_any_key_is_the_same_key_only_as_a_value_of_its_type() {
        let key = AnyKey::new(String::from("users/7"));
        assert!(key.is(&String::from("users/7")));
        assert!(!key.is(&String::from("users/8")));
        assert!(!key.is(&7_u64));
        assert_eq!(
            key.downcast_ref::<String>().map(String::as_str),
            Some("users/7")
        );
        assert!(key.same_key(&AnyKey::new(String::from("users/7"))));
        assert!(!key.same_key(&AnyKey::new(7_u64)));
    }

    #[test]
    fn a_weighed_any_key_counts_the_heap_of_its_value() {
        use super::Weigh;
        let text = "k".repeat(4096);
        let weighed = AnyKey::weighed(text.clone());
        assert_eq!(weighed.heap_bytes(), text.weight());
        assert!(weighed.weight() > 4096);
        assert!(weighed.is(&text));
        assert!(AnyKey::new(text).weight() < 4096);
    }
}
