// `lock` is a lock in Redis, across instances: it needs `l2`; and it waits a
// positive time.
#[unokit::cached(ttl = "10m", lock = "2s")]
async fn without_l2(id: u64) -> u64 {
    id
}

#[unokit::cached(l2, ttl = "10m", lock = "0s")]
async fn zero(id: u64) -> u64 {
    id
}

fn main() {}
