#[cached(ttl = "5m", refresh_ahead = 0.8, stale_if_error = "1h", error_backoff = "10s", timeout = "200ms", hard_timeout = "1s", jitter = "10%")]
async fn user_profile(user_id: u64, lang: &str) -> Result<Profile, DbError> {
    fetch_profile(user_id, lang).await
}
