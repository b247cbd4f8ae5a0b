//! A body's panic, caught so that every caller of its flight gets it at once.
//!
//! Without this, a panicking leader left its waiters to retry one by one: each
//! ran the body in turn (1000 async callers took about 1000 serial runs), and
//! moka's sync single flight gave up after 200 retries with a panic of its own.
//! Now the leader catches the panic, lands its flight with the message, and
//! re-raises its own payload; each waiter of that flight re-raises the message
//! (as a `String` payload, without running the panic hook again). Nothing is
//! cached, so the next call runs the body again.

use std::any::Any;
use std::future::{Future, poll_fn};
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;

/// A panic caught in the leader's body: the payload for the leader, the message
/// for its waiters.
pub(crate) struct Caught {
    payload: Box<dyn Any + Send>,
    message: Arc<str>,
}

impl Caught {
    fn new(payload: Box<dyn Any + Send>) -> Self {
        let message = if let Some(text) = payload.downcast_ref::<&str>() {
            Arc::from(*text)
        } else if let Some(text) = payload.downcast_ref::<String>() {
            Arc::from(text.as_str())
        } else {
            Arc::from("a panic without a message")
        };
        Self { payload, message }
    }

    /// The message the waiters re-raise.
    pub(crate) fn message(&self) -> Arc<str> {
        Arc::clone(&self.message)
    }

    /// Re-raises the leader's own panic, payload and all.
    pub(crate) fn resume(self) -> ! {
        panic::resume_unwind(self.payload)
    }
}

/// Re-raises, in a waiter, the panic of the flight it waited for.
pub(crate) fn resume_shared(message: &str) -> ! {
    panic::resume_unwind(Box::new(String::from(message)))
}

/// Runs `body`, catching its panic.
///
/// Unwind safety is asserted: the leader re-raises the panic, and the waiters
/// see only its message, never state the body left half-changed.
pub(crate) fn catch<R>(body: impl FnOnce() -> R) -> Result<R, Caught> {
    panic::catch_unwind(AssertUnwindSafe(body)).map_err(Caught::new)
}

/// Runs `future` to completion, catching a panic in any of its polls.
pub(crate) async fn catch_future<T>(future: impl Future<Output = T>) -> Result<T, Caught> {
    let mut future = pin!(future);
    poll_fn(
        |cx| match panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(Caught::new(payload))),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::catch;

    #[test]
    fn a_caught_panic_keeps_its_message_and_payload() {
        let disk = String::from("disk");
        let caught = catch(|| -> u8 { panic!("no {disk}") }).unwrap_err();
        assert_eq!(&*caught.message(), "no disk");
        let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| caught.resume()));
        assert_eq!(
            again
                .unwrap_err()
                .downcast_ref::<String>()
                .map(String::as_str),
            Some("no disk")
        );
        assert_eq!(catch(|| 7).ok(), Some(7));
    }
}
