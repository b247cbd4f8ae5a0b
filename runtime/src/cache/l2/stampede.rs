//! Keeping a cold or expiring hot key from stampeding the database across
//! instances: early probabilistic recomputation (XFetch), and an opt-in
//! distributed lock.

use super::tier::{Fetched, RedisTier, Space};
use crate::key::CacheKey;
use std::cell::Cell;
use std::time::Duration;

impl<V> Fetched<V> {
    /// Whether this caller should recompute the entry now, before it expires:
    /// XFetch (Vattani, Chierichetti and Lowenstein, "Optimal Probabilistic
    /// Cache Stampede Prevention", VLDB 2015). The chance grows as expiry nears
    /// and with the time the body takes, so that across all instances about one
    /// caller recomputes a hot key ahead of time, and nobody waits for a miss.
    /// `beta` 1.0 is the paper's default; larger recomputes earlier.
    ///
    /// ```
    /// use std::time::Duration;
    /// use unokit::cache::l2::Fetched;
    ///
    /// let fresh = Fetched { value: (), remaining: Duration::from_secs(600), body_time: Duration::from_millis(5), tags: Vec::new() };
    /// assert!(!fresh.recompute_early(1.0));
    /// let expired = Fetched { value: (), remaining: Duration::ZERO, body_time: Duration::from_millis(5), tags: Vec::new() };
    /// assert!(expired.recompute_early(1.0));
    /// ```
    #[must_use]
    pub fn recompute_early(&self, beta: f64) -> bool {
        // -ln(u) for u uniform in (0, 1]: exponentially distributed, mean 1.
        let draw = -(unit_random()).ln();
        self.body_time.as_secs_f64() * beta * draw >= self.remaining.as_secs_f64()
    }
}

/// A uniform draw in (0, 1], from a per-thread xorshift seeded at random.
fn unit_random() -> f64 {
    thread_local! {
        static STATE: Cell<u64> = Cell::new({
            use std::hash::{BuildHasher, Hasher};
            std::collections::hash_map::RandomState::new().build_hasher().finish() | 1
        });
    }
    STATE.with(|state| {
        let mut x = state.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        // 53 random bits, shifted into (0, 1].
        ((x >> 11) + 1) as f64 / (1_u64 << 53) as f64
    })
}

/// A held distributed lock on one key; give it back with
/// [`RedisTier::unlock`]. It also expires by itself.
#[derive(Debug)]
#[must_use = "a lock is held until unlocked or expired"]
pub struct KeyLock {
    redis_key: String,
    token: String,
}

/// Redis did not answer (failed, timed out, or skipped by the breaker).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unanswered;

/// Deletes the lock only if it still holds this token: a lock that expired
/// and was taken by another instance is not released by the first.
const RELEASE: &str = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

impl RedisTier {
    /// Takes the lock of `key` in `space` for at most `hold` (`SET NX PX` with
    /// a random token), or `None` if another instance holds it or Redis is
    /// unavailable: then run the body anyway, or wait a little for the other
    /// instance's value; the cache never blocks on a lock.
    pub async fn lock<K: CacheKey + ?Sized>(
        &self,
        space: &Space,
        key: &K,
        hold: Duration,
    ) -> Option<KeyLock> {
        self.lock_fingerprint(space, key.fingerprint(), hold)
            .await
            .ok()
            .flatten()
    }

    /// [`lock`](Self::lock) of the key whose fingerprint is `fingerprint`:
    /// `Ok(None)` if another instance holds it, `Err` if Redis did not answer.
    pub(crate) async fn lock_fingerprint(
        &self,
        space: &Space,
        fingerprint: u64,
        hold: Duration,
    ) -> Result<Option<KeyLock>, Unanswered> {
        let redis_key = format!("{}:lock", space.key_of(fingerprint));
        let token = format!("{:016x}{:016x}", random_u64(), random_u64());
        let millis = u64::try_from(hold.as_millis()).unwrap_or(u64::MAX).max(1);
        let taken: Option<Option<String>> = self
            .command(|| {
                redis::cmd("SET")
                    .arg(&redis_key)
                    .arg(&token)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis)
                    .clone()
            })
            .await;
        match taken {
            None => Err(Unanswered),
            Some(taken) => Ok(taken.map(|_| KeyLock { redis_key, token })),
        }
    }

    /// Gives `lock` back, if it is still this instance's; whether it was.
    pub async fn unlock(&self, lock: KeyLock) -> bool {
        let released: Option<u64> = self
            .command(|| {
                redis::cmd("EVAL")
                    .arg(RELEASE)
                    .arg(1)
                    .arg(&lock.redis_key)
                    .arg(&lock.token)
                    .clone()
            })
            .await;
        released == Some(1)
    }
}

fn random_u64() -> u64 {
    // 53 bits per draw are plenty for a token made of two.
    (unit_random() * (1_u64 << 53) as f64) as u64
}
