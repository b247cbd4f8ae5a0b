use unokit::cached;

struct Db;

#[cached(ttl = "1m", refresh_ahead = 0.8)]
async fn load(#[cache(skip)] db: &Db, id: u32) -> String {
    let _ = db;
    format!("user {id}")
}

fn main() {
    let _ = load(&Db, 1);
}
