//! Two instances of a service sharing one Redis: the second serves from Redis
//! what the first computed, an invalidation crosses over (with its latency),
//! and an outage between the first instance and Redis (through a proxy this
//! example owns) fails no call.
//!
//! ```text
//! cargo run --example cluster --features redis
//! ```
//!
//! The second instance is this program again, started by the first as a child
//! process. Redis is `UNOKIT_REDIS_URL` (default `redis://127.0.0.1:6379`);
//! without one the example says so and exits.

use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use unokit::cache::l2::{self, RedisTier, TierConfig};
use unokit_fixtures::proxy::Proxy;

static RUNS: AtomicU64 = AtomicU64::new(0);

/// A slow lookup, shared by every instance through Redis.
#[unokit::cached(l2, ttl = "10m", l1_ttl = "1m")]
async fn profile(id: u64) -> String {
    RUNS.fetch_add(1, SeqCst);
    tokio::time::sleep(Duration::from_millis(50)).await;
    format!("profile {id}")
}

fn unix_micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros()
}

#[tokio::main]
async fn main() {
    let url = std::env::var("UNOKIT_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let address = url
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let reachable = tokio::time::timeout(
        Duration::from_secs(1),
        tokio::net::TcpStream::connect(&address),
    )
    .await;
    if !matches!(reachable, Ok(Ok(_))) {
        println!(
            "no Redis at {url}: start one (redis-server), or set UNOKIT_REDIS_URL, and run again"
        );
        return;
    }
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("second") {
        let id = args.next().and_then(|id| id.parse().ok()).expect("an id");
        second(&url, id).await;
    } else {
        first(&address).await;
    }
}

/// The first instance: talks to Redis through a proxy it can black-hole.
async fn first(address: &str) {
    let proxy = Proxy::start(address.parse().expect("host:port")).await;
    let tier =
        RedisTier::new(TierConfig::new(format!("redis://{}", proxy.addr()))).expect("a tier");
    assert!(l2::install(tier).is_ok());
    let id = u64::try_from(unix_micros() % 1_000_000_000).unwrap_or_default();

    let started = Instant::now();
    profile(id).await;
    println!(
        "A: computed profile {id} in {:?} (the body ran)",
        started.elapsed()
    );
    while profile_cache().stats().l2_writes == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let mut second = Command::new(std::env::current_exe().expect("this program"))
        .args(["second", &id.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the second instance");
    let mut from_second = std::io::BufReader::new(second.stdout.take().expect("its stdout"));
    let mut line = String::new();
    // Its first line: what it served; then it waits for the invalidation.
    from_second.read_line(&mut line).expect("a line");
    print!("{line}");

    // Time for the second instance's subscription to start (on its first
    // miss, in the background).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let at = unix_micros();
    profile_invalidate(id).await;
    let mut to_second = second.stdin.take().expect("its stdin");
    writeln!(to_second, "{at}").expect("the invalidation's time");
    line.clear();
    from_second.read_line(&mut line).expect("a line");
    print!("{line}");
    second.wait().expect("the second instance ends");

    // An outage between this instance and Redis: 100 calls of keys this
    // process does not hold, none of which fails.
    proxy.pause();
    let started = Instant::now();
    let calls: Vec<_> = (1..=100).map(|n| tokio::spawn(profile(id + n))).collect();
    let mut failed = 0;
    for call in calls {
        failed += usize::from(call.await.is_err());
    }
    println!(
        "A: Redis black-holed: 100 calls in {:?}, {failed} failed; the breaker is {:?}",
        started.elapsed(),
        l2::installed().map(RedisTier::breaker)
    );
    proxy.resume();
    let recovered = Instant::now();
    let hits = profile_cache().stats().l2_hits;
    while profile_cache().stats().l2_hits == hits && recovered.elapsed() < Duration::from_secs(5) {
        profile_cache().invalidate_all();
        profile(id).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "A: Redis back: served from it again after {:?}",
        recovered.elapsed()
    );
}

/// The second instance: its own process, cache and connections.
async fn second(url: &str, id: u64) {
    assert!(l2::install(RedisTier::new(TierConfig::new(url)).expect("a tier")).is_ok());
    let started = Instant::now();
    let value = profile(id).await;
    println!(
        "B: {value:?} in {:?}, from Redis: {} (body runs: {})",
        started.elapsed(),
        profile_cache().stats().l2_hits == 1,
        RUNS.load(SeqCst)
    );
    std::io::stdout().flush().expect("stdout");
    // The first instance invalidates the key and tells when: B's copy is
    // dropped when its message arrives, and the next call runs the body.
    let mut at = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut at)
        .expect("the invalidation's time");
    let at: u128 = at.trim().parse().expect("microseconds");
    let waiting = Instant::now();
    let mut asked = unix_micros();
    while RUNS.load(SeqCst) == 0 {
        if waiting.elapsed() > Duration::from_secs(5) {
            println!("B: no invalidation heard within 5 s");
            return;
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
        // The call that misses started after the message had arrived.
        asked = unix_micros();
        profile(id).await;
    }
    let micros = asked.saturating_sub(at);
    println!(
        "B: the invalidation reached this instance within {:.1} ms",
        micros as f64 / 1000.0
    );
}
