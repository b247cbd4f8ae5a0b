//! The cache key (method, path, query, configured headers, all as raw bytes
//! with `fields` in canonical form) and the strong ETag of a stored body.

use crate::http::extract::FIELDS_PARAM;
use crate::select::Fields;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use sha2::{Digest, Sha256};
use std::fmt::{self, Write as _};

/// The longest key (and the longest canonical `fields`): a longer request is
/// not cached, so that a request cannot make the cache hold or build more than
/// this per entry (a selection's canonical text can be much longer than the
/// text that was sent).
pub(crate) const MAX_KEY_BYTES: usize = 8 * 1024;

/// What the key is made of.
pub(crate) struct KeyRules<'a> {
    /// Request headers in the key.
    pub(crate) vary: &'a [HeaderName],
    /// Request headers that identify the caller: a request carrying one that
    /// the key does not vary on is not cached.
    pub(crate) credentials: &'a [HeaderName],
    /// Whether `fields` is a selection here, keyed in canonical form: only on
    /// routes whose handler reads one. Elsewhere it is a parameter like any
    /// other, which the handler may read as sent.
    pub(crate) canonical_fields: bool,
}

/// The key of a request, or `None` when it must not be cached: credentials the
/// key does not vary on (one caller's response must never reach another), a
/// selection that does not parse (the handler answers 400), a key over
/// [`MAX_KEY_BYTES`].
///
/// Every part is length-prefixed raw bytes, so that distinct requests never
/// share a key: `%FF` and `%FE` stay distinct, and so do an absent header and
/// an empty one.
pub(crate) fn request_key(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    rules: &KeyRules<'_>,
) -> Option<Vec<u8>> {
    if rules
        .credentials
        .iter()
        .any(|name| headers.contains_key(name) && !rules.vary.contains(name))
    {
        return None;
    }
    let query = uri.query().unwrap_or_default();
    if query.len() > MAX_KEY_BYTES {
        return None;
    }
    let mut pairs: Vec<(&[u8], Vec<u8>)> = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let name = pair.split('=').next().unwrap_or_default();
        // The rest as sent, `=` included: `?a` and `?a=` stay distinct.
        let rest = &pair[name.len()..];
        let value = match rest.strip_prefix('=') {
            // `a,b` and `b,a` share an entry.
            Some(value) if rules.canonical_fields && name == FIELDS_PARAM => {
                canonical_fields(value)?.into_bytes()
            }
            _ => rest.as_bytes().to_vec(),
        };
        pairs.push((name.as_bytes(), value));
    }
    // By name only (a stable sort): the order of one name's values may
    // matter to the handler.
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let mut key = Vec::with_capacity(64 + uri.path().len() + query.len());
    put(&mut key, method.as_str().as_bytes());
    put(&mut key, uri.path().as_bytes());
    put_count(&mut key, pairs.len());
    for (name, value) in &pairs {
        put(&mut key, name);
        put(&mut key, value);
    }
    for name in rules.vary {
        let values = headers.get_all(name);
        put_count(&mut key, values.iter().count());
        for value in values {
            put(&mut key, value.as_bytes());
        }
    }
    (key.len() <= MAX_KEY_BYTES).then_some(key)
}

fn put(key: &mut Vec<u8>, part: &[u8]) {
    put_count(key, part.len());
    key.extend_from_slice(part);
}

fn put_count(key: &mut Vec<u8>, count: usize) {
    // Parts are bounded by MAX_KEY_BYTES and by the header limits of the server.
    key.extend_from_slice(&u32::try_from(count).unwrap_or(u32::MAX).to_le_bytes());
}

/// The canonical text of a `fields` value as sent (percent-encoded), or `None`
/// when it does not decode losslessly, does not parse, or its canonical text
/// is longer than [`MAX_KEY_BYTES`].
fn canonical_fields(raw: &str) -> Option<String> {
    let pair = format!("{FIELDS_PARAM}={raw}");
    let (name, value) = form_urlencoded::parse(pair.as_bytes()).next()?;
    debug_assert_eq!(name, FIELDS_PARAM);
    // Decoding is lossy (invalid UTF-8 becomes U+FFFD): such a key could be
    // shared by different requests.
    if value.contains('\u{FFFD}') {
        return None;
    }
    let fields = Fields::parse(&value).ok()?;
    let mut canonical = Bounded(String::new());
    write!(canonical, "{fields}").ok()?;
    Some(canonical.0)
}

/// A string that refuses to grow past [`MAX_KEY_BYTES`]: writing the canonical
/// text stops there instead of building all of it.
struct Bounded(String);

impl fmt::Write for Bounded {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if self.0.len() + text.len() > MAX_KEY_BYTES {
            return Err(fmt::Error);
        }
        self.0.push_str(text);
        Ok(())
    }
}

