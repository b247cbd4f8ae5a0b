//! Tags: invalidating every entry that carries one, in every instance, with
//! O(1) Redis writes.
//!
//! Entries carry their tags in the envelope. Invalidating a tag writes its
//! invalidation time under one Redis key (`SET unokit:tag:{tag} <now ms> PX
//! ..`) and publishes one message on the tag channel; no key is scanned. A
//! read of an entry with tags fetches their times (one `MGET`, only for
//! entries that have tags; a batch's entries share one) and an entry whose
//! body started no later than one of them is a miss. The times are asked of
//! Redis on each such read rather than kept in a local copy fed by the
//! backplane: pub/sub may drop messages (a reconnection, an instance started
//! after the invalidation), and a read that trusted a stale local copy would
//! serve an invalidated value; the price is one round trip more on an L2 hit
//! of a tagged entry, and nothing on the others.
//!
//! In the process, each `#[cached(l2, tags = ..)]` function indexes its local
//! entries by tag ([`TagIndex`]), so that a tag's message drops those
//! entries alone; functions without tags keep no index.

use super::backplane::Invalidation;
use super::tier::{Fetched, KeyParts, Missed, RedisTier, Space, Stored, bump, unix_ms};
use super::wired::installed;
use crate::key::CacheKey;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// The prefix of the tag keys: tags are shared by every function.
const TAG_PREFIX: &str = "unokit:tag:";

/// The channel of tag invalidations, shared by every function.
const TAG_CHANNEL: &str = "unokit:tags:inv";

/// The least a tag's invalidation time is kept: a day. It is kept at least
/// as long as the longest time to live of a tagged entry this process wrote,
/// too; an entry living longer than both could outlive its tag's time.
pub(super) const MIN_TAG_TTL: Duration = Duration::from_secs(24 * 3600);

/// The longest time to live of a tagged entry written by this process, in ms.
static LONGEST_TAGGED_TTL: AtomicU64 = AtomicU64::new(0);

/// The Redis key of `tag`'s invalidation time.
fn tag_key(tag: &str) -> String {
    format!("{TAG_PREFIX}{tag}")
}

/// Notes that an entry with tags lives `ttl_ms`: tag times outlive it.
pub(super) fn tagged_ttl(ttl_ms: u64) {
    LONGEST_TAGGED_TTL.fetch_max(ttl_ms, Relaxed);
}

/// Invalidates `tag` in every instance: every entry created before now and
/// carrying it becomes a miss, in Redis and in the in-process caches of the
/// `#[cached(l2, tags = ..)]` functions (here at once, elsewhere when the
/// message arrives). Costs two Redis commands (`SET` and `PUBLISH`), however
/// many entries carry the tag. Returns whether Redis took the invalidation:
/// without an installed tier, or with Redis down, only this process's
/// entries are dropped.
///
/// ```no_run
/// # async fn demo() {
/// #[unokit::cached(l2, ttl = "10m", tags = |user_id: &u64, _name: &String| [format!("user:{user_id}")])]
/// async fn user_name(user_id: u64) -> String {
///     format!("user {user_id}")
/// }
///
/// user_name(7).await;
/// unokit::cache::l2::invalidate_tag("user:7").await;
/// # }
/// ```
pub async fn invalidate_tag(tag: &str) -> bool {
    let Some(tier) = installed() else {
        drop_local(tag);
        return false;
    };
    // Redis first, then the local entries: a local miss racing with this
    // then reads the new time.
    let written = tier.write_tag_time(tag).await;
    drop_local(tag);
    let published = tier.publish_tag(tag).await;
    written && published
}

impl RedisTier {
    /// [`put`](Self::put) of an entry carrying `tags`: a read of it is a miss
    /// once one of them is invalidated after it was computed (`body_time`
    /// before now).
    pub async fn put_tagged<K: CacheKey + ?Sized, V: Serialize + ?Sized>(
        &self,
        space: &Space,
        key: &K,
        value: &V,
        ttl: Duration,
        body_time: Duration,
        tags: &[String],
    ) -> Stored {
        let mut parts = KeyParts::of(key);
        parts.tags = tags.to_vec();
        self.store(space, &parts, value, ttl, body_time).await
    }

