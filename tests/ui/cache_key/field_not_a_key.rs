use unokit::CacheKey;

struct Connection;

#[derive(CacheKey)]
struct Request {
    id: u64,
    connection: Connection,
}

fn main() {}
