//! Invalidations across instances: each space has a Redis pub/sub channel; an
//! instance that invalidates publishes there, every other instance's handler
//! drops its local entries. Messages carry no value: a format version, the
//! sender's id (an instance ignores its own), the action, and the key's
//! collision-free encoding or the tag.
//!
//! ```text
//! 1|<sender as 16 hex digits>|k|<key bytes in hex>     one key
//! 1|<sender>|a|                                        every entry
//! 1|<sender>|t|<tag>                                   entries with the tag
//! ```
//!
//! Pub/sub delivers at most once and only to connected subscribers: when the
//! subscription drops and comes back, each handler hears
//! [`Invalidation::Reconnected`] and should drop what it wrote before, since it
//! may have missed messages meanwhile.
//!
//! On a Redis Cluster, `PUBLISH` reaches the subscribers of every node, so
//! the subscription is kept on one node; when that node goes, the next attempt
//! moves to the next node of the configuration.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::Poll;
use std::time::Duration;

use futures_core::Stream;
use redis::aio::PubSubSink;
use tokio::sync::Notify;

/// What another instance asked to drop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invalidation {
    /// One key, by its collision-free encoding
    /// ([`CacheKey::key_bytes`](crate::key::CacheKey::key_bytes)).
    Key(Vec<u8>),
    /// Every entry of the space.
    All,
    /// The entries carrying this tag.
    Tag(String),
    /// The subscription was lost and is back: messages may have been missed
    /// while it was down, so drop what was written before.
    Reconnected,
}

/// A handler of one space's invalidations.
pub(crate) type Handler = Arc<dyn Fn(Invalidation) + Send + Sync>;

const VERSION: &str = "1";

pub(crate) fn encode(source: u64, invalidation: &Invalidation) -> String {
    let mut message = format!("{VERSION}|{source:016x}|");
    match invalidation {
        Invalidation::Key(bytes) => {
            message.push_str("k|");
            for byte in bytes {
                let _ = write!(message, "{byte:02x}");
            }
        }
        Invalidation::All | Invalidation::Reconnected => message.push_str("a|"),
        Invalidation::Tag(tag) => {
            message.push_str("t|");
            message.push_str(tag);
        }
    }
    message
}

