// `l2` keeps loaded values in Redis for the `ttl`: it needs one; and the
// values go through serde.
use std::collections::HashMap;
use unokit::batch_load;

#[batch_load(l2)]
async fn names(ids: &[u64]) -> HashMap<u64, String> {
    ids.iter().map(|&id| (id, id.to_string())).collect()
}

#[derive(Clone)]
struct Profile {
    name: String,
}

#[batch_load(l2, ttl = "10m")]
async fn profiles(ids: &[u64]) -> HashMap<u64, Profile> {
    ids.iter().map(|&id| (id, Profile { name: id.to_string() })).collect()
}

fn main() {}
