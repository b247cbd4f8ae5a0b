use unokit::cached;

#[cached(capacity = 10, ttl = "1s", capacity = 20)]
fn square(n: u64) -> u64 {
    n * n
}

fn main() {
    let _ = square(2);
}
