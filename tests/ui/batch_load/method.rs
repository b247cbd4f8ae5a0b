use std::collections::HashMap;
use unokit::batch_load;

struct Db;

impl Db {
    #[batch_load]
    async fn names(&self, ids: &[i64]) -> HashMap<i64, String> {
        ids.iter().map(|id| (*id, id.to_string())).collect()
    }
}

fn main() {}
