//! `select::stream`: framing, bounded chunks, and what a client sees when the
//! source fails mid-stream.
#![cfg(feature = "stream")]

use futures::StreamExt;
use futures::executor::block_on;
use futures::stream;
use serde::Serialize;
use serde_json::{Value, json};
use std::task::Poll;
use unokit::partial_response;
use unokit::select::stream::{JsonStream, StreamError};
use unokit::select::{Selectable, Selection};

#[partial_response]
#[derive(Serialize, Clone)]
struct Row {
    id: u64,
    name: String,
    score: f64,
}

fn row(id: u64) -> Row {
    Row {
        id,
        name: format!("row {id}"),
        score: 0.5,
    }
}

fn rows(count: u64) -> impl futures::Stream<Item = Result<Row, String>> {
    stream::iter((0..count).map(|id| Ok(row(id))))
}

fn collect<S: futures::Stream<Item = Result<bytes::Bytes, StreamError>>>(
    chunks: S,
) -> (Vec<u8>, Option<StreamError>) {
    block_on(async {
        let mut body = Vec::new();
        let mut chunks = std::pin::pin!(chunks);
        while let Some(chunk) = chunks.next().await {
            match chunk {
                Ok(bytes) => body.extend_from_slice(&bytes),
                Err(error) => {
                    assert!(chunks.next().await.is_none(), "nothing after the error");
                    return (body, Some(error));
                }
            }
        }
        (body, None)
    })
}

fn selection(text: &str) -> Selection<Row> {
    Selection::parse(text).unwrap()
}

#[test]
fn an_array_is_the_selected_list() {
    let all: Vec<Row> = (0..1000).map(row).collect();
    let (body, error) = collect(JsonStream::array(rows(1000), selection("id,name")).flush_at(100));
    assert!(error.is_none());
    assert_eq!(
        body,
        serde_json::to_vec(&all.select(&selection("id,name"))).unwrap()
    );
    let (empty, _) = collect(JsonStream::array(rows(0), selection("id")));
    assert_eq!(empty, b"[]");
}

#[test]
fn an_envelope_wraps_the_array() {
    let stream = JsonStream::array(rows(2), selection("id"))
        .in_envelope(&[("total", json!(2)), ("next", json!(null))], "items")
        .unwrap();
    let (body, _) = collect(stream);
    let value: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        value,
        json!({"total": 2, "next": null, "items": [{"id": 0}, {"id": 1}]})
    );
}

#[test]
fn ndjson_is_one_selected_row_per_line() {
    let (body, error) = collect(JsonStream::ndjson(rows(3), selection("name")));
    assert!(error.is_none());
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "{\"name\":\"row 0\"}\n{\"name\":\"row 1\"}\n{\"name\":\"row 2\"}\n"
    );
}

#[test]
fn chunks_stay_near_the_threshold_whatever_the_row_count() {
    let flush_at = 4096;
    let chunks = block_on(
        JsonStream::ndjson(rows(200_000), Selection::all())
            .flush_at(flush_at)
            .map(|chunk| chunk.unwrap().len())
            .collect::<Vec<_>>(),
    );
    let longest_row = serde_json::to_vec(&row(199_999)).unwrap().len() + 1;
    assert!(chunks.len() > 1000, "{} chunks", chunks.len());
    assert!(
        chunks.iter().all(|&len| len < flush_at + longest_row),
        "a chunk of {} bytes",
        chunks.iter().max().unwrap()
    );
}

fn failing_after(good: u64) -> impl futures::Stream<Item = Result<Row, String>> {
    stream::iter((0..=good).map(move |id| {
        if id == good {
            Err("connection reset by peer (password=hunter2)".to_owned())
        } else {
            Ok(row(id))
        }
    }))
}

#[test]
fn ndjson_ends_with_an_error_record_a_client_can_detect() {
    let (body, error) = collect(JsonStream::ndjson(failing_after(5), selection("id")).flush_at(10));
    assert!(error.is_none(), "the error is in the body");
    let body = String::from_utf8(body).unwrap();
    let lines: Vec<Value> = body
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[4], json!({"id": 4}));
    assert_eq!(
        lines[5],
        json!({"$error": {"message": "the result stream failed", "rows": 5}})
    );
    // The source's own message is not leaked unless asked for.
    assert!(!body.contains("hunter2"));

    let (body, _) = collect(
        JsonStream::ndjson(failing_after(0), selection("id"))
            .error_message(|error: &String| format!("database: {}", &error[..24])),
    );
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "{\"$error\":{\"message\":\"database: connection reset by peer\",\"rows\":0}}\n"
    );
}

