//! Streamed bodies: a million NDJSON rows in bounded chunks, and failures a
//! client can detect.

use crate::support::{fetch, serve};
use axum::Router;
use axum::routing::get;
use bytes::Bytes;
use http::{StatusCode, header};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde_json::{Value, json};
use unokit::http::SelectionQuery;
use unokit::partial_response;
use unokit::select::stream::JsonStream;

#[partial_response]
#[derive(Serialize)]
pub struct Row {
    pub id: u64,
    pub name: String,
    pub score: u32,
}

fn rows(count: u64, fail_at: Option<u64>) -> impl futures::Stream<Item = Result<Row, String>> {
    futures::stream::iter((0..count).map(move |id| {
        if Some(id) == fail_at {
            return Err("disk on fire".to_owned());
        }
        Ok(Row {
            id,
            name: format!("row {id}"),
            score: 7,
        })
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_ndjson_rows_reach_the_client_completely() {
    const ROWS: u64 = 1_000_000;
    let app = Router::new().route(
        "/rows",
        get(
            |SelectionQuery(selection): SelectionQuery<Row>| async move {
                JsonStream::ndjson(rows(ROWS, None), selection)
            },
        ),
    );
    let addr = serve(app).await;

    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = http::Request::get("/rows?fields=id")
        .header(header::HOST, "127.0.0.1")
        .body(Empty::<Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/x-ndjson"
    );
    let mut body = response.into_body();
    let (mut lines, mut tail, mut largest_chunk) = (0_u64, Vec::new(), 0);
    while let Some(frame) = body.frame().await {
        let data = frame.unwrap().into_data().unwrap();
        largest_chunk = largest_chunk.max(data.len());
        lines += data.iter().filter(|&&byte| byte == b'\n').count() as u64;
        tail.extend_from_slice(&data);
        let keep = tail.len().saturating_sub(64);
        tail.drain(..keep);
    }
    assert_eq!(lines, ROWS);
    assert!(
        String::from_utf8(tail)
            .unwrap()
            .ends_with("{\"id\":999999}\n")
    );
    // Streamed in chunks near the threshold, never as one body.
    assert!(
        largest_chunk < 64 * 1024,
        "a chunk of {largest_chunk} bytes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_stream_is_detectable_by_the_client() {
    let app = Router::new()
        .route(
            "/rows.ndjson",
            get(|| async {
                JsonStream::ndjson(rows(100, Some(50)), unokit::select::Selection::all())
            }),
        )
        .route(
            "/rows.json",
            get(|| async {
                JsonStream::array(
                    rows(100_000, Some(50_000)),
                    unokit::select::Selection::all(),
                )
            }),
        );
    let addr = serve(app).await;

    let ndjson = fetch(addr, "/rows.ndjson").await;
    let body = String::from_utf8(ndjson.body.unwrap().to_vec()).unwrap();
    let last: Value = serde_json::from_str(body.lines().last().unwrap()).unwrap();
    assert_eq!(
        last,
        json!({"$error": {"message": "the result stream failed", "rows": 50}})
    );

    // The JSON array's body is aborted: the client gets an error, not a
    // clean-looking truncated document.
    let json = fetch(addr, "/rows.json").await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(json.body.is_err(), "the body must not end cleanly");
}
