#[cached(l2, ttl = "10m", l1_ttl = "30s")]
async fn user_profile(#[cache(skip)] db: &Db, user_id: u64, lang: &str) -> Result<Profile, DbError> {
    db.profile(user_id, lang).await
}
