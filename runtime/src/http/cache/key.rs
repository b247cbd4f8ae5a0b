//! The cache key (method, path, canonical query, configured headers) and the
//! strong ETag of a stored body.

use crate::http::extract::FIELDS_PARAM;
use crate::key::{Fingerprinter, KeySink};
use crate::select::Fields;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri, header};
use std::borrow::Cow;

/// The key of a request, or `None` when it must not be cached: a selection that
/// does not parse (the handler answers 400), or credentials the key does not
/// vary on (one user's response must never reach another).
pub(crate) fn request_key(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    vary: &[HeaderName],
) -> Option<String> {
    for credential in [header::AUTHORIZATION, header::COOKIE] {
        if headers.contains_key(&credential) && !vary.contains(&credential) {
            return None;
        }
    }
    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    for (name, value) in form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()) {
        let value = if name == FIELDS_PARAM {
            // `a,b` and `b,a` share an entry.
            Cow::Owned(Fields::parse(&value).ok()?.to_string())
        } else {
            value
        };
        pairs.push((name, value));
    }
    // By name only: the order of one name's values may matter to the handler.
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut key = format!("{method} {}?", uri.path());
    key.push_str(
        &form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish(),
    );
    for name in vary {
        key.push('\n');
        key.push_str(name.as_str());
        key.push(':');
        for (at, value) in headers.get_all(name).iter().enumerate() {
            if at > 0 {
                key.push(',');
            }
            key.push_str(&String::from_utf8_lossy(value.as_bytes()));
        }
    }
    Some(key)
}

/// A strong ETag: the body's 64-bit fingerprint and its length.
pub(crate) fn etag(body: &[u8]) -> HeaderValue {
    let mut fingerprinter = Fingerprinter::new();
    fingerprinter.put_bytes(body);
    let tag = format!("\"{:016x}-{:x}\"", fingerprinter.finish(), body.len());
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

    fn key(uri: &str) -> Option<String> {
        request_key(&Method::GET, &uri.parse().unwrap(), &HeaderMap::new(), &[])
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
    fn credentials_bypass_unless_varied_on() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        let uri: Uri = "/me".parse().unwrap();
        assert_eq!(request_key(&Method::GET, &uri, &headers, &[]), None);
        let varied = request_key(&Method::GET, &uri, &headers, &[header::AUTHORIZATION]).unwrap();
        assert!(varied.ends_with("authorization:Bearer x"), "{varied}");
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
