//! `#[cached]`'s resident memory against its bound: calls a function with
//! `COUNT` unique keys of `KEY_BYTES` bytes each and prints the resident memory
//! the cache added, next to its bound. `bytes` runs the function bounded with
//! `max_bytes = 64 MiB`; `entries` the same function bounded in entries (the
//! default, 10 000). Linux only (reads `/proc/self/statm`).
//!
//! ```sh
//! cargo run --release --example cached_bytes -- bytes 16384 40000
//! cargo run --release --example cached_bytes -- entries 16384 40000
//! ```

use unokit::cached;

const CAP: u64 = 64 << 20;

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|pages| pages.parse().ok())
        .expect("statm's second field");
    pages * 4096
}

#[cached(max_bytes = 67_108_864)]
fn by_bytes(key: &str) -> usize {
    key.len()
}

#[cached]
fn by_entries(key: &str) -> usize {
    key.len()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "bytes".to_owned());
    let mut numbers = args.map(|arg| arg.parse::<usize>().expect("a number"));
    let key_bytes = numbers.next().unwrap_or(16 * 1024);
    let count = numbers.next().unwrap_or(40_000);
    let before = resident_bytes();
    let mut key = "k".repeat(key_bytes.max(16));
    for n in 0..count {
        key.replace_range(..16, &format!("{n:016}"));
        let length = match mode.as_str() {
            "bytes" => by_bytes(&key),
            _ => by_entries(&key),
        };
        assert_eq!(length, key.len());
    }
    let (entries, weighed) = if mode == "bytes" {
        by_bytes_cache().run_pending_tasks();
        (
            by_bytes_cache().entry_count(),
            by_bytes_cache().weighted_size(),
        )
    } else {
        by_entries_cache().run_pending_tasks();
        (by_entries_cache().entry_count(), 0)
    };
    let added = resident_bytes().saturating_sub(before);
    #[allow(clippy::cast_precision_loss)]
    let mib = |bytes: u64| bytes as f64 / f64::from(1 << 20);
    println!(
        "{mode}: {count} keys of {key_bytes} B -> {entries} entries, weighed {}, resident +{:.1} MiB ({:.2}x of the 64 MiB bound)",
        if mode == "bytes" {
            format!("{:.1} MiB", mib(weighed))
        } else {
            "-".to_owned()
        },
        mib(added),
        mib(added) / mib(CAP),
    );
}