#[test]
fn a_json_array_is_cut_off_by_an_error_and_never_valid() {
    let (body, error) =
        collect(JsonStream::array(failing_after(3), selection("id")).flush_at(1_000_000));
    let error = error.expect("the stream yields an error");
    assert_eq!(error.rows_sent(), 3);
    assert_eq!(error.message(), "the result stream failed");
    // The rows before the failure were sent; the closing `]` was not.
    assert_eq!(body, b"[{\"id\":0},{\"id\":1},{\"id\":2}");
    assert!(serde_json::from_slice::<Value>(&body).is_err());

    let (body, error) = collect(JsonStream::array(failing_after(0), selection("id")));
    assert_eq!(body, b"[");
    assert_eq!(error.unwrap().rows_sent(), 0);
}

#[test]
fn rows_ready_now_are_sent_before_waiting_for_more() {
    let mut sent = 0;
    let source = stream::poll_fn(move |_| {
        sent += 1;
        if sent <= 2 {
            Poll::Ready(Some(Ok::<_, String>(row(sent))))
        } else {
            Poll::Pending
        }
    });
    let mut chunks = JsonStream::ndjson(source, selection("id")).flush_at(1_000_000);
    let first = block_on(chunks.next()).unwrap().unwrap();
    assert_eq!(&first[..], b"{\"id\":1}\n{\"id\":2}\n");
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(chunks.poll_next_unpin(&mut cx).is_pending());
}

/// The rows of `sqlx`'s `fetch(&pool)` borrow the pool and the text: `owned`
/// makes them a `'static` stream that a spawned task (as a response body is)
/// can take, with rows handed out as they come and the owner dropped at the end.
#[cfg(feature = "sqlite")]
#[test]
fn owned_sqlx_rows_become_a_static_json_stream() {
    use unokit::db::sqlx;
    use unokit::select::stream::owned;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        let alive = std::sync::Arc::new(());
        // 1000 rows from a recursive query; the text is owned by the stream.
        let sql = String::from(
            "WITH RECURSIVE n(id) AS (SELECT 0 UNION ALL SELECT id + 1 FROM n WHERE id < 999) \
             SELECT id, 'row ' || id, 0.5 FROM n",
        );
        let rows = owned(
            (pool.clone(), sql, std::sync::Arc::clone(&alive)),
            |(pool, sql, _)| sqlx::query_as::<_, (i64, String, f64)>(sql).fetch(pool),
        )
        .map(|row| {
            row.map(|(id, name, score)| Row {
                id: u64::try_from(id).unwrap(),
                name,
                score,
            })
        });
        let body = tokio::spawn(async move {
            let chunks = JsonStream::ndjson(rows, selection("id,name"));
            let mut body = Vec::new();
            let mut chunks = std::pin::pin!(chunks);
            while let Some(chunk) = chunks.next().await {
                body.extend_from_slice(&chunk.unwrap());
            }
            body
        })
        .await
        .unwrap();
        let lines: Vec<Value> = body
            .split(|&byte| byte == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| serde_json::from_slice(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 1000);
        assert_eq!(lines[999], json!({"id": 999, "name": "row 999"}));
        assert_eq!(
            std::sync::Arc::strong_count(&alive),
            1,
            "the owner is dropped"
        );

        // A statement that fails at its fourth row: three rows, then the
        // error, then the end.
        let failing = owned(pool, |pool| {
            sqlx::query_scalar::<_, i64>(
                "WITH RECURSIVE n(id) AS (SELECT 0 UNION ALL SELECT id + 1 FROM n WHERE id < 9) \
                 SELECT CASE WHEN id = 3 THEN abs(-9223372036854775807 - 1) ELSE id END FROM n",
            )
            .fetch(pool)
        });
        let results: Vec<Result<i64, sqlx::Error>> = failing.collect().await;
        assert_eq!(results.len(), 4, "{results:?}");
        assert!(results[..3].iter().all(Result::is_ok));
        assert!(results[3].is_err());
    });
}
