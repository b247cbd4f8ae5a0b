// `tags` are invalidated across instances through the Redis tier: they need
// `l2`; and the function takes the key's arguments, then the value.
#[unokit::cached(ttl = "10m", tags = |id: &u64, _value: &u64| [format!("user:{id}")])]
async fn without_l2(id: u64) -> u64 {
    id
}

#[unokit::cached(l2, ttl = "10m", tags = |_value: &u64| ["all"])]
async fn value_only(id: u64) -> u64 {
    id
}

fn user_tags(id: &u64, _value: &String) -> Vec<String> {
    vec![format!("user:{id}")]
}

#[unokit::cached(l2, ttl = "10m", tags = user_tags)]
async fn another_value(id: u64) -> u64 {
    id
}

fn main() {}
