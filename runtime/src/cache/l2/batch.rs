//! `#[batch_load(l2)]`: a batch's keys looked up in Redis in one `MGET`, the
//! batch function called with the others only, and what it loads queued for
//! Redis behind the caller (the tier's write queue pipelines it).
//!
//! The generated code gets an [`L2Codec`] at the value type (where a value
//! Redis cannot store is reported, once); the methods here ask nothing of the
//! value type, and go through the codec's function pointers.

use super::tier::KeyParts;
use super::wired::{L2Codec, L2Link, installed};
use crate::batch::{BatchMap, BatchStats};
use crate::key::CacheKey;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// A batch's keys split by the Redis tier: the values it had, and the keys
/// left for the batch function ([`L2Link::split`]).
#[doc(hidden)]
pub struct L2Batch<K, V> {
    link: &'static L2Link,
    codec: L2Codec<V>,
    found: Vec<(K, V)>,
    missing: Vec<K>,
}

impl L2Link {
    /// `stats` with the link's counters of batch lookups and writes.
    #[doc(hidden)]
    #[must_use]
    pub fn add_batch_stats(&self, stats: BatchStats) -> BatchStats {
        let l2 = self.add_stats(crate::cache::CacheStats::default());
        BatchStats {
            l2_hits: l2.l2_hits,
            l2_misses: l2.l2_misses,
            l2_unavailable: l2.l2_unavailable,
            l2_writes: l2.l2_writes,
            ..stats
        }
    }

    /// Looks `keys` up in one `MGET`: what Redis has, and what it has not.
    /// Without an installed tier, or while Redis is down, every key is left.
    #[doc(hidden)]
    pub async fn split<K: CacheKey + Clone, V>(
        &'static self,
        codec: L2Codec<V>,
        keys: &[K],
    ) -> L2Batch<K, V> {
        let parts = keys.iter().map(KeyParts::of).collect();
        let (fetched, answered) = (codec.fetch_many)(self, parts).await;
        let mut batch = L2Batch {
            link: self,
            codec,
            found: Vec::with_capacity(keys.len()),
            missing: Vec::new(),
        };
        for (key, value) in keys.iter().zip(fetched) {
            match value {
                Some(value) => batch.found.push((key.clone(), value)),
                None => batch.missing.push(key.clone()),
            }
        }
        self.count(batch.found.len(), batch.missing.len(), !answered);
        batch
    }

    /// The values of `keys` in one `MGET`, and whether Redis answered.
    pub(super) async fn fetch_many<V: DeserializeOwned>(
        &self,
        keys: &[KeyParts],
    ) -> (Vec<Option<V>>, bool) {
        let Some(tier) = installed() else {
            return (keys.iter().map(|_| None).collect(), false);
        };
        let (fetched, answered) = tier.fetch_many::<V>(self.space(), keys).await;
        let values = fetched
            .into_iter()
            .map(|entry| entry.map(|entry| entry.value))
            .collect();
        (values, answered)
    }

    /// Queues `value` as `key`'s entry, behind the caller: the tier's one
    /// write queue, as `#[cached(l2)]` writes go (encoded here, so the value
    /// is only borrowed).
    pub(super) fn write_ref_behind<V: Serialize>(&'static self, key: &KeyParts, value: &V) {
        let Some(tier) = installed() else {
            return;
        };
        if let Ok(entry) = tier.entry(self.space(), key, value, self.ttl(), Duration::ZERO) {
            tier.write_behind(entry, &self.writes);
        }
    }
}

impl<K: CacheKey + Clone, V> L2Batch<K, V> {
    /// The keys Redis had no value for: those the batch function loads.
    pub fn missing(&self) -> &[K] {
        &self.missing
    }

    /// The batch's map: what Redis had, and what the batch function `loaded`
    /// for the missing keys (`None` when none were missing), which is queued
    /// for Redis behind the caller.
    pub fn finish<M>(self, loaded: Option<M>) -> M
    where
        M: BatchMap<K, V> + FromIterator<(K, V)>,
    {
        let Self {
            link,
            codec,
            mut found,
            missing: _,
        } = self;
        if let Some(loaded) = loaded {
            for (key, value) in loaded.into_pairs() {
                (codec.write_ref)(link, &KeyParts::of(&key), &value);
                found.push((key, value));
            }
        }
        found.into_iter().collect()
    }
}
