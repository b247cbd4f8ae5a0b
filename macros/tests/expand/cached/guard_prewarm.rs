// A key guard asked before the cache, and hot keys tracked for pre-warming.
#[cached(ttl = "5m", guard = &*USER_IDS, prewarm = 1000)]
pub async fn user(id: u64, lang: &str) -> Option<String> {
    Some(format!("{id} {lang}"))
}
