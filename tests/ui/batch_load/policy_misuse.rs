use std::collections::HashMap;
use unokit::batch_load;

// The policies work on values that expire: without `ttl` there are none.
#[batch_load(capacity = 100, jitter = "10%", stale_if_error = "1h", refresh_ahead = 0.8)]
async fn names(ids: &[i64]) -> HashMap<i64, String> {
    ids.iter().map(|id| (*id, id.to_string())).collect()
}

// A back-off without a stale value to serve; a jitter out of range; an empty window.
#[batch_load(ttl = "1m", error_backoff = "5s", jitter = "150%")]
async fn titles(ids: &[i64]) -> HashMap<i64, String> {
    ids.iter().map(|id| (*id, id.to_string())).collect()
}

#[batch_load(ttl = "1m", stale_if_error = "0s", jitter = "ten", refresh_ahead = 1.5)]
async fn labels(ids: &[i64]) -> HashMap<i64, String> {
    ids.iter().map(|id| (*id, id.to_string())).collect()
}

fn main() {}
