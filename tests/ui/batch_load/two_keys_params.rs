use std::collections::HashMap;
use unokit::batch_load;

struct Db;

#[batch_load]
async fn names(db: &Db, ids: &[i64]) -> HashMap<i64, String> {
    let _ = db;
    ids.iter().map(|id| (*id, id.to_string())).collect()
}

fn main() {}
