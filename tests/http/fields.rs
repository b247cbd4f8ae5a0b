//! The `fields` length cap at the extractors, over a real HTTP/1.1 server: a
//! selection longer than `MAX_FIELDS_LEN` is a `414` with the JSON body of
//! every other selection error; one at the limit is served.
use super::support::{fetch, serve};
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{StatusCode, header};
use serde::Serialize;
use serde_json::json;
use std::net::SocketAddr;
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

async fn serve_routes() -> SocketAddr {
    serve(
        Router::new()
            .route("/strict", get(strict))
            .route("/lenient", get(lenient)),
    )
    .await
}

fn content_type(reply: &super::support::Reply) -> &str {
    reply.headers[header::CONTENT_TYPE].to_str().unwrap()
}

/// `id` padded with spaces (`+` in a query) to `len` bytes once decoded.
fn padded(len: usize) -> String {
    format!("id{}", "+".repeat(len - 2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selection_past_the_length_cap_is_a_414_with_the_json_error() {
    assert_eq!(MAX_FIELDS_LEN, 16 * 1024);
    let addr = serve_routes().await;
    // Concurrent callers on both extractors, at and past the limit.
    let mut calls = Vec::new();
    for route in ["strict", "lenient"] {
        for _ in 0..8 {
            for len in [MAX_FIELDS_LEN, MAX_FIELDS_LEN + 1, 2 * MAX_FIELDS_LEN] {
                let path = format!("/{route}?fields={}", padded(len));
                calls.push(tokio::spawn(async move { (len, fetch(addr, &path).await) }));
            }
        }
    }
    for call in calls {
        let (len, reply) = call.await.unwrap();
        let (status, content_type, body) = (reply.status, content_type(&reply), reply.json());
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
    let addr = serve_routes().await;
    // 3 bytes in the query, 1 once decoded: 48 KiB of query, 16 KiB of text.
    let encoded = format!("/strict?fields=id{},name", "%20".repeat(MAX_FIELDS_LEN - 7));
    let reply = fetch(addr, &encoded).await;
    let (status, body) = (reply.status, reply.json());
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"id": 1, "name": "Ada"}));

    let reply = fetch(addr, "/strict?fields=id,nmae").await;
    let (status, body) = (reply.status, reply.json());
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_fields");
    assert_eq!(body["path"], "nmae");
}
