//! Peak memory of streaming 1 000 000 rows with `JsonStream` versus collecting
//! them into a `Vec` and serializing the whole body, measured as the peak RSS
//! (`VmHWM`) of two child processes of this binary, started one after the
//! other in one run. Rows come from a generator, as from a database cursor;
//! both write the same bytes (checked by their count).
//! `cargo bench -p unokit-benches --bench stream_memory`.

use futures::StreamExt;
use serde::Serialize;
use std::io::Write;
use std::process::Command;
use unokit::partial_response;
use unokit::select::stream::JsonStream;
use unokit::select::{Selectable, Selection};

const ROWS: u64 = 1_000_000;
const CHILD: &str = "UNOKIT_STREAM_MEMORY_CHILD";

#[partial_response]
#[derive(Serialize)]
struct Row {
    id: u64,
    name: String,
    email: String,
    city: String,
    score: f64,
    tags: Vec<String>,
}

fn row(id: u64) -> Row {
    Row {
        id,
        name: format!("User Number {id}"),
        email: format!("user{id}@example.com"),
        city: "Springfield".into(),
        score: 0.5,
        tags: vec!["alpha".into(), "beta".into()],
    }
}

/// Peak resident set size of this process, in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

/// Writes the body to a sink, chunk by chunk, as a server writes to a socket.
fn stream_rows() -> u64 {
    let rows = futures::stream::iter((0..ROWS).map(|id| Ok::<_, std::io::Error>(row(id))));
    let mut chunks = JsonStream::array(rows, Selection::<Row>::all());
    let mut sink = std::io::sink();
    let mut written = 0;
    futures::executor::block_on(async {
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.unwrap();
            written += chunk.len() as u64;
            sink.write_all(&chunk).unwrap();
        }
    });
    written
}

/// Collects the rows, serializes them into one body, then writes it.
fn collect_rows() -> u64 {
    let rows: Vec<Row> = (0..ROWS).map(row).collect();
    let body = serde_json::to_vec(&rows.select(&Selection::all())).unwrap();
    std::io::sink().write_all(&body).unwrap();
    body.len() as u64
}

fn main() {
    if let Ok(mode) = std::env::var(CHILD) {
        let written = match mode.as_str() {
            "stream" => stream_rows(),
            _ => collect_rows(),
        };
        println!("{written} {}", peak_rss_kib());
        return;
    }
    let run = |mode: &str| -> (u64, u64) {
        let output = Command::new(std::env::current_exe().unwrap())
            .env(CHILD, mode)
            .output()
            .expect("the bench runs itself");
        assert!(
            output.status.success(),
            "{mode}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8(output.stdout).unwrap();
        let mut numbers = text.split_whitespace().map(|n| n.parse::<u64>().unwrap());
        (numbers.next().unwrap(), numbers.next().unwrap())
    };
    let (streamed_bytes, streamed_kib) = run("stream");
    let (collected_bytes, collected_kib) = run("collect");
    assert_eq!(streamed_bytes, collected_bytes, "both write the same body");
    println!("{ROWS} rows, {} MiB of JSON:", streamed_bytes >> 20);
    println!(
        "  collect, then serialize: peak RSS {:>8} KiB",
        collected_kib
    );
    println!(
        "  JsonStream:              peak RSS {:>8} KiB",
        streamed_kib
    );
    #[allow(clippy::cast_precision_loss)]
    let saved = 100.0 * (1.0 - streamed_kib as f64 / collected_kib as f64);
    println!("  streaming uses {saved:.1}% less memory");
}
