#[batch_load(l2, ttl = "10m", max_batch = 100)]
async fn names(#[ctx] db: &Db, ids: &[u64]) -> Result<HashMap<u64, String>, DbError> {
    db.names(ids).await
}
