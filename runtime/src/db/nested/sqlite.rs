//! SQLite's nested loads, stepped on the caller's thread.
//!
//! sqlx runs a SQLite connection on a worker thread of its own and hands each
//! statement, and each row, across a channel: for a nested load that is two
//! thread hand-offs for the statement and a copy of the whole document into a
//! row. Here the connection is taken from the worker with sqlx's
//! [`lock_handle`](sqlx::sqlite::SqliteConnection::lock_handle) (one hand-off,
//! the worker waits on the connection's lock meanwhile), the statement is
//! prepared and stepped on the calling thread through `libsqlite3-sys` (the
//! crate and library sqlx links: `links = "sqlite3"` allows one), and the
//! rows (one per root row, each its array) are copied into one document,
//! decoded once the statement is done.
//!
//! What it costs an async caller: the statement runs inside `poll`, on the
//! task's thread, for as long as SQLite takes (as Diesel's connection does);
//! on a multi-thread runtime through `block_in_place`, so that the worker's
//! other tasks move to another thread meanwhile. A session's
//! [timeout](crate::db::Session::with_timeout) still holds, through a
//! progress handler that interrupts the statement at the deadline.
//! Only statements with no parameters (`all()`) go this way; `find_many`'s
//! keys are bound by sqlx, whose arguments cannot be read back, and it keeps
//! sqlx's path.

// The one module of the crate with `unsafe`: SQLite's C API, each call's
// contract under its `SAFETY` comment.
#![allow(unsafe_code)]

use crate::db::error::DbError;
use libsqlite3_sys as ffi;
use std::borrow::Cow;
use std::error::Error as StdError;
use std::ffi::{CStr, c_int};
use std::fmt;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// SQLite instructions between two looks at the deadline: a few microseconds.
const DEADLINE_CHECK_OPS: i32 = 1_000;

/// Runs `sql` (a statement of the nested load's builder, no parameters) on a
/// connection of `pool`, and hands the document its rows make to `read`.
pub(super) async fn with_document<T>(
    pool: &sqlx::SqlitePool,
    sql: &str,
    timeout: Option<Duration>,
    read: impl FnOnce(Option<&[u8]>) -> Result<T, DbError>,
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
    let database = handle.as_raw_handle();
    // SAFETY: `handle` holds the connection's lock, so the worker thread does
    // not use the connection until it is dropped, after this call; `step_rows`
    // finalizes its statement before it returns.
    let step = || unsafe { step_rows(database, sql, read) };
    // On a multi-thread runtime the worker's other tasks move to another
    // thread while the statement runs, instead of waiting for it.
    let flavor = tokio::runtime::Handle::try_current().map(|runtime| runtime.runtime_flavor());
    let result = if matches!(flavor, Ok(tokio::runtime::RuntimeFlavor::MultiThread)) {
        tokio::task::block_in_place(step)
    } else {
        step()
    };
    if deadline.is_some() {
        handle.remove_progress_handler();
    }
    match (result, timeout) {
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
    }
}

enum Step {
    /// The progress handler stopped the statement: the deadline passed.
    Interrupted,
    Failed(DbError),
}

/// Finalizes a prepared statement when dropped.
struct Statement(*mut ffi::sqlite3_stmt);

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: a statement prepared on a connection still locked by the
        // caller, finalized once; a null pointer is a no-op for SQLite.
        unsafe {
            ffi::sqlite3_finalize(self.0);
        }
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

/// Prepares `sql`, steps it through its rows and hands the document they make
/// to `read`.
///
/// # Safety
///
/// `database` is an open connection no other thread uses until this returns.
unsafe fn step_rows<T>(
    database: NonNull<ffi::sqlite3>,
    sql: &str,
    read: impl FnOnce(Option<&[u8]>) -> Result<T, DbError>,
) -> Result<T, Step> {
    let database = database.as_ptr();
    let length = c_int::try_from(sql.len()).map_err(|_| {
        Step::Failed(DbError::Sqlx(Arc::new(sqlx::Error::Protocol(
            "a nested load's statement is longer than SQLite takes".to_owned(),
        ))))
    })?;
    let mut raw = ptr::null_mut();
    // SAFETY: `sql` is valid for `length` bytes (SQLite copies what it needs);
    // `raw` receives the statement, or null on error.
    let code = unsafe {
        ffi::sqlite3_prepare_v2(
            database,
            sql.as_ptr().cast(),
            length,
            &raw mut raw,
            ptr::null_mut(),
        )
    };
    let statement = Statement(raw);
    if code != ffi::SQLITE_OK {
        return Err(failed(database, code));
    }
    let mut document = Document::default();
    loop {
        // SAFETY: a prepared statement of this connection.
        match unsafe { ffi::sqlite3_step(statement.0) } {
            ffi::SQLITE_ROW => {
                // SAFETY: the statement is on a row; the text pointer and its
                // length stay valid until the next step, reset or finalize,
                // which come after it is copied.
                let row = unsafe {
                    if ffi::sqlite3_column_type(statement.0, 0) == ffi::SQLITE_NULL {
                        None
                    } else {
                        let text = ffi::sqlite3_column_text(statement.0, 0);
                        let bytes = ffi::sqlite3_column_bytes(statement.0, 0);
                        let bytes = usize::try_from(bytes).unwrap_or(0);
                        Some(if text.is_null() || bytes == 0 {
                            &[][..]
                        } else {
                            std::slice::from_raw_parts(text, bytes)
                        })
                    }
                };
                document.push(row).map_err(Step::Failed)?;
            }
            ffi::SQLITE_DONE => return read(Some(document.finish())).map_err(Step::Failed),
            // The extended code of an interrupt is the plain one.
            ffi::SQLITE_INTERRUPT => return Err(Step::Interrupted),
            code => return Err(failed(database, code)),
        }
    }
}

fn failed(database: *mut ffi::sqlite3, code: c_int) -> Step {
    // SAFETY: the caller's open connection.
    Step::Failed(unsafe { sqlite_error(NonNull::new_unchecked(database), code) })
}

/// The connection's error, as sqlx reports a SQLite error.
///
/// # Safety
///
/// `database` is an open connection no other thread uses.
unsafe fn sqlite_error(database: NonNull<ffi::sqlite3>, code: c_int) -> DbError {
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
