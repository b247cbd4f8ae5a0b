//! The per-process keyed hash that in-memory caches map keys with.

use super::{CacheKey, KeySink};
use foldhash::fast::{FoldHasher, RandomState};
use std::hash::{BuildHasher, Hasher};

/// A key's hash for an in-memory map: foldhash (its `fast` variant) under a seed
/// drawn at random for each map, so that no one outside the process can predict
/// it or craft keys that collide on purpose.
///
/// It is not [`CacheKey::fingerprint`], which is the same in every process so that
/// it can be stored and shared, and which anyone can therefore compute: an
/// in-memory map keyed by it would let chosen keys collide. A keyed hash is
/// different in every run; never store it.
///
/// Parts are absorbed as a [`KeySink`] writes them, lengths included, so keys that
/// write different parts hash apart as well as foldhash separates any two inputs.
#[derive(Clone)]
pub struct KeyedHasher {
    inner: FoldHasher<'static>,
}

/// The seed of one map's [`KeyedHasher`]s: random, drawn once per map.
#[derive(Clone, Debug, Default)]
pub struct KeyedSeed(RandomState);

impl KeyedSeed {
    /// A fresh random seed.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A hasher under this seed that has absorbed nothing.
    #[inline]
    #[must_use]
    pub fn hasher(&self) -> KeyedHasher {
        KeyedHasher {
            inner: self.0.build_hasher(),
        }
    }

    /// The keyed hash of `key`.
    #[inline]
    #[must_use]
    pub fn hash<T: CacheKey + ?Sized>(&self, key: &T) -> u64 {
        self.hasher().key(key).finish()
    }
}

impl KeyedHasher {
    /// Absorbs `part`'s key: `seed.hasher().key(&a).key(&b).finish()` is the keyed
    /// hash of the tuple `(a, b)`.
    #[inline]
    #[must_use]
    pub fn key<T: CacheKey + ?Sized>(mut self, part: &T) -> Self {
        part.write_key(&mut self);
        self
    }

    /// The hash of everything absorbed so far.
    #[inline]
    #[must_use]
    pub fn finish(&self) -> u64 {
        self.inner.finish()
    }
}

impl KeySink for KeyedHasher {
    #[inline]
    fn put_u64(&mut self, n: u64) {
        self.inner.write_u64(n);
    }

    #[inline]
    #[allow(clippy::cast_sign_loss)]
    fn put_i64(&mut self, n: i64) {
        self.inner.write_u64(n as u64);
    }

    #[inline]
    fn put_bytes(&mut self, bytes: &[u8]) {
        // foldhash mixes a length into `write` too; the explicit prefix keeps the
        // parts' encoding the same as every other sink's.
        self.inner.write_u64(bytes.len() as u64);
        self.inner.write(bytes);
    }
}

impl std::fmt::Debug for KeyedHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyedHasher").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::KeyedSeed;

    #[test]
    fn one_seed_hashes_alike_and_two_seeds_differ() {
        let seed = KeyedSeed::new();
        assert_eq!(
            seed.hash(&(7_u64, "en")),
            seed.hash(&(7_u64, String::from("en")))
        );
        assert_ne!(seed.hash(&("ab", "c")), seed.hash(&("a", "bc")));
        let other = KeyedSeed::new();
        // Two independent random seeds agree on a key with probability 2^-64.
        assert_ne!(seed.hash(&(7_u64, "en")), other.hash(&(7_u64, "en")));
    }
}
