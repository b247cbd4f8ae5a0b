use super::KeySink;
use xxhash_rust::xxh3::{Xxh3Default, xxh3_64};

/// The stable 64-bit hasher behind [`CacheKey::fingerprint`](super::CacheKey::fingerprint).
///
/// **The fingerprint of a key is XXH3-64 (seed 0, the default secret) of the
/// key's parts encoded in order**, each part as:
///
/// - a number (unsigned integers, `bool`, `char`, tags, lengths of sequences):
///   its `u64` value, 8 bytes little-endian;
/// - a signed number: its `i64` value in two's complement, 8 bytes little-endian;
/// - a byte string (`str`, `[u8]`-like): its length as a `u64`, 8 bytes
///   little-endian, then its bytes.
///
/// XXH3 is specified and has independent implementations (`xxhsum -H3` computes
/// the same value over the same bytes), so a fingerprint can be stored, shared
/// between processes and platforms, and recomputed elsewhere. Parts are gathered
/// in a 128-byte buffer and hashed in one call; only keys longer than the buffer
/// stream through XXH3's incremental state (allocated once per such key), with
/// the same result.
///
/// **Stability.** Up to unokit 0.1.0 the fingerprint was a word-at-a-time
/// multiply-fold hash of the same parts; it is XXH3-64 since, and this algorithm
/// and encoding will not change again within the 0.x series nor in 1.0: a change
/// after that is a major version, announced as a migration of stored keys.
///
/// It is not a keyed hash: anyone can compute it and so craft colliding keys.
/// In-memory caches map keys with a per-process [`KeyedHasher`](super::KeyedHasher)
/// instead, and whatever stores fingerprints must keep the full key beside them.
///
/// It also implements [`std::hash::Hasher`], so `Hash` types can be fingerprinted
/// (`write` appends raw bytes, without a length), though the result then depends on
/// the `Hash` impl, which std does not promise to keep stable.
///
/// ```
/// use unokit::key::{Fingerprinter, KeySink};
///
/// let mut fingerprinter = Fingerprinter::new();
/// fingerprinter.put_bytes(b"users");
/// fingerprinter.put_u64(7);
/// assert_eq!(fingerprinter.finish(), unokit::CacheKey::fingerprint(&("users", 7_u64)));
/// ```
#[derive(Clone)]
pub struct Fingerprinter {
    buffer: [u8; BUFFER],
    len: usize,
    /// XXH3's incremental state, once the encoding outgrows the buffer.
    stream: Option<Box<Xxh3Default>>,
}

/// Bytes gathered before XXH3 is called: most keys fit, and hash in one call.
const BUFFER: usize = 128;

impl Fingerprinter {
    /// A fingerprinter that has absorbed nothing.
    #[must_use]
    #[inline]
    pub const fn new() -> Self {
        Self {
            buffer: [0; BUFFER],
            len: 0,
            stream: None,
        }
    }

    /// Absorbs `part`'s key: `Fingerprinter::new().key(&a).key(&b).finish()` is the
    /// fingerprint of the tuple `(a, b)`.
    ///
    /// ```
    /// use unokit::key::Fingerprinter;
    /// use unokit::CacheKey;
    ///
    /// let chained = Fingerprinter::new().key(&7_u64).key("en").finish();
    /// assert_eq!(chained, (7_u64, "en").fingerprint());
    /// ```
    #[must_use]
    #[inline]
    pub fn key<T: super::CacheKey + ?Sized>(mut self, part: &T) -> Self {
        part.write_key(&mut self);
        self
    }

    /// The fingerprint of everything absorbed so far.
    #[must_use]
    #[inline]
    pub fn finish(&self) -> u64 {
        let tail = &self.buffer[..self.len];
        match &self.stream {
            None => xxh3_64(tail),
            Some(stream) => {
                let mut stream = stream.clone();
                stream.update(tail);
                stream.digest()
            }
        }
    }

    #[inline]
    fn word(&mut self, word: u64) {
        if BUFFER - self.len < 8 {
            self.flush();
        }
        self.buffer[self.len..self.len + 8].copy_from_slice(&word.to_le_bytes());
        self.len += 8;
    }

    #[inline]
    fn raw(&mut self, bytes: &[u8]) {
        if bytes.len() <= BUFFER - self.len {
            self.buffer[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
        } else {
            self.overflow(bytes);
        }
    }

    /// The encoding outgrew the buffer: from here on it streams.
    #[cold]
    fn overflow(&mut self, bytes: &[u8]) {
        self.flush();
        self.stream
            .get_or_insert_with(Default::default)
            .update(bytes);
    }

    #[cold]
    fn flush(&mut self) {
        self.stream
            .get_or_insert_with(Default::default)
            .update(&self.buffer[..self.len]);
        self.len = 0;
    }
}

impl Default for Fingerprinter {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fingerprinter")
            .field("fingerprint", &self.finish())
            .finish_non_exhaustive()
    }
}

impl KeySink for Fingerprinter {
    #[inline]
    fn put_u64(&mut self, n: u64) {
        self.word(n);
    }

    #[inline]
    #[allow(clippy::cast_sign_loss)]
    fn put_i64(&mut self, n: i64) {
        self.word(n as u64);
    }

    #[inline]
    fn put_bytes(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64);
        self.raw(bytes);
    }
}

impl std::hash::Hasher for Fingerprinter {
    fn finish(&self) -> u64 {
        Self::finish(self)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.raw(bytes);
    }

    fn write_u64(&mut self, n: u64) {
        self.word(n);
    }
}
