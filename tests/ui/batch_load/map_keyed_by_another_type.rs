use std::collections::HashMap;
use unokit::batch_load;

#[batch_load]
async fn squares(ids: &[i64]) -> HashMap<u32, u64> {
    ids.iter().map(|id| (*id as u32, (*id * *id) as u64)).collect()
}

fn main() {}
