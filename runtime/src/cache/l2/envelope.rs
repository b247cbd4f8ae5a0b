//! How an entry is laid out in Redis: a small fixed header, the full key, the
//! tags, then the value in MessagePack.
//!
//! ```text
//! "uk" | format u8 | schema u64 | created ms u64 | ttl ms u64 | body µs u32 | key len u32 | key
//!      | tag count u16 | (tag len u16 | tag)* | value
//! ```
//!
//! Integers are little-endian. The key is the cache key's collision-free
//! encoding ([`CacheKey::key_bytes`](crate::key::CacheKey::key_bytes)): the
//! Redis key holds a 64-bit fingerprint, which two keys can share, and a
//! mismatch is a miss, never another key's value. The schema hash changes with
//! the function's signature and value type, so that a new build never decodes
//! an old build's entries. The body time is for early recomputation. The tags
//! (format 2) are checked against their invalidation times on each read: an
//! entry created before one of its tags was invalidated is a miss.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The layout version; an entry of another version is a miss.
pub(crate) const FORMAT: u8 = 2;

const MAGIC: [u8; 2] = *b"uk";
const HEADER: usize = 2 + 1 + 8 + 8 + 8 + 4 + 4;

/// What the header says about an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) schema: u64,
    /// Milliseconds since the Unix epoch.
    pub(crate) created_ms: u64,
    pub(crate) ttl_ms: u64,
    pub(crate) body_us: u32,
}

/// An entry read back.
#[derive(Debug)]
pub(crate) enum Decoded<V> {
    Value(Header, Vec<String>, V),
    /// Another key's entry (a fingerprint collision), or another schema's.
    Mismatch,
    /// Not an entry this format can read: to be overwritten.
    Corrupt,
}

pub(crate) fn encode<V: Serialize + ?Sized>(
    header: Header,
    key: &[u8],
    tags: &[String],
    value: &V,
) -> Result<Vec<u8>, rmp_serde::encode::Error> {
    let too_long = |what: &str| rmp_serde::encode::Error::Syntax(what.to_owned());
    let key_len = u32::try_from(key.len()).map_err(|_| too_long("a cache key over 4 GiB"))?;
    let tag_count = u16::try_from(tags.len()).map_err(|_| too_long("over 65535 tags"))?;
    let mut bytes = Vec::with_capacity(HEADER + key.len() + 64);
    bytes.extend_from_slice(&MAGIC);
    bytes.push(FORMAT);
    bytes.extend_from_slice(&header.schema.to_le_bytes());
    bytes.extend_from_slice(&header.created_ms.to_le_bytes());
    bytes.extend_from_slice(&header.ttl_ms.to_le_bytes());
    bytes.extend_from_slice(&header.body_us.to_le_bytes());
    bytes.extend_from_slice(&key_len.to_le_bytes());
    bytes.extend_from_slice(key);
    bytes.extend_from_slice(&tag_count.to_le_bytes());
    for tag in tags {
        let len = u16::try_from(tag.len()).map_err(|_| too_long("a tag over 64 KiB"))?;
        bytes.extend_from_slice(&len.to_le_bytes());
        bytes.extend_from_slice(tag.as_bytes());
    }
    rmp_serde::encode::write(&mut bytes, value)?;
    Ok(bytes)
}

pub(crate) fn decode<V: DeserializeOwned>(bytes: &[u8], schema: u64, key: &[u8]) -> Decoded<V> {
    let Some(header) = bytes.get(..HEADER) else {
        return Decoded::Corrupt;
    };
    if header[..2] != MAGIC || header[2] != FORMAT {
        return Decoded::Corrupt;
    }
    let u64_at = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().expect("8 bytes"));
    let u32_at = |at: usize| u32::from_le_bytes(header[at..at + 4].try_into().expect("4 bytes"));
    let parsed = Header {
        schema: u64_at(3),
        created_ms: u64_at(11),
        ttl_ms: u64_at(19),
        body_us: u32_at(27),
    };
    let key_len = u32_at(31) as usize;
    let Some(stored_key) = bytes.get(HEADER..HEADER + key_len) else {
        return Decoded::Corrupt;
    };
    if parsed.schema != schema || stored_key != key {
        return Decoded::Mismatch;
    }
    let Some((tags, at)) = read_tags(bytes, HEADER + key_len) else {
        return Decoded::Corrupt;
    };
    match rmp_serde::from_slice(&bytes[at..]) {
        Ok(value) => Decoded::Value(parsed, tags, value),
        Err(_) => Decoded::Corrupt,
    }
}

/// The tags starting at `at`, and where the value starts; `None` if they
/// run past the end or are not UTF-8. No tags, no allocation.
fn read_tags(bytes: &[u8], mut at: usize) -> Option<(Vec<String>, usize)> {
    let u16_at = |at: usize| {
        let read = u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?);
        Some(usize::from(read))
    };
    let count = u16_at(at)?;
    at += 2;
    let mut tags = Vec::with_capacity(count);
    for _ in 0..count {
        let len = u16_at(at)?;
        at += 2;
        let tag = std::str::from_utf8(bytes.get(at..at + len)?).ok()?;
        tags.push(tag.to_owned());
        at += len;
    }
    Some((tags, at))
}

#[cfg(test)]
mod tests {
    use super::{Decoded, HEADER as HEADER_LEN, Header, decode, encode};

    const HEADER: Header = Header {
        schema: 7,
        created_ms: 1_700_000_000_000,
        ttl_ms: 60_000,
        body_us: 1500,
    };

    #[test]
    fn round_trips_and_checks_key_and_schema() {
        let value = (42_u64, "café".to_owned(), vec![1.5_f64, -0.0], None::<bool>);
        let tags = ["user:7".to_owned(), String::new(), "é|x".to_owned()];
        let bytes = encode(HEADER, b"key", &tags, &value).unwrap();
        match decode::<(u64, String, Vec<f64>, Option<bool>)>(&bytes, 7, b"key") {
            Decoded::Value(header, back_tags, back) => {
                assert_eq!(header, HEADER);
                assert_eq!(back_tags, tags);
                assert_eq!(back, value);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            decode::<u64>(&bytes, 7, b"kez"),
            Decoded::Mismatch
        ));
        assert!(matches!(
            decode::<u64>(&bytes, 8, b"key"),
            Decoded::Mismatch
        ));
        assert!(
            matches!(decode::<u64>(&bytes, 7, b"key"), Decoded::Corrupt),
            "another type"
        );
        assert!(matches!(
            decode::<u64>(&bytes[..10], 7, b"key"),
            Decoded::Corrupt
        ));
        // Cut inside the tags.
        assert!(matches!(
            decode::<u64>(&bytes[..HEADER_LEN + 3 + 4], 7, b"key"),
            Decoded::Corrupt
        ));
        // The same entry in format 1 (no tags): a miss to overwrite.
        let mut old = bytes.clone();
        old[2] = 1;
        assert!(matches!(
            decode::<(u64, String, Vec<f64>, Option<bool>)>(&old, 7, b"key"),
            Decoded::Corrupt
        ));
        assert!(matches!(
            decode::<u64>(b"garbage that is long enough to have a header", 7, b"key"),
            Decoded::Corrupt
        ));
    }
}
