/// Squares a number, slowly.
#[cached(capacity = 100, ttl = "30s")]
pub fn square(n: u64) -> u64 {
    n * n
}
