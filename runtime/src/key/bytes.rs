use super::KeySink;

/// The compact, collision-free encoding behind [`CacheKey::key_bytes`](super::CacheKey::key_bytes).
///
/// Numbers are LEB128 varints (signed ones zigzag-encoded first), byte strings are
/// their varint length followed by the bytes. Since every variable-size part is
/// preceded by its length, a key's type decides how to read its bytes back, so
/// two different keys of one type never encode alike.
///
/// ```
/// use unokit::key::{KeyBytes, KeySink};
///
/// let mut bytes = KeyBytes::new();
/// bytes.put_u64(300);
/// bytes.put_i64(-1);
/// bytes.put_bytes(b"hi");
/// assert_eq!(bytes.into_vec(), [0xAC, 0x02, 0x01, 2, b'h', b'i']);
/// ```
#[derive(Clone, Debug, Default)]
pub struct KeyBytes {
    bytes: Vec<u8>,
}

impl KeyBytes {
    /// An empty encoding.
    #[must_use]
    pub const fn new() -> Self {
        Self { bytes: Vec::new() }
    }

    /// The bytes written so far.
    #[must_use]
    pub fn into_vec(self) -> Vec<u8> {
        self.bytes
    }

    fn varint(&mut self, mut n: u64) {
        while n >= 0x80 {
            #[allow(clippy::cast_possible_truncation)]
            self.bytes.push((n as u8) | 0x80);
            n >>= 7;
        }
        #[allow(clippy::cast_possible_truncation)]
        self.bytes.push(n as u8);
    }
}

impl KeySink for KeyBytes {
    fn put_u64(&mut self, n: u64) {
        self.varint(n);
    }

    #[allow(clippy::cast_sign_loss)]
    fn put_i64(&mut self, n: i64) {
        self.varint(((n << 1) ^ (n >> 63)) as u64);
    }

    fn put_bytes(&mut self, bytes: &[u8]) {
        self.varint(bytes.len() as u64);
        self.bytes.extend_from_slice(bytes);
    }
}