/// A strong ETag: the body's SHA-256, so that no one can make two different
/// bodies share a tag (a 304 for content the client does not have).
pub(crate) fn etag(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let mut tag = String::with_capacity(2 + 2 * digest.len());
    tag.push('"');
    for byte in digest {
        write!(tag, "{byte:02x}").expect("writing to a String cannot fail");
    }
    tag.push('"');
    HeaderValue::from_str(&tag).expect("hex digits and quotes are a valid header value")
}

/// Whether `If-None-Match` matches `etag`, by the weak comparison RFC 9110
/// prescribes for it (a `W/` prefix is ignored).
pub(crate) fn none_match(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = if_none_match.to_str() else {
        return false;
    };
    let ours = etag.to_str().unwrap_or_default();
    let ours = ours.strip_prefix("W/").unwrap_or(ours);
    list.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == ours
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header;

    const CREDENTIALS: &[HeaderName] = &[header::AUTHORIZATION, header::COOKIE];

    fn key_with(uri: &str, headers: &HeaderMap, vary: &[HeaderName]) -> Option<Vec<u8>> {
        let rules = KeyRules {
            vary,
            credentials: CREDENTIALS,
            canonical_fields: true,
        };
        request_key(&Method::GET, &uri.parse().unwrap(), headers, &rules)
    }

    fn key(uri: &str) -> Option<Vec<u8>> {
        key_with(uri, &HeaderMap::new(), &[])
    }

    #[test]
    fn equivalent_queries_share_a_key() {
        assert_eq!(key("/u?fields=a,b&page=2"), key("/u?page=2&fields=b%2Ca"));
        assert_eq!(key("/u?fields=a/b"), key("/u?fields=a(b)"));
        assert_ne!(key("/u?fields=a"), key("/u?fields=b"));
        assert_ne!(key("/u?page=1"), key("/v?page=1"));
        assert_ne!(key("/u?a=1&a=2"), key("/u?a=2&a=1"));
        assert_eq!(key("/u"), key("/u?"));
        assert_eq!(key("/u?fields=a,("), None);
    }

    #[test]
    fn keys_are_lossless() {
        assert_ne!(key("/u?q=%FF"), key("/u?q=%FE"));
        assert_ne!(key("/u?a=1&b=2"), key("/u?a=1%26b%3D2"));
        assert_ne!(key("/u?a"), key("/u?a="), "the handler can tell them apart");
        assert_eq!(key("/u?fields=%FF"), None, "not decodable losslessly");
        let tenant = HeaderName::from_static("x-tenant");
        let with = |value: Option<&'static [u8]>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = value {
                headers.insert(&tenant, HeaderValue::from_bytes(value).unwrap());
            }
            key_with("/u", &headers, std::slice::from_ref(&tenant)).unwrap()
        };
        assert_ne!(with(Some(b"t\xff")), with(Some(b"t\xfe")));
        assert_ne!(with(Some(b"")), with(None));
    }

    #[test]
    fn an_amplifying_selection_is_not_keyed() {
        // Each excluded path repeats the long name under every included one.
        let long = "x".repeat(4000);
        let names: Vec<String> = (0..60).map(|at| format!("n{at}")).collect();
        let fields = format!("*,{},-*/{long}", names.join(","));
        assert!(fields.len() < MAX_KEY_BYTES);
        // Refused, or canonical text that does not amplify (the parser's
        // canonical form may change): never a key over the cap.
        let amplified = key(&format!("/u?fields={fields}"));
        assert!(amplified.is_none_or(|key| key.len() <= MAX_KEY_BYTES));
        assert!(key(&format!("/u?fields={}", names.join(","))).is_some());
        let long_query = format!("/u?q={}", "x".repeat(MAX_KEY_BYTES));
        assert_eq!(key(&long_query), None);
    }

    #[test]
    fn credentials_bypass_unless_varied_on() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert_eq!(key_with("/me", &headers, &[]), None);
        let varied = key_with("/me", &headers, &[header::AUTHORIZATION]).unwrap();
        assert!(varied.ends_with(b"Bearer x"));
        assert_ne!(
            Some(varied),
            key_with("/me", &HeaderMap::new(), &[header::AUTHORIZATION])
        );
    }

    #[test]
    fn the_etag_is_the_sha256_of_the_body() {
        assert_eq!(
            etag(b"abc"),
            "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\""
        );
    }

    #[test]
    fn if_none_match_uses_weak_comparison() {
        let tag = etag(b"hello");
        let text = tag.to_str().unwrap().to_owned();
        assert!(none_match(&tag, &tag));
        assert!(none_match(
            &HeaderValue::from_str(&format!("W/{text}")).unwrap(),
            &tag
        ));
        assert!(none_match(
            &HeaderValue::from_str(&format!("\"x\", {text}")).unwrap(),
            &tag
        ));
        assert!(none_match(&HeaderValue::from_static("*"), &tag));
        assert!(!none_match(&HeaderValue::from_static("\"other\""), &tag));
        assert_ne!(etag(b"hello"), etag(b"hellp"));
    }
}
