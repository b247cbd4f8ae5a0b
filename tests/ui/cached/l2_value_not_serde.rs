// The Redis tier stores the value: it needs `Serialize` and `DeserializeOwned`.
#[derive(Clone)]
struct Profile {
    name: String,
}

#[unokit::cached(l2, ttl = "10m")]
async fn profile(id: u64) -> Profile {
    Profile { name: id.to_string() }
}

fn main() {}
