use std::collections::HashMap;
use unokit::batch_load;

struct Connection;

#[batch_load]
async fn connections(ids: &[i64]) -> HashMap<i64, Connection> {
    ids.iter().map(|id| (*id, Connection)).collect()
}

fn main() {}
