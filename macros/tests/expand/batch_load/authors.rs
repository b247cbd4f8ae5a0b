#[batch_load(max_batch = 500, window = "1ms")]
pub async fn authors_by_id(#[ctx] pool: &SqlitePool, ids: &[i64]) -> Result<HashMap<i64, Author>, sqlx::Error> {
    fetch_authors(pool, ids).await
}
