#[batch_load(ttl = "5m", jitter = "10%", stale_if_error = "1h", error_backoff = "10s", refresh_ahead = 0.8)]
async fn prices(#[ctx] db: &Db, ids: &[i64]) -> Result<HashMap<i64, u64>, DbError> {
    db.prices(ids).await
}
