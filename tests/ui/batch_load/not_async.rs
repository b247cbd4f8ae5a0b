use std::collections::HashMap;
use unokit::batch_load;

#[batch_load]
fn names(ids: &[i64]) -> HashMap<i64, String> {
    ids.iter().map(|id| (*id, id.to_string())).collect()
}

fn main() {}
