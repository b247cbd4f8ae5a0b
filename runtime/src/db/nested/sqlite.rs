//! SQLite's nested loads, stepped on the caller's thread.
//!
//! sqlx runs a SQLite connection on a worker thread of its own and hands each
//! statement, and each row, across a channel: about 2 µs a row here, more
//! than SQLite takes to read it. Here the connection is taken from the worker
//! with sqlx's [`lock_handle`](sqlx::sqlite::SqliteConnection::lock_handle)
//! (one hand-off, the worker waits on the connection's lock meanwhile), and
//! the statements are prepared and stepped on the calling thread through
//! `libsqlite3-sys` (the crate and library sqlx links: `links = "sqlite3"`
//! allows one; see `nested::stepped`). `all()` steps each hop's plain
//! statement one after the other in a read transaction (`nested::hops`);
//! `find_many`'s statement, whose keys sqlx binds (its arguments cannot be
//! read back), is the JSON document of `sql::json`, through sqlx.
//!
//! What it costs an async caller: the statements run inside `poll`, on the
//! task's thread, for as long as SQLite takes (as Diesel's connection does);
//! on a multi-thread runtime through `block_in_place`, so that the worker's
//! other tasks move to another thread meanwhile. A session's
//! [timeout](crate::db::Session::with_timeout) still holds, through a
//! progress handler that interrupts a statement at the deadline.

// SQLite's C API, each call's contract under its `SAFETY` comment (the
// statements' in `nested::stepped`).
#![allow(unsafe_code)]

use super::stepped::Stepper;
use crate::db::error::DbError;
use libsqlite3_sys as ffi;
use std::borrow::Cow;
use std::error::Error as StdError;
use std::ffi::{CStr, c_int};
use std::fmt;
use std::panic::Location;
use std::ptr::NonNull;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// SQLite instructions between two looks at the deadline: a few microseconds.
const DEADLINE_CHECK_OPS: i32 = 1_000;

/// Runs `work` on a connection of `pool`, on the calling thread, within
/// `timeout` (counted from the call); in a read transaction when `snapshot`
/// (unless the connection is in one).
pub(super) async fn on_caller_thread<T>(
    pool: &sqlx::SqlitePool,
    timeout: Option<Duration>,
    snapshot: bool,
    location: &'static Location<'static>,
    work: impl FnOnce(&mut Stepper) -> Result<T, Step>,
) -> Result<T, DbError> {
    let started = Instant::now();
    let mut connection = pool.acquire().await?;
    let mut handle = connection.lock_handle().await?;
    // The deadline counts from the call, as `Session::within_deadline`'s
    // timer around this future does for the waits above.
    let deadline = timeout.map(|timeout| started + timeout);
    if let Some(deadline) = deadline {
        handle.set_progress_handler(DEADLINE_CHECK_OPS, move || Instant::now() < deadline);
    }
    // SAFETY: `handle` holds the connection's lock, so the worker thread does
    // not use the connection until it is dropped, after the stepper and its
    // statements (each finalized when dropped, within `work`).
    let mut stepper = unsafe { Stepper::new(handle.as_raw_handle(), location) };
    let run = |stepper: &mut Stepper| {
        if snapshot {
            stepper.begin()?;
        }
        work(stepper)
    };
    // On a multi-thread runtime the worker's other tasks move to another
    // thread while the statements run, instead of waiting for them.
    let flavor = tokio::runtime::Handle::try_current().map(|runtime| runtime.runtime_flavor());
    let multi_thread = matches!(flavor, Ok(tokio::runtime::RuntimeFlavor::MultiThread));
    // A panic (a model's code) still ends the transaction and removes the
    // handler below before it goes on: the connection goes back to the pool.
    let stepped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if multi_thread {
            tokio::task::block_in_place(|| run(&mut stepper))
        } else {
            run(&mut stepper)
        }
    }));
    if deadline.is_some() {
        handle.remove_progress_handler();
    }
    // After the handler is gone, so that a passed deadline cannot interrupt
    // the end of the transaction.
    let ended = stepper.end();
    drop(handle);
    if ended.is_err() {
        // A transaction left open would hold every later statement of the
        // connection in it: sqlx does not know it is there.
        connection.close_on_drop();
    }
    let result = stepped.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let value = match (result, timeout) {
        (Err(Step::Interrupted), Some(timeout)) => Err(DbError::Timeout(timeout)),
        // Not by this module's handler: as SQLite reports it.
        (Err(Step::Interrupted), None) => Err(DbError::Sqlx(Arc::new(sqlx::Error::Database(
            Box::new(SqliteError {
                code: ffi::SQLITE_INTERRUPT,
                message: "interrupted".to_owned(),
            }),
        )))),
        (Err(Step::Failed(error)), _) => Err(error),
        (Ok(value), _) => Ok(value),
    }?;
    ended.map(|()| value)
}

