// `l2` uses the Redis tier, which is the `redis` feature: one error says to turn it on.
#[unokit::cached(l2, ttl = "10m")]
async fn square(n: u64) -> u64 {
    n * n
}

// The same for a batch loader.
#[unokit::batch_load(l2, ttl = "10m")]
async fn names(ids: &[u64]) -> std::collections::HashMap<u64, String> {
    ids.iter().map(|&id| (id, id.to_string())).collect()
}

fn main() {
    let _ = square(3);
    let _ = NamesLoader::new();
}
