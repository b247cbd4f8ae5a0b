// After an error in the derive, code that uses the type as a key reports
// nothing more: the fallback emits a stub impl beside the one real error.
use unokit::CacheKey;

#[derive(CacheKey)]
struct Request {
    #[cache_key(ignore)]
    id: u64,
}

fn fingerprint_of(request: &Request) -> u64 {
    request.fingerprint()
}

fn main() {
    let _ = fingerprint_of(&Request { id: 1 });
}
