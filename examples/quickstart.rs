//! The unokit demo: `#[cached]` on a slow lookup, with nothing but cargo.
//!
//! `cargo run --example quickstart` prints what the cache does: a cold call runs
//! the body, a warm call is a hit, a hundred concurrent calls on a cold key run
//! the body once, and invalidation makes the next call a miss again.

use std::time::{Duration, Instant};
use unokit::{CacheKey, cached};

/// A lookup key with a field that must not split the cache.
#[derive(CacheKey, Clone)]
struct ProfileQuery {
    user_id: u64,
    lang: String,
    #[cache_key(skip)]
    request_id: u64,
}

/// Stands in for a database round trip of 20 ms.
#[cached(capacity = 10_000, ttl = "5m")]
async fn user_profile(user_id: u64, lang: &str) -> Result<String, String> {
    tokio::time::sleep(Duration::from_millis(20)).await;
    if user_id == 0 {
        return Err("user 0 does not exist".to_owned());
    }
    Ok(format!("profile of user {user_id} ({lang})"))
}

/// The same with a derived key: `request_id` is skipped, so it does not split the cache.
#[cached]
fn render(query: &ProfileQuery) -> String {
    std::thread::sleep(Duration::from_millis(5));
    format!("<h1>{}:{}</h1>", query.user_id, query.lang)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    println!("unokit quickstart: #[cached] on a 20 ms lookup\n");

    let start = Instant::now();
    user_profile(1, "en").await?;
    let cold = start.elapsed();

    let warm_calls: u32 = 100_000;
    let start = Instant::now();
    for _ in 0..warm_calls {
        std::hint::black_box(user_profile(1, "en").await?);
    }
    let warm = start.elapsed() / warm_calls;
    println!("cold call  {cold:>10.2?}  runs the body");
    println!(
        "warm call  {warm:>10.2?}  a hit, {:.0}x faster than the cold call",
        cold.as_secs_f64() / warm.as_secs_f64()
    );

    let start = Instant::now();
    let calls: Vec<_> = (0..100)
        .map(|_| tokio::spawn(user_profile(2, "de")))
        .collect();
    for call in calls {
        call.await.map_err(|error| error.to_string())??;
    }
    println!(
        "100 concurrent calls on a cold key: {:.2?} in all, {:.1}x one cold call (single flight)",
        start.elapsed(),
        start.elapsed().as_secs_f64() / cold.as_secs_f64()
    );

    assert!(user_profile(0, "en").await.is_err());
    assert!(user_profile(0, "en").await.is_err());
    println!("an Err is not cached: both calls for user 0 ran the body");

    user_profile_invalidate(1, "en").await;
    let start = Instant::now();
    user_profile(1, "en").await?;
    println!(
        "after user_profile_invalidate(1, \"en\"): {:.2?}, a miss again",
        start.elapsed()
    );

    let stats = user_profile_cache().stats();
    println!(
        "user_profile_cache().stats(): {} hits, {} misses, hit rate {:.2}%",
        stats.hits,
        stats.misses,
        stats.hit_rate() * 100.0
    );

    let first = ProfileQuery {
        user_id: 7,
        lang: "en".into(),
        request_id: 1,
    };
    let second = ProfileQuery {
        request_id: 2,
        ..first.clone()
    };
    render(&first);
    render(&second);
    let stats = render_cache().stats();
    println!(
        "\n#[derive(CacheKey)]: queries {} and {} differ only in a skipped field: {} miss, {} hit (fingerprint {:#018x})",
        first.request_id,
        second.request_id,
        stats.misses,
        stats.hits,
        first.fingerprint()
    );
    Ok(())
}