/// The sender and the invalidation, or `None` for a message of another
/// version or shape (ignored).
pub(crate) fn decode(message: &str) -> Option<(u64, Invalidation)> {
    let mut parts = message.splitn(4, '|');
    if parts.next()? != VERSION {
        return None;
    }
    let source = u64::from_str_radix(parts.next()?, 16).ok()?;
    let invalidation = match (parts.next()?, parts.next()?) {
        ("k", hex) if hex.len() % 2 == 0 => Invalidation::Key(
            (0..hex.len())
                .step_by(2)
                .map(|at| u8::from_str_radix(hex.get(at..at + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()?,
        ),
        ("a", "") => Invalidation::All,
        ("t", tag) => Invalidation::Tag(tag.to_owned()),
        _ => return None,
    };
    Some((source, invalidation))
}

/// The subscriber side, shared by the tier and its background task.
pub(crate) struct Subscriptions {
    pub(crate) source: u64,
    handlers: Mutex<HashMap<String, Vec<Handler>>>,
    /// The live subscription's sink, to subscribe new channels on.
    sink: Mutex<Option<PubSubSink>>,
    started: std::sync::Once,
    /// Told when the tier is dropped, so that the task ends.
    pub(crate) closed: Notify,
    /// Told each time the task has subscribed every channel.
    ready: Notify,
}

impl Subscriptions {
    pub(crate) fn new(source: u64) -> Self {
        Self {
            source,
            handlers: Mutex::new(HashMap::new()),
            sink: Mutex::new(None),
            started: std::sync::Once::new(),
            closed: Notify::new(),
            ready: Notify::new(),
        }
    }

    /// Adds `handler` for `channel`, starting the background subscriber on
    /// first use, and subscribes at once if it is connected.
    pub(crate) async fn add(
        self: &Arc<Self>,
        clients: &[redis::Client],
        channel: String,
        handler: Handler,
        timeout: Duration,
    ) -> bool {
        lock(&self.handlers)
            .entry(channel.clone())
            .or_default()
            .push(handler);
        self.started.call_once(|| {
            drop(tokio::spawn(run(Arc::downgrade(self), clients.to_vec())));
        });
        // Not connected yet: the task subscribes every channel when it is;
        // wait for that (a while: it may be connecting), then make sure.
        let mut ready = pin!(self.ready.notified());
        ready.as_mut().enable();
        if lock(&self.sink).is_none()
            && tokio::time::timeout(timeout.max(FIRST_CONNECTION), ready)
                .await
                .is_err()
        {
            return false;
        }
        let Some(mut sink) = lock(&self.sink).clone() else {
            return false;
        };
        matches!(
            tokio::time::timeout(timeout, sink.subscribe(channel)).await,
            Ok(Ok(()))
        )
    }

    fn dispatch(&self, channel: &str, invalidation: &Invalidation) {
        let handlers = lock(&self.handlers)
            .get(channel)
            .cloned()
            .unwrap_or_default();
        for handler in handlers {
            handler(invalidation.clone());
        }
    }
}

/// How long a first subscription waits for the connection.
const FIRST_CONNECTION: Duration = Duration::from_secs(1);

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Keeps a subscription to every channel that has handlers, on one of
/// `clients`' nodes (the next one after a failure), reconnecting with a
/// growing pause (up to 1 s) and telling handlers after each reconnection;
/// ends when the tier is dropped.
async fn run(subscriptions: Weak<Subscriptions>, clients: Vec<redis::Client>) {
    let mut pause = Duration::from_millis(10);
    let mut lost = false;
    for client in clients.iter().cycle() {
        let Some(shared) = subscriptions.upgrade() else {
            return;
        };
        let connected =
            tokio::time::timeout(Duration::from_secs(1), client.get_async_pubsub()).await;
        if let Ok(Ok(pubsub)) = connected {
            let (mut sink, stream) = pubsub.split();
            let channels: Vec<String> = lock(&shared.handlers).keys().cloned().collect();
            let mut subscribed = true;
            for channel in channels {
                subscribed &= sink.subscribe(channel).await.is_ok();
            }
            if subscribed {
                *lock(&shared.sink) = Some(sink);
                shared.ready.notify_waiters();
                pause = Duration::from_millis(10);
                if lost {
                    let channels: Vec<String> = lock(&shared.handlers).keys().cloned().collect();
                    for channel in channels {
                        shared.dispatch(&channel, &Invalidation::Reconnected);
                    }
                }
                if !listen(&shared, stream).await {
                    return;
                }
                *lock(&shared.sink) = None;
            }
        }
        lost = true;
        drop(shared);
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(1));
    }
}

/// Hands each message to its handlers until the connection ends (`true`) or
/// the tier is dropped (`false`).
async fn listen(shared: &Subscriptions, stream: redis::aio::PubSubStream) -> bool {
    let mut stream = pin!(stream);
    let mut closed = pin!(shared.closed.notified());
    loop {
        let next = poll_fn(|cx| {
            if closed.as_mut().poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            stream.as_mut().poll_next(cx).map(Some)
        })
        .await;
        let message = match next {
            None => return false,
            Some(None) => return true,
            Some(Some(message)) => message,
        };
        let Ok(text) = std::str::from_utf8(message.get_payload_bytes()) else {
            continue;
        };
        if let Some((source, invalidation)) = decode(text)
            && source != shared.source
        {
            shared.dispatch(message.get_channel_name(), &invalidation);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Invalidation, decode, encode};

    #[test]
    fn messages_round_trip_and_others_are_ignored() {
        for invalidation in [
            Invalidation::Key(vec![0, 1, 0xfe, 0xff]),
            Invalidation::Key(Vec::new()),
            Invalidation::All,
            Invalidation::Tag("user:7|x".into()),
        ] {
            let text = encode(42, &invalidation);
            assert_eq!(decode(&text), Some((42, invalidation)), "{text}");
        }
        for junk in [
            "",
            "2|00|a|",
            "1|zz|a|",
            "1|00|k|abc",
            "1|00|k|zz",
            "1|00|q|",
            "1|00|a|x",
        ] {
            assert_eq!(decode(junk), None, "{junk}");
        }
    }
}