    /// Invalidates `tag` for every instance: its invalidation time in Redis,
    /// and a message to the other instances' tag handlers
    /// ([`subscribe_tags`](Self::subscribe_tags)). O(1) Redis writes. This
    /// instance's in-process caches are the caller's to drop
    /// ([`invalidate_tag`] does both).
    pub async fn invalidate_tag(&self, tag: &str) -> bool {
        self.write_tag_time(tag).await && self.publish_tag(tag).await
    }

    async fn write_tag_time(&self, tag: &str) -> bool {
        let now = unix_ms(SystemTime::now());
        let ttl = LONGEST_TAGGED_TTL
            .load(Relaxed)
            .max(super::tier::millis(MIN_TAG_TTL));
        let done: Option<()> = self
            .command(|| {
                redis::cmd("SET")
                    .arg(tag_key(tag))
                    .arg(now)
                    .arg("PX")
                    .arg(ttl)
                    .clone()
            })
            .await;
        done.is_some()
    }

    async fn publish_tag(&self, tag: &str) -> bool {
        let message = super::backplane::encode(
            self.subscriptions.source,
            &Invalidation::Tag(tag.to_owned()),
        );
        let sent: Option<u64> = self
            .command(|| redis::cmd("PUBLISH").arg(TAG_CHANNEL).arg(message).clone())
            .await;
        sent.is_some()
    }

    /// Calls `handler` with each tag invalidation other instances publish
    /// ([`Invalidation::Tag`]), and [`Invalidation::Reconnected`] after the
    /// subscription came back. Returns whether it was live on return.
    pub async fn subscribe_tags(
        &self,
        handler: impl Fn(Invalidation) + Send + Sync + 'static,
    ) -> bool {
        self.subscriptions
            .add(
                &self.clients,
                TAG_CHANNEL.to_owned(),
                Arc::new(handler),
                self.config.op_timeout,
            )
            .await
    }

    /// `entries` read from Redis, each with the time its body started, with
    /// those created before one of their tags' invalidations made misses. One
    /// `MGET` for every tag of every entry; none if no entry has tags. Redis
    /// not answering makes the tagged entries misses (`false`).
    pub(super) async fn drop_invalidated<V>(
        &self,
        entries: Vec<Option<(Fetched<V>, u64)>>,
    ) -> (Vec<Option<Fetched<V>>>, bool) {
        let mut tags: Vec<&str> = entries
            .iter()
            .flatten()
            .flat_map(|(fetched, _)| fetched.tags.iter().map(String::as_str))
            .collect();
        if tags.is_empty() {
            let entries = entries
                .into_iter()
                .map(|entry| entry.map(|(fetched, _)| fetched))
                .collect();
            return (entries, true);
        }
        tags.sort_unstable();
        tags.dedup();
        let times: Option<Vec<Option<u64>>> = self
            .command(|| {
                let mut command = redis::cmd("MGET");
                for tag in &tags {
                    command.arg(tag_key(tag));
                }
                command
            })
            .await;
        let times: Option<HashMap<String, u64>> = times.map(|times| {
            tags.iter()
                .zip(times)
                .filter_map(|(tag, time)| Some(((*tag).to_owned(), time?)))
                .collect()
        });
        let answered = times.is_some();
        let entries = entries
            .into_iter()
            .map(|entry| {
                let (fetched, born_ms) = entry?;
                if fetched.tags.is_empty() {
                    return Some(fetched);
                }
                let Some(times) = &times else {
                    return None;
                };
                let invalidated = fetched
                    .tags
                    .iter()
                    .any(|tag| times.get(tag).is_some_and(|&at| at >= born_ms));
                if invalidated {
                    bump(&self.counters.invalidated);
                    return None;
                }
                Some(fetched)
            })
            .collect();
        (entries, answered)
    }

    /// One entry's [`drop_invalidated`](Self::drop_invalidated).
    pub(super) async fn drop_if_invalidated<V>(
        &self,
        fetched: Fetched<V>,
        born_ms: u64,
    ) -> Result<Fetched<V>, Missed> {
        if fetched.tags.is_empty() {
            return Ok(fetched);
        }
        match self.drop_invalidated(vec![Some((fetched, born_ms))]).await {
            (mut kept, true) => kept.pop().flatten().ok_or(Missed::Absent),
            (_, false) => Err(Missed::Unavailable),
        }
    }
}

