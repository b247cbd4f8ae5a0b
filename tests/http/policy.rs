//! Who may see a stored response: credentials, `Cache-Control`, `Vary`,
//! statuses, `Range`, lossless keys, `x-cache: BYPASS`, expiry, failed streams.

use crate::support::{fetch, get_raw, get_with, serve, try_get};
use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::time::Duration;
use unokit::http::ResponseCache;
use unokit::select::Selection;
use unokit::select::stream::JsonStream;

/// Answers with the caller's identity, read from the headers an API would
/// authenticate with, behind the cache (the layer-order trap).
async fn whoami(headers: HeaderMap) -> String {
    for name in [
        "x-api-key",
        "proxy-authorization",
        "api-key",
        "x-auth-token",
    ] {
        if let Some(value) = headers.get(name) {
            return format!("secret of {}", value.to_str().unwrap());
        }
    }
    "anonymous".to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_to_credentials_is_never_served_to_another_caller() {
    let cache = ResponseCache::new();
    let addr = serve(Router::new().route("/me", get(whoami)).layer(cache.layer())).await;

    for name in [
        "x-api-key",
        "proxy-authorization",
        "api-key",
        "x-auth-token",
    ] {
        let alice = get_with(addr, "/me", &[(name, "alice")]).await;
        assert_eq!(alice.text(), "secret of alice");
        let mallory = get_with(addr, "/me", &[(name, "mallory")]).await;
        assert_eq!(mallory.text(), "secret of mallory", "{name}");
        let anonymous = fetch(addr, "/me").await;
        assert_eq!(anonymous.text(), "anonymous", "{name}");
        assert_eq!((alice.cache(), mallory.cache()), ("BYPASS", "BYPASS"));
    }
    assert_eq!(cache.stats().hits, 3, "only the anonymous requests hit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_headers_are_configurable() {
    let cache = ResponseCache::builder()
        .credential_header(HeaderName::from_static("x-tenant-token"))
        .build();
    let app = Router::new()
        .route(
            "/me",
            get(|headers: HeaderMap| async move { format!("{:?}", headers.get("x-tenant-token")) }),
        )
        .layer(cache.layer());
    let addr = serve(app).await;

    let first = get_with(addr, "/me", &[("x-tenant-token", "a")]).await;
    assert_eq!(first.cache(), "BYPASS");
    assert_eq!(fetch(addr, "/me").await.text(), "None");
    let second = get_with(addr, "/me", &[("x-tenant-token", "b")]).await;
    assert_eq!(second.text(), "Some(\"b\")");

    // Varying on a credential header caches per value.
    let cache = ResponseCache::builder()
        .vary_on(HeaderName::from_static("x-api-key"))
        .build();
    let addr = serve(Router::new().route("/me", get(whoami)).layer(cache.layer())).await;
    for _ in 0..2 {
        assert_eq!(
            get_with(addr, "/me", &[("x-api-key", "alice")])
                .await
                .text(),
            "secret of alice"
        );
        assert_eq!(
            get_with(addr, "/me", &[("x-api-key", "bob")]).await.text(),
            "secret of bob"
        );
    }
    assert_eq!(cache.stats().hits, 2);
}

/// One response of the ported cases: status, response headers, stored by a
/// shared cache.
type Case = (u16, &'static [(&'static str, &'static str)], bool);

/// The shared-cache cases of `http-cache-semantics`' test suite (ported from
/// the JavaScript library of the same name) that apply to a server-side cache,
/// and RFC 9111's heuristically cacheable statuses.
const CASES: &[Case] = &[
    (200, &[("cache-control", "public, max-age=999999")], true),
    (200, &[("cache-control", ",,,,max-age =  456      ,")], true),
    (200, &[("cache-control", "max-age=\"678\"")], true),
    (
        200,
        &[("cache-control", "private, public, max-age=259200")],
        false,
    ),
    (
        200,
        &[(
            "cache-control",
            "pre-check=0, post-check=0, no-store, no-cache, max-age=100",
        )],
        false,
    ),
    (
        200,
        &[("cache-control", "no-store, public, max-age=1")],
        false,
    ),
    (200, &[("cache-control", "no-cache")], false),
    (200, &[("cache-control", "public, no-cache")], false),
    (200, &[("pragma", "no-cache")], false),
    (200, &[("cache-control", "private")], false),
    (200, &[("cache-control", "Private")], false),
    (
        200,
        &[("cache-control", "private=\"set-cookie\", max-age=99")],
        false,
    ),
    (200, &[("cache-control", "max-age=0")], false),
    (200, &[("cache-control", "s-maxage=0, max-age=100")], false),
    (200, &[("expires", "Thu, 01 Jan 1970 00:00:00 GMT")], false),
    (200, &[("expires", "Fri, 01 Jan 2100 00:00:00 GMT")], true),
    (
        200,
        &[("cache-control", "max-age=100"), ("set-cookie", "sid=1")],
        false,
    ),
    (
        200,
        &[("cache-control", "public, max-age=100"), ("vary", "*")],
        false,
    ),
    (200, &[("vary", "*")], false),
    (
        200,
        &[("etag", "\"123456789\""), ("cache-control", "max-age=100")],
        true,
    ),
    (200, &[("cache-control", "immutable, max-age=100")], true),
    (
        200,
        &[("cache-control", "must-revalidate, max-age=100")],
        true,
    ),
    (200, &[], true),
    (203, &[], true),
    (204, &[], true),
    (301, &[("location", "/elsewhere")], true),
    (302, &[("location", "/elsewhere")], false),
    (
        302,
        &[("location", "/elsewhere"), ("cache-control", "max-age=60")],
        true,
    ),
    (
        206,
        &[
            ("content-range", "bytes 0-1/10"),
            ("cache-control", "max-age=100"),
        ],
        false,
    ),
    (404, &[], true),
    (410, &[], true),
    (400, &[], false),
    (500, &[], false),
    (500, &[("cache-control", "max-age=100")], false),
    (503, &[], false),
];

async fn case(Path(at): Path<usize>) -> Response {
    let (status, headers, _) = CASES[at];
    let mut response = format!("case {at}").into_response();
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    for (name, value) in headers {
        response
            .headers_mut()
            .append(*name, HeaderValue::from_static(value));
    }
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_what_a_shared_cache_may_store_is_stored() {
    let cache = ResponseCache::new();
    let addr = serve(
        Router::new()
            .route("/case/{at}", get(case))
            .layer(cache.layer()),
    )
    .await;

    let mut wrong = Vec::new();
    for (at, (status, headers, stored)) in CASES.iter().enumerate() {
        let path = format!("/case/{at}");
        assert_ne!(fetch(addr, &path).await.cache(), "HIT", "{path}");
        let again = fetch(addr, &path).await;
        assert_eq!(again.status.as_u16(), *status);
        if (again.cache() == "HIT") != *stored {
            wrong.push(format!("{status} {headers:?}: {}", again.cache()));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A report as CSV or JSON, and gzip bytes only to clients that accept them.
async fn report(headers: HeaderMap) -> Response {
    let accepts = |name: HeaderName, what: &str| {
        headers
            .get(name)
            .is_some_and(|value| value.to_str().unwrap().contains(what))
    };
    let mut response = if accepts(header::ACCEPT, "text/csv") {
        ([(header::CONTENT_TYPE, "text/csv")], "id\n1\n").into_response()
    } else if accepts(header::ACCEPT_ENCODING, "gzip") {
        ([(header::CONTENT_ENCODING, "gzip")], &b"\x1f\x8b gzip"[..]).into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], "[{\"id\":1}]").into_response()
    };
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("accept, accept-encoding"),
    );
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_that_varies_reaches_only_matching_requests() {
    let cache = ResponseCache::new();
    let addr = serve(
        Router::new()
            .route("/report", get(report))
            .layer(cache.layer()),
    )
    .await;
    let csv = get_with(addr, "/report", &[("accept", "text/csv")]).await;
    assert_eq!(csv.text(), "id\n1\n");
    assert_eq!(fetch(addr, "/report").await.text(), "[{\"id\":1}]");
    let gzip = get_with(addr, "/report", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip.headers[header::CONTENT_ENCODING], "gzip");
    let plain = fetch(addr, "/report").await;
    assert!(!plain.headers.contains_key(header::CONTENT_ENCODING));
    // `vary_on` does not cover `Accept`: nothing is stored.
    assert_eq!(cache.stats().stores, 0);

    let cache = ResponseCache::builder()
        .vary_on(header::ACCEPT)
        .vary_on(header::ACCEPT_ENCODING)
        .build();
    let addr = serve(
        Router::new()
            .route("/report", get(report))
            .layer(cache.layer()),
    )
    .await;
    for round in 0..2 {
        let expected = if round == 0 { "MISS" } else { "HIT" };
        let csv = get_with(addr, "/report", &[("accept", "text/csv")]).await;
        assert_eq!((csv.text().as_str(), csv.cache()), ("id\n1\n", expected));
        let json = fetch(addr, "/report").await;
        assert_eq!(
            (json.text().as_str(), json.cache()),
            ("[{\"id\":1}]", expected)
        );
        let gzip = get_with(addr, "/report", &[("accept-encoding", "gzip")]).await;
        assert_eq!(gzip.headers[header::CONTENT_ENCODING], "gzip");
        assert_eq!(gzip.cache(), expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn range_requests_bypass_and_partial_content_is_never_stored() {
    let app = Router::new().route(
        "/file",
        get(|headers: HeaderMap| async move {
            if headers.contains_key(header::RANGE) {
                (
                    StatusCode::PARTIAL_CONTENT,
                    [(header::CONTENT_RANGE, "bytes 0-1/10")],
                    "01",
                )
                    .into_response()
            } else {
                "0123456789".into_response()
            }
        }),
    );
    let cache = ResponseCache::new();
    let addr = serve(app.layer(cache.layer())).await;
    let partial = get_with(addr, "/file", &[("range", "bytes=0-1")]).await;
    assert_eq!(partial.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(partial.cache(), "BYPASS");
    let whole = fetch(addr, "/file").await;
    assert_eq!(
        (whole.status, whole.text().as_str()),
        (StatusCode::OK, "0123456789")
    );
    let partial = get_with(addr, "/file", &[("range", "bytes=0-1")]).await;
    assert_eq!(partial.status, StatusCode::PARTIAL_CONTENT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_lossless() {
    let tenant = HeaderName::from_static("x-tenant");
    let cache = ResponseCache::builder().vary_on(tenant.clone()).build();
    let app = Router::new()
        .route(
            "/echo",
            get(|uri: http::Uri, headers: HeaderMap| async move {
                format!("{:?} {:?}", uri.query(), headers.get("x-tenant"))
            }),
        )
        .layer(cache.layer());
    let addr = serve(app).await;

    let raw =
        |bytes: &'static [u8]| vec![(tenant.clone(), HeaderValue::from_bytes(bytes).unwrap())];
    let replies = [
        get_raw(addr, "/echo?q=%FF", Vec::new()).await,
        get_raw(addr, "/echo?q=%FE", Vec::new()).await,
        get_raw(addr, "/echo", raw(b"t\xff")).await,
        get_raw(addr, "/echo", raw(b"t\xfe")).await,
        get_raw(addr, "/echo", raw(b"")).await,
        get_raw(addr, "/echo", Vec::new()).await,
    ];
    let texts: Vec<String> = replies
        .iter()
        .map(|reply| String::from_utf8_lossy(reply.body.as_ref().unwrap()).into_owned())
        .collect();
    let mut distinct = texts.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), texts.len(), "{texts:#?}");
    assert!(replies.iter().all(|reply| reply.cache() == "MISS"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_lives_no_longer_than_its_max_age() {
    let cache = ResponseCache::builder()
        .ttl(Duration::from_secs(600))
        .build();
    let app = Router::new()
        .route(
            "/short",
            get(|| async { ([(header::CACHE_CONTROL, "max-age=1")], "short") }),
        )
        .layer(cache.layer());
    let addr = serve(app).await;
    assert_eq!(fetch(addr, "/short").await.cache(), "MISS");
    assert_eq!(fetch(addr, "/short").await.cache(), "HIT");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(fetch(addr, "/short").await.cache(), "MISS");
}

/// Rows that fail at row 50 while `failing` is set.
fn rows(
    failing: Arc<AtomicBool>,
) -> impl futures::Stream<Item = Result<crate::streams::Row, String>> {
    futures::stream::iter((0..100).map(move |id| {
        if id == 50 && failing.load(SeqCst) {
            return Err("disk on fire".to_owned());
        }
        Ok(crate::streams::Row {
            id,
            name: format!("row {id}"),
            score: 7,
        })
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_stream_is_never_stored() {
    let failing = Arc::new(AtomicBool::new(true));
    let runs = Arc::new(AtomicU64::new(0));
    let (source, counter) = (Arc::clone(&failing), Arc::clone(&runs));
    let cache = ResponseCache::new();
    let app = Router::new()
        .route(
            "/rows.ndjson",
            get(move || {
                counter.fetch_add(1, SeqCst);
                let rows = rows(Arc::clone(&source));
                async move { JsonStream::ndjson(rows, Selection::all()) }
            }),
        )
        .layer(cache.layer());
    let addr = serve(app).await;

    let failed = fetch(addr, "/rows.ndjson").await;
    assert!(failed.text().lines().last().unwrap().contains("$error"));
    failing.store(false, SeqCst); // the source recovered
    let recovered = fetch(addr, "/rows.ndjson").await;
    assert_eq!(recovered.cache(), "MISS");
    assert_eq!(recovered.text().lines().count(), 100);
    assert!(!recovered.text().contains("$error"));
    assert_eq!(fetch(addr, "/rows.ndjson").await.cache(), "HIT");
    assert_eq!(runs.load(SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_json_array_is_an_aborted_200_with_or_without_the_layer() {
    let app = || {
        Router::new().route(
            "/rows.json",
            get(|| async {
                JsonStream::array(rows(Arc::new(AtomicBool::new(true))), Selection::all())
            }),
        )
    };
    let cache = ResponseCache::new();
    for addr in [serve(app()).await, serve(app().layer(cache.layer())).await] {
        for _ in 0..3 {
            let reply = try_get(addr, "/rows.json", Vec::new())
                .await
                .expect("a response head before the aborted body");
            assert_eq!(reply.status, StatusCode::OK);
            assert!(reply.body.is_err(), "the body must not end cleanly");
        }
    }
    assert_eq!(cache.stats().stores, 0);
}
