//! Whether a response may be stored, and for how long: RFC 9111's rules for a
//! shared cache as `http-cache-semantics` implements them, and this cache's own
//! stricter ones (no `Set-Cookie`, no `no-cache`, `Vary` only on keyed headers).

use http::{HeaderMap, HeaderName, Request, header, response};
use http_cache_semantics::{CacheOptions, CachePolicy};
use std::time::{Duration, SystemTime};

/// How long `response` to `request` may be served from the cache, or why it
/// must not be stored (a reason `tracing` tells: `set-cookie`, `vary`,
/// `unreadable`, `private`, `no-store`, `no-cache`, `status`, `expired`). `request` carries no credentials (requests
/// with credentials the key does not separate never get here) and no
/// `Cache-Control` (clients cannot make a server-side cache miss or store).
pub(crate) fn lifetime(
    request: &Request<()>,
    response: &response::Parts,
    vary: &[HeaderName],
    default_ttl: Duration,
) -> Result<Duration, &'static str> {
    let headers = &response.headers;
    // A cookie is for one client: never replay it to another (RFC 9111
    // allows it with `public`; this cache never does).
    if headers.contains_key(header::SET_COOKIE) {
        return Err("set-cookie");
    }
    if !vary_is_keyed(headers, vary) {
        return Err("vary");
    }
    // Directive names are case-insensitive; `no-cache` asks for a
    // revalidation on every use, which this cache does not do; a directive
    // that is not text cannot be read, so it could say any of these.
    let unreadable = |name| {
        headers
            .get_all(name)
            .iter()
            .any(|value| value.to_str().is_err())
    };
    if unreadable(header::CACHE_CONTROL) || unreadable(header::PRAGMA) {
        return Err("unreadable");
    }
    for name in directives(headers) {
        match name.as_str() {
            "private" => return Err("private"),
            "no-store" => return Err("no-store"),
            "no-cache" => return Err("no-cache"),
            _ => {}
        }
    }
    let now = SystemTime::now();
    let options = CacheOptions {
        shared: true,
        ..CacheOptions::default()
    };
    let policy = CachePolicy::new_options(request, response, now, options);
    if !policy.is_storable() {
        return Err("status");
    }
    let ttl = policy.time_to_live(now);
    if !ttl.is_zero() {
        return Ok(ttl.min(default_ttl));
    }
    // No freshness lifetime. If the response gave one, it has run out
    // (`max-age=0`, an `Expires` in the past); otherwise the status is
    // cacheable by default and the cache picks the lifetime (RFC 9111 §4.2.2).
    let explicit = headers.contains_key(header::EXPIRES)
        || headers.contains_key(header::PRAGMA)
        || directives(headers).any(|name| name == "max-age" || name == "s-maxage");
    if explicit {
        Err("expired")
    } else {
        Ok(default_ttl)
    }
}

/// Whether every header the response varies on is in the key; `Vary: *`
/// never is.
fn vary_is_keyed(headers: &HeaderMap, vary: &[HeaderName]) -> bool {
    list(headers, &header::VARY)
        .all(|name| HeaderName::from_bytes(name.as_bytes()).is_ok_and(|name| vary.contains(&name)))
}

/// The lower-cased directive names of `Cache-Control`.
fn directives(headers: &HeaderMap) -> impl Iterator<Item = String> + '_ {
    list(headers, &header::CACHE_CONTROL).map(|directive| {
        let name = directive.split('=').next().unwrap_or_default();
        name.trim().to_ascii_lowercase()
    })
}

/// The non-empty comma-separated items of every `name` header; a value that
/// is not text counts as one unknown item (`"\0"`), never as none.
fn list<'a>(headers: &'a HeaderMap, name: &HeaderName) -> impl Iterator<Item = &'a str> + use<'a> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("\0").split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
}
