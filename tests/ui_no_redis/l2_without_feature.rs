// `l2` uses the Redis tier, which is the `redis` feature: one error says to turn it on.
#[unokit::cached(l2, ttl = "10m")]
async fn square(n: u64) -> u64 {
    n * n
}

fn main() {
    let _ = square(3);
}
