//! Compile-time cache keys: [`CacheKey`], its stable [`fingerprint`](CacheKey::fingerprint)
//! and its collision-free [`key_bytes`](CacheKey::key_bytes).
//!
//! A key is written part by part into a [`KeySink`]: fixed-size parts as numbers,
//! variable-size parts (strings, sequences) preceded by their length, so that
//! `("ab", "c")` and `("a", "bc")` never write the same parts. Nothing is serialized
//! into an intermediate buffer: hashing a key touches each of its bytes once.
//!
//! `#[derive(CacheKey)]` writes the fields of a struct in declaration order, and an
//! enum's variant index before the variant's fields; `#[cache_key(skip)]` leaves a
//! field out.
//!
//! ```
//! use unokit::CacheKey;
//!
//! #[derive(CacheKey)]
//! struct Query<'a> {
//!     user_id: u64,
//!     lang: &'a str,
//!     #[cache_key(skip)]
//!     request_id: u128,
//! }
//!
//! let a = Query { user_id: 7, lang: "en", request_id: 1 };
//! let b = Query { user_id: 7, lang: "en", request_id: 2 };
//! assert_eq!(a.fingerprint(), b.fingerprint());
//! assert_eq!(a.key_bytes(), b.key_bytes());
//! assert_ne!(("ab", "c").key_bytes(), ("a", "bc").key_bytes());
//! ```

mod bytes;
mod fingerprint;
mod impls;
mod keyed;
#[doc(hidden)]
pub mod rt;

pub use bytes::KeyBytes;
pub use fingerprint::Fingerprinter;
pub use keyed::{KeyedHasher, KeyedSeed};

/// A value that can identify a cache entry.
///
/// Implemented for integers, `bool`, `char`, floats (by bit pattern), `str` and
/// `String`, slices, arrays, `Vec`, `VecDeque`, `BTreeMap`, `BTreeSet`, `Option`,
/// tuples up to twelve elements, `Duration`, references, `Box`, `Rc`, `Arc` and
/// `Cow`, and `uuid::Uuid` with the `uuid` feature. Derive it for your own types
/// with `#[derive(CacheKey)]`.
///
/// Two keys are the same key when they write the same parts ([`key_eq`](Self::key_eq)).
/// Borrowed and owned forms write the same parts: `"en"` and `String::from("en")`,
/// `&[1, 2][..]` and `vec![1, 2]` have equal fingerprints. This is what lets
/// `#[cached]` look a call up by its borrowed arguments without building an
/// owned key first.
///
/// ```
/// use unokit::CacheKey;
///
/// assert_eq!((7_u64, "en").fingerprint(), (7_u64, String::from("en")).fingerprint());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a cache key",
    label = "`{Self}` does not implement `CacheKey`",
    note = "derive it with `#[derive(unokit::CacheKey)]`, or leave the argument out of the key with `#[cache(skip)]`"
)]
pub trait CacheKey {
    /// Writes the parts of this key into `sink`, variable-size parts after their length.
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S);

    /// Whether `self` and `other` are the same key: whether they write the same parts.
    ///
    /// This, not `PartialEq`, is what a cache compares, so that a field left out
    /// with `#[cache_key(skip)]` is left out of the comparison too. The default
    /// compares [`key_bytes`](Self::key_bytes); every impl in this crate and every
    /// derived impl compares part by part without allocating.
    ///
    /// ```
    /// use unokit::CacheKey;
    ///
    /// #[derive(CacheKey, PartialEq)]
    /// struct Query { text: String, #[cache_key(skip)] trace: u64 }
    ///
    /// let a = Query { text: "rust".into(), trace: 1 };
    /// let b = Query { text: "rust".into(), trace: 2 };
    /// assert!(a.key_eq(&b));
    /// assert!(a != b);
    /// ```
    fn key_eq(&self, other: &Self) -> bool {
        self.key_bytes() == other.key_bytes()
    }

    /// A 64-bit hash of the key's parts, the same on every run, process and platform.
    ///
    /// The algorithm is [`Fingerprinter`]'s, specified there in full: a
    /// multiply-fold hash of the key's length-prefixed parts as 64-bit words. It is
    /// part of this crate's stability promise: a fingerprint may be stored (in
    /// Redis, say) and compared later. It changed before anything persisted it; since
    /// the Redis tier stores it in its keys, it is frozen (see [`Fingerprinter`]).
    /// It is not cryptographic and not keyed: anyone can compute it, so two keys
    /// may share a fingerprint by design of whoever picks them. What stores a
    /// fingerprint keeps the key beside it and compares; in-memory maps hash with a
    /// [`KeyedHasher`] instead;
    /// [`key_bytes`](Self::key_bytes) never collide.
    ///
    /// ```
    /// use unokit::CacheKey;
    ///
    /// assert_eq!(42_u64.fingerprint(), 42_u64.fingerprint());
    /// assert_ne!(42_u64.fingerprint(), 43_u64.fingerprint());
    /// ```
    fn fingerprint(&self) -> u64 {
        let mut fingerprinter = Fingerprinter::new();
        self.write_key(&mut fingerprinter);
        fingerprinter.finish()
    }

    /// The key's parts as a compact byte string: two different keys of the same type
    /// never have the same bytes.
    ///
    /// ```
    /// use unokit::CacheKey;
    ///
    /// assert_eq!((1_u8, "ab").key_bytes(), [1, 2, b'a', b'b']);
    /// ```
    fn key_bytes(&self) -> Vec<u8> {
        let mut bytes = KeyBytes::new();
        self.write_key(&mut bytes);
        bytes.into_vec()
    }
}

/// Receives the parts of a [`CacheKey`]: a hasher such as [`Fingerprinter`], or an
/// encoder such as [`KeyBytes`].
///
/// ```
/// use unokit::key::{CacheKey, KeySink};
///
/// /// Counts the parts a key writes.
/// #[derive(Default)]
/// struct Parts(usize);
///
/// impl KeySink for Parts {
///     fn put_u64(&mut self, _: u64) { self.0 += 1 }
///     fn put_i64(&mut self, _: i64) { self.0 += 1 }
///     fn put_bytes(&mut self, _: &[u8]) { self.0 += 1 }
/// }
///
/// let mut parts = Parts::default();
/// (1_u32, "two", -3_i8).write_key(&mut parts);
/// assert_eq!(parts.0, 3);
/// ```
pub trait KeySink {
    /// Writes an unsigned number (unsigned integers, `bool`, `char`, tags).
    fn put_u64(&mut self, n: u64);
    /// Writes a signed number.
    fn put_i64(&mut self, n: i64);
    /// Writes a byte string preceded by its length.
    fn put_bytes(&mut self, bytes: &[u8]);
    /// Writes the length of a sequence whose elements follow.
    fn put_len(&mut self, len: usize) {
        self.put_u64(len as u64);
    }
}
