use unokit::cached;

#[cached(ttl = "1m", timeout = "200ms", hard_timeout = "1s")]
fn load(id: u32) -> Result<String, String> {
    Ok(format!("user {id}"))
}

#[cached(ttl = "1m", timeout = "2s", hard_timeout = "1s")]
async fn fetch(id: u32) -> Result<String, String> {
    Ok(format!("user {id}"))
}

fn main() {
    let _ = load(1);
    let _ = fetch(1);
}
