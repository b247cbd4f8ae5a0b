#[batch_load(capacity = 10_000, ttl = "5m", loader = SquareLoader)]
async fn squares(#[ctx] offset: u64, numbers: &[u64]) -> BTreeMap<u64, u64> {
    numbers.iter().map(|n| (*n, n * n + offset)).collect()
}
