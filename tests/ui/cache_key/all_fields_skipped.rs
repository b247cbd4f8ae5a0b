use unokit::CacheKey;

#[derive(CacheKey)]
struct Request {
    #[cache_key(skip)]
    trace: u64,
    #[cache_key(skip)]
    started: std::time::Duration,
}

fn main() {}
