// `l2` asks Redis on a miss, which only an `async fn` can wait for.
#[unokit::cached(l2, ttl = "10m")]
fn square(n: u64) -> u64 {
    n * n
}

fn main() {}
