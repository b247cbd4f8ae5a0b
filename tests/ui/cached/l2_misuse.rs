// `l2` keeps entries in Redis for the `ttl`; `l1_ttl` is the in-process part of it.
#[unokit::cached(l2)]
async fn without_ttl(n: u64) -> u64 {
    n
}

#[unokit::cached(ttl = "1m", l1_ttl = "10s")]
async fn l1_ttl_without_l2(n: u64) -> u64 {
    n
}

#[unokit::cached(l2, ttl = "1m", l1_ttl = "10m")]
async fn l1_ttl_longer(n: u64) -> u64 {
    n
}

#[unokit::cached(l2, ttl = "1m", refresh_ahead = 0.8)]
async fn with_a_policy(n: u64) -> u64 {
    n
}

fn main() {}
