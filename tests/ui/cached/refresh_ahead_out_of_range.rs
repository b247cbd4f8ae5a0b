use unokit::cached;

#[cached(ttl = "1m", refresh_ahead = 1.5)]
async fn name(id: u32) -> String {
    format!("user {id}")
}

#[cached(ttl = "1m", jitter = "150%")]
async fn age(id: u32) -> u32 {
    id
}

fn main() {
    let _ = name(1);
    let _ = age(1);
}
