use unokit::cached;

#[cached(capacity = 0, ttl = "0s")]
fn square(n: u64) -> u64 {
    n * n
}

fn main() {
    let _ = square(2);
}
