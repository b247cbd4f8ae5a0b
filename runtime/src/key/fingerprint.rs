use super::KeySink;

/// The stable 64-bit hasher behind [`CacheKey::fingerprint`](super::CacheKey::fingerprint).
///
/// Each part is absorbed as 64-bit words: a number as one word, a byte string as
/// its length followed by its bytes in little-endian words, the last one padded
/// with zeros. A word `w` updates the state as `fold(state ^ w, MULTIPLIER)`,
/// where `fold` multiplies to 128 bits and xors the halves; `finish` applies
/// MurmurHash3's 64-bit finalizer. Fixed constants, fixed byte order, and lengths
/// as `u64` make the result the same on every platform and run.
///
/// It also implements [`std::hash::Hasher`], so `Hash` types can be fingerprinted,
/// though the result then depends on the `Hash` impl, which std does not promise
/// to keep stable.
///
/// ```
/// use unokit::key::{Fingerprinter, KeySink};
///
/// let mut fingerprinter = Fingerprinter::new();
/// fingerprinter.put_bytes(b"users");
/// fingerprinter.put_u64(7);
/// assert_eq!(fingerprinter.finish(), unokit::CacheKey::fingerprint(&("users", 7_u64)));
/// ```
#[derive(Clone, Debug)]
pub struct Fingerprinter {
    state: u64,
}

const SEED: u64 = 0x243F_6A88_85A3_08D3;
const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

impl Fingerprinter {
    /// A fingerprinter that has absorbed nothing.
    #[must_use]
    pub const fn new() -> Self {
        Self { state: SEED }
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
        let mut h = self.state;
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        h ^ (h >> 33)
    }

    #[inline]
    fn absorb(&mut self, word: u64) {
        let product = u128::from(self.state ^ word) * u128::from(MULTIPLIER);
        #[allow(clippy::cast_possible_truncation)]
        let folded = (product as u64) ^ ((product >> 64) as u64);
        self.state = folded;
    }

    #[inline]
    fn absorb_raw(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.absorb(u64::from_le_bytes(word));
        }
        let tail = chunks.remainder();
        if !tail.is_empty() {
            let mut word = [0; 8];
            word[..tail.len()].copy_from_slice(tail);
            self.absorb(u64::from_le_bytes(word));
        }
    }
}

impl Default for Fingerprinter {
    fn default() -> Self {
        Self::new()
    }
}

impl KeySink for Fingerprinter {
    #[inline]
    fn put_u64(&mut self, n: u64) {
        self.absorb(n);
    }

    #[inline]
    #[allow(clippy::cast_sign_loss)]
    fn put_i64(&mut self, n: i64) {
        self.absorb(n as u64);
    }

    #[inline]
    fn put_bytes(&mut self, bytes: &[u8]) {
        self.absorb(bytes.len() as u64);
        self.absorb_raw(bytes);
    }
}

impl std::hash::Hasher for Fingerprinter {
    fn finish(&self) -> u64 {
        Self::finish(self)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.absorb_raw(bytes);
    }

    fn write_u64(&mut self, n: u64) {
        self.absorb(n);
    }
}
