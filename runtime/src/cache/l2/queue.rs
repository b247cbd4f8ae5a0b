//! Writes to Redis: an entry encoded once, several in one pipeline, and the
//! writes behind callers through one bounded queue per tier, drained by one
//! task that pipelines what it finds and keeps the last write of each key.

use super::envelope::{self, Header};
use super::tier::{KeyParts, RedisTier, Space, Stored, bump, millis, unix_ms};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc;

/// The sending side of a tier's queue of writes.
pub(super) type Sender = mpsc::Sender<Write>;

/// How many queued writes one pipeline takes at most.
const PIPELINE: usize = 256;

/// An encoded entry, ready for `SET key bytes PX ttl_ms`.
pub(super) struct Entry {
    pub(super) key: String,
    pub(super) bytes: Vec<u8>,
    pub(super) ttl_ms: u64,
}

/// A write behind a caller, and the counter of the function it is for.
pub(super) struct Write {
    entry: Entry,
    written: &'static AtomicU64,
}

impl RedisTier {
    /// `value` as the entry of `key` in `space`: refused (and counted) when
    /// it does not encode or is larger than the configured cap.
    pub(super) fn entry<V: Serialize + ?Sized>(
        &self,
        space: &Space,
        key: &KeyParts,
        value: &V,
        ttl: Duration,
        body_time: Duration,
    ) -> Result<Entry, Stored> {
        let header = Header {
            schema: space.schema,
            created_ms: unix_ms(SystemTime::now()),
            ttl_ms: millis(ttl).max(1),
            body_us: u32::try_from(body_time.as_micros()).unwrap_or(u32::MAX),
        };
        if !key.tags.is_empty() {
            super::tags::tagged_ttl(header.ttl_ms);
        }
        let Ok(bytes) = envelope::encode(header, &key.bytes, &key.tags, value) else {
            bump(&self.counters.errors);
            return Err(Stored::Unavailable);
        };
        if bytes.len() > self.config.max_value_bytes {
            bump(&self.counters.oversized);
            return Err(Stored::Oversized);
        }
        Ok(Entry {
            key: space.key_of(key.fingerprint),
            bytes,
            ttl_ms: header.ttl_ms,
        })
    }

    /// Sets `entries` in one pipeline (on a cluster, one per slot, sent
    /// together), under the breaker and the deadline as
    /// [`command`](Self::command); whether Redis took them all.
    async fn pipeline(&self, entries: &[Entry]) -> bool {
        if entries.is_empty() {
            return true;
        }
        let groups = self
            .connection
            .pipeline_groups(entries.iter().map(|entry| entry.key.as_str()));
        let pipes: Vec<redis::Pipeline> = groups
            .iter()
            .map(|group| {
                let mut pipe = redis::pipe();
                for entry in group.iter().map(|&at| &entries[at]) {
                    pipe.cmd("SET")
                        .arg(&entry.key)
                        .arg(&entry.bytes)
                        .arg("PX")
                        .arg(entry.ttl_ms)
                        .ignore();
                }
                pipe
            })
            .collect();
        self.guarded(|connection| async move {
            let sent = pipes.iter().map(|pipe| {
                let mut connection = connection.clone();
                async move { pipe.query_async::<()>(&mut connection).await }
            });
            futures_util::future::try_join_all(sent).await.map(drop)
        })
        .await
        .is_some()
    }

    /// Queues `entry` to be written behind the caller, counting it in
    /// `written` once Redis has it. A full queue drops it (counted in
    /// [`dropped`](super::TierStats::dropped)): the caller never waits.
    /// Outside a Tokio runtime, nothing is written.
    pub(super) fn write_behind(&'static self, entry: Entry, written: &'static AtomicU64) {
        let sender = match self.queue.get() {
            Some(sender) => sender,
            None => {
                let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                    return;
                };
                self.queue.get_or_init(|| {
                    let (sender, receiver) = mpsc::channel(self.config.write_queue);
                    runtime.spawn(drain(self, receiver));
                    sender
                })
            }
        };
        if sender.try_send(Write { entry, written }).is_err() {
            bump(&self.counters.dropped);
        }
    }
}

/// Writes what the queue holds, a pipeline at a time; of several writes of
/// one key waiting together, the last wins. Ends with the tier.
async fn drain(tier: &'static RedisTier, mut queue: mpsc::Receiver<Write>) {
    let mut writes = Vec::with_capacity(PIPELINE);
    while queue.recv_many(&mut writes, PIPELINE).await > 0 {
        let mut last = HashMap::with_capacity(writes.len());
        for (position, write) in writes.iter().enumerate() {
            last.insert(write.entry.key.as_str(), position);
        }
        let keep: Vec<bool> = writes
            .iter()
            .enumerate()
            .map(|(position, write)| last.get(write.entry.key.as_str()) == Some(&position))
            .collect();
        let (mut entries, mut counters) = (Vec::new(), Vec::new());
        for (write, keep) in writes.drain(..).zip(keep) {
            if keep {
                entries.push(write.entry);
                counters.push(write.written);
            }
        }
        // Nobody waits on a write: one that missed its deadline in a slow
        // moment (a busy server, a loaded machine) gets a second try before
        // it is dropped. Setting a key twice is harmless.
        if tier.pipeline(&entries).await || tier.pipeline(&entries).await {
            for written in counters {
                written.fetch_add(1, Relaxed);
            }
        } else {
            tier.counters
                .dropped
                .fetch_add(entries.len() as u64, Relaxed);
        }
    }
}
