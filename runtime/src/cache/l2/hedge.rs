//! Hedged reads: a local miss asks Redis, and if Redis has not answered
//! within the tier's `hedge_after`, starts the body too; whichever finishes
//! first answers.

use super::wired::LookupFuture;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;
use tokio::time::Instant;

/// Who answered a local miss.
pub(super) enum Answer<V, R> {
    /// Redis: its value, and the entry's remaining time there.
    Redis(V, Duration),
    /// The body: what it returned, and how long it took.
    Body(R, Duration),
}

/// Asks `lookup`, then runs `body` on a miss, or concurrently once `after`
/// has passed without an answer (`hedged` is then called). A Redis hit drops
/// a body still running; a body that finishes first drops the lookup.
pub(super) async fn hedged<V, R, F>(
    mut lookup: LookupFuture<V>,
    after: Option<Duration>,
    body: impl FnOnce() -> F,
    hedged: impl FnOnce(),
) -> Answer<V, R>
where
    F: Future<Output = R>,
{
    let waited = match after {
        Some(after) => tokio::time::timeout(after, lookup.as_mut()).await.ok(),
        None => Some(lookup.as_mut().await),
    };
    if let Some(answer) = waited {
        if let Some((value, remaining)) = answer {
            return Answer::Redis(value, remaining);
        }
        let started = Instant::now();
        let returned = body().await;
        return Answer::Body(returned, started.elapsed());
    }
    // Redis is slow: race it against the body.
    hedged();
    let started = Instant::now();
    let mut body = pin!(body());
    let mut asking = true;
    poll_fn(|cx| {
        if asking && let Poll::Ready(answer) = lookup.as_mut().poll(cx) {
            match answer {
                Some((value, remaining)) => return Poll::Ready(Answer::Redis(value, remaining)),
                // A miss: only the body can answer now.
                None => asking = false,
            }
        }
        body.as_mut()
            .poll(cx)
            .map(|returned| Answer::Body(returned, started.elapsed()))
    })
    .await
}
