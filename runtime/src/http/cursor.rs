//! Opaque, tamper-evident cursors for keyset pagination: the last row's key,
//! signed with HMAC-SHA-256, so that a client can hand it back but not forge
//! or edit it.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::fmt;
use std::hash::{BuildHasher, RandomState};

/// The bytes of the MAC kept in a cursor: 128 bits.
const MAC_LEN: usize = 16;
/// The longest cursor accepted, in characters: decoding stays bounded.
pub const MAX_CURSOR_LEN: usize = 512;

/// The key that signs cursors. [`CursorKey::random`] makes one per process
/// (cursors then stop being valid when it restarts, and are not shared
/// between replicas); give every replica the same secret with
/// [`CursorKey::new`] to keep them valid across restarts and replicas.
///
/// ```
/// use unokit_runtime::http::CursorKey;
///
/// let key = CursorKey::new(b"a secret of the service, from its configuration");
/// let cursor = key.encode(&42_i64);
/// assert_eq!(key.decode::<i64>(&cursor), Ok(42));
/// let mut forged = cursor.clone();
/// forged.replace_range(0..2, "35"); // the JSON `52`, not `42`
/// assert!(key.decode::<i64>(&forged).is_err());
/// ```
#[derive(Clone)]
pub struct CursorKey {
    secret: [u8; 64],
}

/// A cursor that is not one this service made: a 400 for the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadCursor;

impl fmt::Display for BadCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the cursor is not one this service gave out")
    }
}

impl std::error::Error for BadCursor {}

impl CursorKey {
    /// A key from `secret` (hashed to the block size if longer).
    #[must_use]
    pub fn new(secret: &[u8]) -> Self {
        let mut block = [0; 64];
        if secret.len() > 64 {
            block[..32].copy_from_slice(&Sha256::digest(secret));
        } else {
            block[..secret.len()].copy_from_slice(secret);
        }
        Self { secret: block }
    }

    /// A key of this process: 256 bits drawn from the standard library's
    /// randomly seeded hasher (its seed comes from the operating system).
    #[must_use]
    pub fn random() -> Self {
        let mut secret = [0; 32];
        for (index, chunk) in secret.chunks_mut(8).enumerate() {
            let state = RandomState::new();
            chunk.copy_from_slice(&state.hash_one(index).to_le_bytes());
        }
        Self::new(&secret)
    }

    /// The cursor of `value` (the last row's key): hex of its JSON, then of
    /// its MAC.
    ///
    /// # Panics
    ///
    /// If `value` does not serialize to JSON (keys are numbers and strings).
    #[must_use]
    pub fn encode<T: Serialize>(&self, value: &T) -> String {
        let payload = serde_json::to_vec(value).expect("a cursor's value serializes");
        let mut cursor = hex(&payload);
        cursor.push_str(&hex(&self.mac(&payload)[..MAC_LEN]));
        cursor
    }

    /// The value of a cursor [`encode`](Self::encode) made with this key.
    ///
    /// # Errors
    ///
    /// [`BadCursor`] when it was not made with this key, or was changed.
    pub fn decode<T: DeserializeOwned>(&self, cursor: &str) -> Result<T, BadCursor> {
        if cursor.len() > MAX_CURSOR_LEN || cursor.len() <= 2 * MAC_LEN {
            return Err(BadCursor);
        }
        let bytes = unhex(cursor).ok_or(BadCursor)?;
        let (payload, mac) = bytes.split_at(bytes.len() - MAC_LEN);
        let expected = self.mac(payload);
        // Compared in constant time: a forger learns nothing from timing.
        let difference = expected[..MAC_LEN]
            .iter()
            .zip(mac)
            .fold(0, |acc, (a, b)| acc | (a ^ b));
        if difference != 0 {
            return Err(BadCursor);
        }
        serde_json::from_slice(payload).map_err(|_| BadCursor)
    }

    /// HMAC-SHA-256 (RFC 2104) of `payload`.
    fn mac(&self, payload: &[u8]) -> [u8; 32] {
        let pad = |byte: u8| self.secret.map(|key| key ^ byte);
        let inner = Sha256::new()
            .chain_update(pad(0x36))
            .chain_update(payload)
            .finalize();
        Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize()
            .into()
    }
}

impl fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    text
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{BadCursor, CursorKey};

    #[test]
    fn round_trips_and_refuses_other_keys_and_edits() {
        let key = CursorKey::random();
        let cursor = key.encode(&"post 7");
        assert_eq!(key.decode::<String>(&cursor).unwrap(), "post 7");
        assert_eq!(
            CursorKey::random().decode::<String>(&cursor),
            Err(BadCursor)
        );
        let mut edited = cursor.into_bytes();
        edited[3] = if edited[3] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            key.decode::<String>(&String::from_utf8(edited).unwrap()),
            Err(BadCursor)
        );
        assert_eq!(key.decode::<String>("zz"), Err(BadCursor));
    }

    /// RFC 4231, test case 2.
    #[test]
    fn is_hmac_sha256() {
        let key = CursorKey::new(b"Jefe");
        let mac = key.mac(b"what do ya want for nothing?");
        assert_eq!(
            super::hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
