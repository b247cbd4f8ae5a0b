use std::collections::HashMap;
use unokit::batch_load;

#[batch_load(max_bacth = 10, window = "soon", max_batch = 0, no_cache, ttl = "1m")]
async fn names(ids: &[i64]) -> HashMap<i64, String> {
    ids.iter().map(|id| (*id, id.to_string())).collect()
}

fn main() {}
