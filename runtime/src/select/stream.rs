//! Streaming serialization of large result sets: a `Stream` of rows becomes a
//! `Stream` of byte chunks, each row serialized under a selection into one
//! buffer that is handed out whenever it passes a threshold (or the rows stop
//! coming for a moment). Memory stays bounded by the threshold, whatever the
//! number of rows.
//!
//! # Framing
//!
//! - [`JsonStream::array`]: `[row,row,…]`, optionally inside an envelope object
//!   (`{"total":3,"items":[row,…]}`) with [`JsonStream::in_envelope`].
//! - [`JsonStream::ndjson`]: one row per line, each line a JSON object.
//!
//! # When the source fails mid-stream
//!
//! Clients must be able to tell a failed stream from a complete one; a body
//! that merely stops would look complete.
//!
//! - NDJSON: the stream ends with one last line, an *error record*
//!   `{"$error":{"message":"…","rows":N}}` (`N` rows were sent before it). A
//!   client reads lines until the end and checks whether the last one has the
//!   key `$error`.
//! - JSON array: the rows serialized so far are sent, then the stream yields a
//!   [`StreamError`]. An HTTP server aborts the response (for HTTP/1.1 chunked
//!   bodies, the closing chunk is never sent), so the client sees an incomplete
//!   response and, in any case, JSON without its closing `]`: never a valid
//!   document.
//!
//! The message is `"the result stream failed"` unless
//! [`JsonStream::error_message`] says otherwise: database errors may say more
//! than a client should read.
//!
//! A row that fails to serialize (a serde error) counts as a source error.

pub use super::owned::{Owned, owned};

use super::compiled::Selection;
use super::schema::Selectable;
use bytes::{BufMut, Bytes, BytesMut};
use futures_core::Stream;
use serde::Serialize;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The default size at which the buffer is handed out.
pub const DEFAULT_FLUSH_AT: usize = 32 * 1024;

/// The key of the NDJSON error record.
pub const ERROR_KEY: &str = "$error";

/// How a [`JsonStream`] frames its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// A JSON array, possibly inside an envelope object.
    Array,
    /// Newline-delimited JSON: one row per line.
    Ndjson,
}

type MessageFn<E> = Arc<dyn Fn(&E) -> String + Send + Sync>;

pin_project_lite::pin_project! {
    /// Rows serialized under a selection, as a stream of byte chunks. See the
    /// [module documentation](self) for framing and failure behaviour.
    ///
    /// ```
    /// use futures::StreamExt;
    /// use unokit::partial_response;
    /// use unokit::select::Selection;
    /// use unokit::select::stream::JsonStream;
    ///
    /// #[partial_response]
    /// #[derive(serde::Serialize)]
    /// struct Row { id: u64, name: String }
    ///
    /// let rows = futures::stream::iter((1..=3).map(|id| Ok::<_, std::io::Error>(Row { id, name: "n".into() })));
    /// let chunks = JsonStream::ndjson(rows, Selection::<Row>::parse("id").unwrap());
    /// let body: Vec<u8> = futures::executor::block_on(chunks.map(|chunk| chunk.unwrap().to_vec()).concat());
    /// assert_eq!(body, b"{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");
    /// ```
    pub struct JsonStream<St, T, E>
    where
        T: Selectable,
    {
        #[pin]
        rows: St,
        selection: Selection<T::Root>,
        framing: Framing,
        head: Vec<u8>,
        tail: &'static [u8],
        buffer: BytesMut,
        flush_at: usize,
        state: State,
        rows_sent: u64,
        message: Option<MessageFn<E>>,
        failed: bool,
    }
}

enum State {
    Start,
    Rows,
    /// The buffer holds the last rows before a failure; the error comes next.
    Failing(StreamError),
    Done,
}

impl<St, T, E> JsonStream<St, T, E>
where
    St: Stream<Item = Result<T, E>>,
    T: Selectable,
{
    /// `[row,row,…]`.
    pub fn array(rows: St, selection: Selection<T::Root>) -> Self {
        Self::new(rows, selection, Framing::Array, b"[".to_vec(), b"]")
    }

    /// One row per line.
    pub fn ndjson(rows: St, selection: Selection<T::Root>) -> Self {
        Self::new(rows, selection, Framing::Ndjson, Vec::new(), b"")
    }

    fn new(
        rows: St,
        selection: Selection<T::Root>,
        framing: Framing,
        head: Vec<u8>,
        tail: &'static [u8],
    ) -> Self {
        Self {
            rows,
            selection,
            framing,
            head,
            tail,
            buffer: BytesMut::new(),
            flush_at: DEFAULT_FLUSH_AT,
            state: State::Start,
            rows_sent: 0,
            message: None,
            failed: false,
        }
    }

    /// Whether the source failed: the error record (NDJSON) or the error
    /// (JSON array) has been produced. A cache must not store such a body.
    pub fn has_failed(&self) -> bool {
        self.failed
    }

    /// Puts the array inside an object, under `key`, after the given fields:
    /// `{"total":3,"items":[…]}`. Only for [`array`](Self::array).
    ///
    /// # Errors
    ///
    /// A field value that fails to serialize.
    ///
    /// # Panics
    ///
    /// On an NDJSON stream, which has no envelope.
    pub fn in_envelope<V: Serialize>(
        mut self,
        fields: &[(&str, V)],
        key: &str,
    ) -> Result<Self, serde_json::Error> {
        assert_eq!(
            self.framing,
            Framing::Array,
            "an NDJSON stream has no envelope"
        );
        let mut head = b"{".to_vec();
        for (name, value) in fields {
            serde_json::to_writer(&mut head, name)?;
            head.push(b':');
            serde_json::to_writer(&mut head, value)?;
            head.push(b',');
        }
        serde_json::to_writer(&mut head, key)?;
        head.extend_from_slice(b":[");
        self.head = head;
        self.tail = b"]}";
        Ok(self)
    }

    /// Hands the buffer out once it holds at least `bytes` (default
    /// [`DEFAULT_FLUSH_AT`]). A chunk is at most `bytes` plus one row.
    #[must_use]
    pub fn flush_at(mut self, bytes: usize) -> Self {
        self.flush_at = bytes.max(1);
        self
    }

    /// What the error record (NDJSON) or [`StreamError`] says about a source
    /// error. The default hides it: `"the result stream failed"`.
    #[must_use]
    pub fn error_message(mut self, message: impl Fn(&E) -> String + Send + Sync + 'static) -> Self {
        self.message = Some(Arc::new(message));
        self
    }

    /// The framing, for a `Content-Type`.
    pub fn framing(&self) -> Framing {
        self.framing
    }
}

