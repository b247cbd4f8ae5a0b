use std::collections::HashMap;
use std::hash::Hash;
use unokit::batch_load;

#[batch_load]
async fn echo<K: Hash + Eq + Clone>(keys: &[K]) -> HashMap<K, K> {
    keys.iter().map(|key| (key.clone(), key.clone())).collect()
}

fn main() {}