/// The tags a `tags = ..` function returned, as the entry stores them: any
/// iterable of strings (an array, a `Vec`, an `Option`, ...).
#[doc(hidden)]
pub fn collect_tags<I>(tags: I) -> Vec<String>
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    tags.into_iter().map(Into::into).collect()
}

/// What drops one function's local entries carrying a tag.
type Dropper = Arc<dyn Fn(&str) + Send + Sync>;

/// The tagged functions of the process that have run.
static TAGGED: Mutex<Vec<Dropper>> = Mutex::new(Vec::new());

/// Whether the process listens to the other instances' tag invalidations.
static LISTENING: AtomicBool = AtomicBool::new(false);

/// Adds a tagged function's `dropper` (once per function).
pub(super) fn register(dropper: Dropper) {
    TAGGED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(dropper);
}

/// Starts listening to the other instances' tag invalidations, once, as soon
/// as a tier is installed and this runs on a Tokio runtime.
pub(super) fn listen() {
    if LISTENING.load(Relaxed) {
        return;
    }
    let (Some(tier), Ok(runtime)) = (installed(), tokio::runtime::Handle::try_current()) else {
        return;
    };
    if LISTENING.swap(true, Relaxed) {
        return;
    }
    runtime.spawn(async move {
        tier.subscribe_tags(|invalidation| {
            // After a reconnection each function's own channel drops its
            // entries already.
            if let Invalidation::Tag(tag) = invalidation {
                drop_local(&tag);
            }
        })
        .await;
    });
}

/// Drops this process's entries carrying `tag`, in every tagged function.
fn drop_local(tag: &str) {
    let droppers = TAGGED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    for dropper in droppers {
        dropper(tag);
    }
}

/// One function's in-process entries by tag: the local hashes of those
/// carrying each tag. Bounded: past [`TagIndex::MAX`] hashes it forgets
/// everything, and the next tag dropped drops every local entry instead.
#[derive(Default)]
pub(crate) struct TagIndex {
    hashes: HashMap<String, Vec<u64>>,
    len: usize,
    overflowed: bool,
}

/// What to drop for a tag.
pub(crate) enum ToDrop {
    /// The entries under these local hashes.
    Hashes(Vec<u64>),
    /// Every entry: the index forgot some.
    All,
}

impl TagIndex {
    /// How many (tag, entry) pairs are remembered.
    const MAX: usize = 100_000;

    /// Remembers that the local entry under `hash` carries `tags`.
    pub(crate) fn add(&mut self, tags: &[String], hash: u64) {
        for tag in tags {
            if self.len >= Self::MAX {
                self.hashes.clear();
                self.len = 0;
                self.overflowed = true;
            }
            let hashes = self.hashes.entry(tag.clone()).or_default();
            if !hashes.contains(&hash) {
                hashes.push(hash);
                self.len += 1;
            }
        }
    }

    /// What to drop for `tag`, forgotten from the index.
    pub(crate) fn take(&mut self, tag: &str) -> ToDrop {
        if std::mem::take(&mut self.overflowed) {
            self.hashes.clear();
            self.len = 0;
            return ToDrop::All;
        }
        let hashes = self.hashes.remove(tag).unwrap_or_default();
        self.len -= hashes.len();
        ToDrop::Hashes(hashes)
    }
}

#[cfg(test)]
mod tests {
    use super::{TagIndex, ToDrop};

    #[test]
    fn the_index_gives_each_tags_hashes_and_everything_after_overflowing() {
        let mut index = TagIndex::default();
        index.add(&["a".into(), "b".into()], 1);
        index.add(&["a".into()], 2);
        index.add(&["a".into()], 2);
        assert!(matches!(index.take("a"), ToDrop::Hashes(hashes) if hashes == [1, 2]));
        assert!(matches!(index.take("a"), ToDrop::Hashes(hashes) if hashes.is_empty()));
        assert!(matches!(index.take("b"), ToDrop::Hashes(hashes) if hashes == [1]));
        for hash in 0..=TagIndex::MAX as u64 {
            index.add(&["c".into()], hash);
        }
        assert!(matches!(index.take("zzz"), ToDrop::All));
        assert!(matches!(index.take("c"), ToDrop::Hashes(hashes) if hashes.is_empty()));
    }
}
