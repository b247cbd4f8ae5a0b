#[cached(l2, ttl = "10m", lock = "2s")]
async fn report(day: u32) -> Report {
    Report::build(day).await
}
