use unokit::cached;

#[cached(ttl = "1m", stale_if_error = "1h", hard_timeout = "1s")]
async fn name(id: u32) -> String {
    format!("user {id}")
}

fn main() {
    let _ = name(1);
}
