//! The `fields` length cap at the extractors, over a real HTTP/1.1 server: a
//! selection longer than `MAX_FIELDS_LEN` is a `414` with the JSON body of
//! every other selection error; one at the limit is served.
#![cfg(feature = "axum")]

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use http::{StatusCode, header};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use unokit::http::{LenientSelectionQuery, MAX_FIELDS_LEN, SelectionQuery};
use unokit::partial_response;
use unokit::select::Selectable;

#[partial_response]
#[derive(Serialize, Clone)]
struct UserOut {
    id: u64,
    name: String,
}

fn ada() -> UserOut {
    UserOut {
        id: 1,
        name: "Ada".into(),
    }
}

async fn strict(SelectionQuery(selection): SelectionQuery<UserOut>) -> Response {
    let body = serde_json::to_vec(&ada().select(&selection)).unwrap();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn lenient(LenientSelectionQuery(selection): LenientSelectionQuery<UserOut>) -> Response {
    let body = serde_json::to_vec(&ada().select(&selection)).unwrap();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn serve() -> SocketAddr {
    let app = Router::new()
        .route("/strict", get(strict))
        .route("/lenient", get(lenient));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// One GET on a fresh connection, within a deadline: status, content type, JSON body.
async fn fetch(addr: SocketAddr, path: String) -> (StatusCode, String, Value) {
    let exchange = async {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        let request = http::Request::get(path)
            .header(header::HOST, "127.0.0.1")
            .body(Empty::<Bytes>::new())
            .unwrap();
        let response = sender.send_request(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        let content_type = parts.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        (
            parts.status,
            content_type,
            serde_json::from_slice(&body).unwrap(),
        )
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("the server answers within 10 s")
}

/// `id` padded with spaces (`+` in a query) to `len` bytes once decoded.
fn padded(len: usize) -> String {
    format!("id{}", "+".repeat(len - 2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selection_past_the_length_cap_is_a_414_with_the_json_error() {
    assert_eq!(MAX_FIELDS_LEN, 16 * 1024);
    let addr = serve().await;
    // Concurrent callers on both extractors, at and past the limit.
    let mut calls = Vec::new();
    for route in ["strict", "lenient"] {
        for _ in 0..8 {
            for len in [MAX_FIELDS_LEN, MAX_FIELDS_LEN + 1, 2 * MAX_FIELDS_LEN] {
                let path = format!("/{route}?fields={}", padded(len));
                calls.push(tokio::spawn(async move { (len, fetch(addr, path).await) }));
            }
        }
    }
    for call in calls {
        let (len, (status, content_type, body)) = call.await.unwrap();
        if len <= MAX_FIELDS_LEN {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(body, json!({"id": 1}));
            continue;
        }
        assert_eq!(status, StatusCode::URI_TOO_LONG, "{body}");
        assert_eq!(content_type, "application/json");
        assert_eq!(
            body,
            json!({
                "error": "invalid_fields",
                "message": format!("the selection is {len} bytes long; at most 16384 are accepted"),
                "path": "",
                "offset": MAX_FIELDS_LEN,
            })
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cap_counts_decoded_bytes_and_other_errors_stay_400() {
    let addr = serve().await;
    // 3 bytes in the query, 1 once decoded: 48 KiB of query, 16 KiB of text.
    let encoded = format!("/strict?fields=id{},name", "%20".repeat(MAX_FIELDS_LEN - 7));
    let (status, _, body) = fetch(addr, encoded).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"id": 1, "name": "Ada"}));

    let (status, _, body) = fetch(addr, "/strict?fields=id,nmae".to_owned()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_fields");
    assert_eq!(body["path"], "nmae");
}
