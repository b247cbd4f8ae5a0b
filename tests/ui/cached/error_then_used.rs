// After an error in #[cached], code that calls the function's companions
// reports nothing more: the fallback emits stubs of them beside the real error.
use unokit::cached;

#[cached(capacity = 0)]
fn square(n: u64) -> u64 {
    n * n
}

#[cached(tll = "1m")]
async fn profile(#[cache(skip)] db: &str, user_id: u64) -> Result<String, String> {
    Ok(format!("{db}/{user_id}"))
}

struct Prices;

impl Prices {
    #[cached]
    fn price(&mut self, item: u32) -> Option<u64> {
        Some(u64::from(item))
    }
}

fn main() {
    let _ = square(2);
    let _ = square_uncached(2);
    square_invalidate(2);
    square_prime(2, 4);
    square_invalidate_all();
    let stats = square_cache().stats();
    let _ = (stats.hits, stats.misses, square_cache().entry_count());
    square_cache().run_pending_tasks();

    let _ = async {
        let _ = profile("db", 7).await;
        let _ = profile_uncached("db", 7).await;
        profile_invalidate(7).await;
        profile_prime(7, "primed".to_owned()).await;
        profile_invalidate_all();
        profile_cache().run_pending_tasks().await;
        let _ = profile_cache().stats().hits;
    };

    let mut prices = Prices;
    let _ = prices.price(1);
    let _ = prices.price_uncached(1);
    Prices::price_invalidate(1);
    Prices::price_prime(1, 2);
    Prices::price_invalidate_all();
    let _ = Prices::price_cache().stats();
}
