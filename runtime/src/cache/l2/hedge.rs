//! Hedged reads: a local miss asks Redis, and if Redis has not answered
//! within the tier's `hedge_after`, starts the body too; whichever finishes
//! first answers.

use super::tier::Fetched;
use super::wired::LookupFuture;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;
use tokio::time::Instant;

/// Who answered a local miss.
pub(super) enum Answer<V, R, B> {
    /// Redis had the entry; the body, if it was not started, is handed back
    /// (to recompute ahead of expiry).
    Redis(Fetched<V>, Option<B>),
    /// Redis answered that it has no entry, before the body started.
    Absent(B),
    /// The body, started while Redis was slow: what it returned, and how long
    /// it took.
    Body(R, Duration),
}

/// Asks `lookup`; once `after` has passed without an answer, calls `hedged`,
/// starts `body` and takes whichever finishes first: a Redis hit drops the
/// body; a body that finishes first leaves the lookup to finish unawaited.
pub(super) async fn hedged<V, R, B, F>(
    mut lookup: LookupFuture<V>,
    after: Option<Duration>,
    body: B,
    hedged: impl FnOnce(),
) -> Answer<V, R, B>
where
    V: Send + 'static,
    B: FnOnce() -> F,
    F: Future<Output = R>,
{
    let waited = match after {
        Some(after) => tokio::time::timeout(after, lookup.as_mut()).await.ok(),
        None => Some(lookup.as_mut().await),
    };
    if let Some(answer) = waited {
        return match answer {
            Some(fetched) => Answer::Redis(fetched, Some(body)),
            None => Answer::Absent(body),
        };
    }
    // Redis is slow: race it against the body.
    hedged();
    let started = Instant::now();
    let mut body = pin!(body());
    let mut asking = true;
    let answer = poll_fn(|cx| {
        if asking && let Poll::Ready(answer) = lookup.as_mut().poll(cx) {
            // Answered: the lookup is over (polling it again would panic).
            asking = false;
            if let Some(fetched) = answer {
                return Poll::Ready(Answer::Redis(fetched, None));
            }
            // A miss: only the body can answer now.
        }
        body.as_mut()
            .poll(cx)
            .map(|returned| Answer::Body(returned, started.elapsed()))
    })
    .await;
    // The body won: the lookup still finishes, in the background, so that a
    // Redis that does not answer reaches the breaker (dropped here, it would
    // never time out, and every miss would wait `after` while Redis is down).
    if asking && let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let _ = lookup.await;
        });
    }
    answer
}
