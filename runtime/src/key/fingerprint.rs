use super::KeySink;

/// The stable 64-bit hasher behind [`CacheKey::fingerprint`](super::CacheKey::fingerprint).
///
/// **Encoding.** A key's parts become a sequence of 64-bit words, in order:
///
/// - a number (unsigned integers, `bool`, `char`, tags, lengths of sequences):
///   its `u64` value, one word;
/// - a signed number: its `i64` value in two's complement, one word;
/// - a byte string (`str`, `[u8]`-like): its length as one word, then its bytes
///   in words of 8, little-endian, the last word padded with zero bytes.
///
/// **Hash.** With `fold(x, y)` the 128-bit product of `x` and `y`, its low and
/// high halves xor-ed, and `P0`..`P3` wyhash's four primes
/// (`0x2d358dccaa6c78a5`, `0x8bb84b93962eacc9`, `0x4b33a62ed433d4a3`,
/// `0x4d5a2da51de1aa47`), the fingerprint of the words `w1 … wn` is:
///
/// ```text
/// acc = P0
/// for each pair (a, b) = (w1, w2), (w3, w4), …:  acc = fold(a ^ acc, b ^ P1)
/// if n is odd:                                   acc = fold(wn ^ acc, P1)
/// fingerprint = fold(acc ^ P2, n ^ P3)
/// ```
///
/// That is all of it: the test suite keeps an independent implementation in a
/// dozen lines and a list of fixed expected values. It is wyhash's and
/// rapidhash's mixing step applied to 16 bytes at a time, fed word by word as the
/// key writes its parts, so that nothing is copied into a buffer first: about as
/// fast as `FxHasher` fed the same words, with far better mixing.
///
/// **Stability.** The algorithm changed before anything persisted a fingerprint
/// (the first releases used another multiply-fold hash, then XXH3-64 of the parts'
/// bytes). It is frozen now that the Redis tier stores fingerprints in its keys
/// (`cache::l2`): a change would be a major version, announced as a migration
/// of stored keys, and the fixed test vectors keep it from changing by accident.
///
/// It is not a keyed hash: anyone can compute it and so craft colliding keys.
/// In-memory caches map keys with a per-cache [`KeyedHasher`](super::KeyedHasher)
/// instead, and whatever stores fingerprints must keep the full key beside them.
///
/// It also implements [`std::hash::Hasher`], so `Hash` types can be fingerprinted
/// (`write` appends its bytes as words, without a length), though the result then
/// depends on the `Hash` impl, which std does not promise to keep stable.
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
    acc: u64,
    /// The first word of a pair whose second has not been written yet.
    pending: u64,
    words: u64,
}

const P0: u64 = 0x2d35_8dcc_aa6c_78a5;
const P1: u64 = 0x8bb8_4b93_962e_acc9;
const P2: u64 = 0x4b33_a62e_d433_d4a3;
const P3: u64 = 0x4d5a_2da5_1de1_aa47;

/// The 128-bit product of `x` and `y`, its halves xor-ed.
#[inline(always)]
#[allow(clippy::cast_possible_truncation)]
const fn fold(x: u64, y: u64) -> u64 {
    let product = (x as u128) * (y as u128);
    (product as u64) ^ ((product >> 64) as u64)
}

/// Up to 7 bytes as one little-endian word padded with zero bytes, read with at
/// most three loads and no copy (overlapping reads of equal bytes or alike).
#[inline(always)]
fn tail_word(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    debug_assert!((1..8).contains(&len));
    if len >= 4 {
        let low = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        let high = u32::from_le_bytes([
            bytes[len - 4],
            bytes[len - 3],
            bytes[len - 2],
            bytes[len - 1],
        ]);
        u64::from(low) | (u64::from(high) << ((len - 4) * 8))
    } else {
        u64::from(bytes[0])
            | (u64::from(bytes[len / 2]) << (len / 2 * 8))
            | (u64::from(bytes[len - 1]) << ((len - 1) * 8))
    }
}

impl Fingerprinter {
    /// A fingerprinter that has absorbed nothing.
    #[must_use]
    #[inline]
    pub const fn new() -> Self {
        Self {
            acc: P0,
            pending: 0,
            words: 0,
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
    pub const fn finish(&self) -> u64 {
        let acc = if self.words & 1 == 1 {
            fold(self.pending ^ self.acc, P1)
        } else {
            self.acc
        };
        fold(acc ^ P2, self.words ^ P3)
    }

    #[inline(always)]
    const fn word(&mut self, word: u64) {
        if self.words & 1 == 0 {
            self.pending = word;
        } else {
            self.acc = fold(self.pending ^ self.acc, word ^ P1);
        }
        self.words = self.words.wrapping_add(1);
    }

    /// `bytes` as words, the last one padded with zero bytes.
    #[inline(always)]
    fn raw(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(word));
        }
        let tail = chunks.remainder();
        if !tail.is_empty() {
            self.word(tail_word(tail));
        }
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

#[cfg(test)]
mod tests {
    use super::tail_word;

    #[test]
    fn a_tail_is_its_bytes_padded_with_zeros() {
        let bytes = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77];
        for len in 1..8 {
            let mut padded = [0; 8];
            padded[..len].copy_from_slice(&bytes[..len]);
            assert_eq!(
                tail_word(&bytes[..len]),
                u64::from_le_bytes(padded),
                "{len}"
            );
        }
    }
}