/// Runs `sql` (a statement of the nested load's builder, no parameters) on a
/// connection of `pool`, and hands the document its rows make to `read`.
pub(super) async fn with_document<T>(
    pool: &sqlx::SqlitePool,
    sql: &str,
    timeout: Option<Duration>,
    location: &'static Location<'static>,
    read: impl FnOnce(Option<&[u8]>) -> Result<T, DbError>,
) -> Result<T, DbError> {
    on_caller_thread(pool, timeout, false, location, |stepper| {
        stepper.record(sql)?;
        let mut statement = stepper.prepare(sql)?;
        let mut document = Document::default();
        while let Some(row) = statement.next_row()? {
            document.push(row.bytes(0)).map_err(Step::Failed)?;
        }
        read(Some(document.finish())).map_err(Step::Failed)
    })
    .await
}

/// Why statements stepped on the caller's thread stopped.
pub enum Step {
    /// The progress handler stopped the statement: the deadline passed.
    Interrupted,
    /// SQLite's error, or the rows' (decoding, a detector's refusal).
    Failed(DbError),
}

impl From<DbError> for Step {
    fn from(error: DbError) -> Self {
        Self::Failed(error)
    }
}

/// The document of a nested load on SQLite, put together from its rows: each
/// row's column 0 is the array of one root row, in order.
#[derive(Default)]
pub(super) struct Document {
    text: Vec<u8>,
}

impl Document {
    /// Appends a row's array.
    ///
    /// # Errors
    ///
    /// When the row's array is NULL, which the statement never gives.
    pub(super) fn push(&mut self, row: Option<&[u8]>) -> Result<(), DbError> {
        let Some(row) = row else {
            return Err(DbError::Sqlx(Arc::new(sqlx::Error::Protocol(
                "a nested load's row is NULL".to_owned(),
            ))));
        };
        self.text
            .push(if self.text.is_empty() { b'[' } else { b',' });
        self.text.extend_from_slice(row);
        Ok(())
    }

    /// The array of every row pushed: `[]` when there were none.
    pub(super) fn finish(&mut self) -> &[u8] {
        if self.text.is_empty() {
            self.text.push(b'[');
        }
        self.text.push(b']');
        &self.text
    }
}

/// The connection's error, as sqlx reports a SQLite error.
///
/// # Safety
///
/// `database` is an open connection no other thread uses.
pub(super) unsafe fn sqlite_error(database: NonNull<ffi::sqlite3>, code: c_int) -> DbError {
    // SAFETY: SQLite's message of the connection's last error, copied before
    // anything else runs on it.
    let message = unsafe {
        let text = ffi::sqlite3_errmsg(database.as_ptr());
        if text.is_null() {
            String::from("unknown error")
        } else {
            CStr::from_ptr(text).to_string_lossy().into_owned()
        }
    };
    let error = SqliteError { code, message };
    DbError::Sqlx(Arc::new(sqlx::Error::Database(Box::new(error))))
}

/// An error SQLite returned to a statement run on the caller's thread.
#[derive(Debug)]
struct SqliteError {
    code: c_int,
    message: String,
}

impl fmt::Display for SqliteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(code: {}) {}", self.code, self.message)
    }
}

impl StdError for SqliteError {}

impl sqlx::error::DatabaseError for SqliteError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }

    fn as_error(&self) -> &(dyn StdError + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn StdError + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn StdError + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        sqlx::error::ErrorKind::Other
    }
}