impl<St, T, E> Stream for JsonStream<St, T, E>
where
    St: Stream<Item = Result<T, E>>,
    T: Selectable,
{
    type Item = Result<Bytes, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        match std::mem::replace(this.state, State::Rows) {
            State::Done => {
                *this.state = State::Done;
                return Poll::Ready(None);
            }
            State::Failing(error) => {
                *this.state = State::Done;
                return Poll::Ready(Some(Err(error)));
            }
            State::Start => {
                // The previous chunk (if dropped by now) gives its memory back.
                this.buffer.reserve(*this.flush_at + 256);
                this.buffer.extend_from_slice(this.head);
            }
            State::Rows => this.buffer.reserve(*this.flush_at + 256),
        }
        loop {
            let row = match this.rows.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(row))) => row,
                Poll::Ready(Some(Err(error))) => {
                    let message = this
                        .message
                        .as_ref()
                        .map_or_else(|| "the result stream failed".to_owned(), |m| m(&error));
                    *this.failed = true;
                    return Poll::Ready(Some(fail(
                        *this.framing,
                        this.buffer,
                        this.state,
                        *this.rows_sent,
                        message,
                    )));
                }
                Poll::Ready(None) => {
                    this.buffer.extend_from_slice(this.tail);
                    *this.state = State::Done;
                    return Poll::Ready(Some(Ok(this.buffer.split().freeze())));
                }
                Poll::Pending if this.buffer.is_empty() => return Poll::Pending,
                // Nothing more for now: send what is ready rather than hold it.
                Poll::Pending => return Poll::Ready(Some(Ok(this.buffer.split().freeze()))),
            };
            let row_start = this.buffer.len();
            if *this.framing == Framing::Array && *this.rows_sent > 0 {
                this.buffer.put_u8(b',');
            }
            let written = serde_json::to_writer(
                (&mut *this.buffer).writer(),
                &Selectable::select(&row, this.selection),
            );
            if let Err(error) = written {
                this.buffer.truncate(row_start);
                let message = format!("a row failed to serialize: {error}");
                *this.failed = true;
                return Poll::Ready(Some(fail(
                    *this.framing,
                    this.buffer,
                    this.state,
                    *this.rows_sent,
                    message,
                )));
            }
            if *this.framing == Framing::Ndjson {
                this.buffer.put_u8(b'\n');
            }
            *this.rows_sent += 1;
            if this.buffer.len() >= *this.flush_at {
                return Poll::Ready(Some(Ok(this.buffer.split().freeze())));
            }
        }
    }
}

/// Ends the stream as the framing says: an error record, or the rows so far
/// followed by an error.
fn fail(
    framing: Framing,
    buffer: &mut BytesMut,
    state: &mut State,
    rows_sent: u64,
    message: String,
) -> Result<Bytes, StreamError> {
    let error = StreamError { message, rows_sent };
    match framing {
        Framing::Ndjson => {
            let record = serde_json::json!({
                ERROR_KEY: { "message": error.message, "rows": error.rows_sent }
            });
            serde_json::to_writer((&mut *buffer).writer(), &record)
                .expect("a string and a number serialize");
            buffer.put_u8(b'\n');
            *state = State::Done;
            Ok(buffer.split().freeze())
        }
        Framing::Array if buffer.is_empty() => {
            *state = State::Done;
            Err(error)
        }
        Framing::Array => {
            *state = State::Failing(error);
            Ok(buffer.split().freeze())
        }
    }
}

/// A stream that failed mid-way: the message and how many rows were sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamError {
    message: String,
    rows_sent: u64,
}

impl StreamError {
    /// The message (see [`JsonStream::error_message`]).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How many rows were serialized before the failure.
    #[must_use]
    pub fn rows_sent(&self) -> u64 {
        self.rows_sent
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} after {} rows", self.message, self.rows_sent)
    }
}

impl std::error::Error for StreamError {}
