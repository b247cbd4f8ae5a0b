#[cached(l2, ttl = "10m", tags = |user_id: &u64, lang: &str, profile: &Profile| [format!("user:{user_id}"), format!("team:{}", profile.team)])]
async fn user_profile(#[cache(skip)] db: &Db, user_id: u64, lang: &str) -> Result<Profile, DbError> {
    db.profile(user_id, lang).await
}
