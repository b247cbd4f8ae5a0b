use unokit::CacheKey;

#[derive(CacheKey)]
#[cache_key(rename_all = "lowercase")]
struct Search {
    #[cache_key(ignore)]
    trace: u64,
    #[cache_key]
    query: String,
}

fn main() {}
