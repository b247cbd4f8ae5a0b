//! A stream that owns what it borrows: the rows of `sqlx`'s `fetch(&pool)`
//! borrow the pool and the statement text, so they cannot be an HTTP body, which
//! must be `'static`. The usual way out is a channel and a spawned task; this
//! runs the borrowing stream inside a future that owns the borrowed values, and
//! hands each item out as it comes, with no task and no channel.

use futures_core::Stream;
use futures_core::stream::BoxStream;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

/// The items of the stream `make` builds from a borrow of `owner`, as a stream
/// that owns `owner`: `'static` and `Send`, ready to be a response body (wrap it
/// in a [`JsonStream`](super::stream::JsonStream)).
///
/// ```
/// use futures::StreamExt;
/// use unokit::select::stream::owned;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let pool = unokit::db::sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// let sql = String::from("SELECT 1 UNION ALL SELECT 2");
/// // Owns the pool and the text; the closure borrows them for the stream.
/// let rows = owned((pool, sql), |(pool, sql)| {
///     unokit::db::sqlx::query_scalar::<_, i64>(sql).fetch(pool)
/// });
/// let values: Vec<i64> = rows.map(Result::unwrap).collect().await;
/// assert_eq!(values, [1, 2]);
/// # Ok::<(), unokit::db::sqlx::Error>(())
/// # }).unwrap();
/// ```
pub fn owned<O, T, F>(owner: O, make: F) -> Owned<T>
where
    O: Send + 'static,
    T: Send + 'static,
    F: for<'a> FnOnce(&'a O) -> BoxStream<'a, T> + Send + 'static,
{
    let slot = Arc::new(Mutex::new(None));
    let handed = Arc::clone(&slot);
    let driver = async move {
        let owner = owner;
        let mut items = make(&owner);
        while let Some(item) = poll_fn(|cx| items.as_mut().poll_next(cx)).await {
            *handed.lock().unwrap_or_else(PoisonError::into_inner) = Some(item);
            // Back to `Owned::poll_next`, which hands the item out; the next
            // poll resumes here.
            HandOut(false).await;
        }
    };
    Owned {
        driver: Some(Box::pin(driver)),
        slot,
    }
}

/// The stream [`owned`] returns.
#[must_use = "streams do nothing unless polled"]
pub struct Owned<T> {
    /// `None` once the borrowing stream has ended (and the owner is dropped).
    driver: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    slot: Arc<Mutex<Option<T>>>,
}

impl<T> Stream for Owned<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let Some(driver) = self.driver.as_mut() else {
            return Poll::Ready(None);
        };
        let finished = driver.as_mut().poll(cx).is_ready();
        let item = self
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if finished {
            self.driver = None;
        }
        match item {
            Some(item) => Poll::Ready(Some(item)),
            None if finished => Poll::Ready(None),
            // The borrowing stream is waiting, with `cx`'s waker.
            None => Poll::Pending,
        }
    }
}

/// Pending once, without asking to be woken: the item just put in the slot
/// goes out through `poll_next`'s return value, and the consumer polls again.
struct HandOut(bool);

impl Future for HandOut {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}
