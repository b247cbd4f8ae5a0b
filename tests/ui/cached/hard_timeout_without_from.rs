use unokit::cached;

#[derive(Debug)]
struct DbError;

#[cached(ttl = "1m", hard_timeout = "1s")]
async fn load(id: u32) -> Result<String, DbError> {
    Ok(format!("user {id}"))
}

fn main() {
    let _ = load(1);
}
