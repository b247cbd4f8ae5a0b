use unokit::cached;

#[cached(refresh_ahead = 0.8, stale_if_error = "1h")]
async fn load(id: u32) -> Result<String, String> {
    Ok(format!("user {id}"))
}

#[cached(ttl = "1m", none_ttl = "10s")]
async fn find(id: u32) -> Option<String> {
    Some(format!("user {id}"))
}

fn main() {
    let _ = load(1);
    let _ = find(1);
}
