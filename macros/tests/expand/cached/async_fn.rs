#[cached(capacity = 10_000, ttl = "5m")]
async fn user_profile(#[cache(skip)] db: &Db, user_id: u64, lang: &str) -> Result<Profile, DbError> {
    db.profile(user_id, lang).await
}
