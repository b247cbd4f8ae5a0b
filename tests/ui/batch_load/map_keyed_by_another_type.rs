use std::collections::HashMap;
use unokit::batch_load;

#[batch_load]
async fn names(ids: &[i64]) -> HashMap<String, String> {
    ids.iter().map(|id| (id.to_string(), id.to_string())).collect()
}

fn main() {}
