use unokit::cached;

#[cached(capacity = 100, max_bytes = 1_000_000)]
fn both_bounds(n: u64) -> u64 {
    n
}

#[cached(max_bytes = 0)]
fn zero_bytes(n: u64) -> u64 {
    n
}

#[cached(max_bytes = "64MiB")]
fn text_bytes(n: u64) -> u64 {
    n
}

fn main() {
    let _ = both_bounds(1);
    let _ = zero_bytes(1);
    let _ = text_bytes(1);
}
