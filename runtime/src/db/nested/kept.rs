//! Statements kept prepared on a SQLite connection from one nested load to
//! the next.
//!
//! Preparing was 8 % of a blog load stepped on the caller's thread: SQLite
//! parsed and planned the four hops' statements and the transaction's two
//! every time. Diesel prepares them every time too (its `eq_any` lists are
//! not cached). A connection now keeps up to [`KEPT`] statements, by their
//! text, the least recently used finalized first; a hop's `IN` list is padded
//! to a power of two (see `nested::hops`), so that a relation has a few texts
//! rather than one per number of keys.
//!
//! sqlx closes a connection with `sqlite3_close`, which fails while any
//! statement of the connection is unfinalized (and sqlx panics then), and it
//! tells nobody first. SQLite does: a trace callback registered for
//! `SQLITE_TRACE_CLOSE` runs at the start of `sqlite3_close`, on the thread
//! closing it, before the check. The connection's kept statements are
//! finalized there. sqlx sets no trace callback of its own; code that sets one
//! on the raw handle replaces this one, and closing the connection then fails
//! loudly (sqlx's panic) rather than freeing statements still in use.

// SQLite's C API, each call's contract under its `SAFETY` comment.
#![allow(unsafe_code)]

use libsqlite3_sys as ffi;
use std::collections::HashMap;
use std::ffi::{c_int, c_uint, c_void};
use std::ptr::NonNull;
use std::sync::{Mutex, PoisonError};

/// How many statements a connection keeps: a few relations' padded texts.
const KEPT: usize = 32;

/// A connection's kept statements, the most recently used last.
#[derive(Default)]
pub(super) struct Kept {
    statements: Vec<(Box<str>, NonNull<ffi::sqlite3_stmt>)>,
}

impl Kept {
    /// Takes the statement prepared from `sql`, if kept: the caller has it
    /// alone until it [`put`](Self::put)s it back.
    pub(super) fn take(&mut self, sql: &str) -> Option<(Box<str>, NonNull<ffi::sqlite3_stmt>)> {
        let at = self
            .statements
            .iter()
            .rposition(|(text, _)| **text == *sql)?;
        Some(self.statements.remove(at))
    }

    /// Keeps `statement`, reset and with no values bound, under `sql`; the
    /// least recently used is finalized past [`KEPT`].
    pub(super) fn put(&mut self, sql: Box<str>, statement: NonNull<ffi::sqlite3_stmt>) {
        if self.statements.len() == KEPT {
            let (_, oldest) = self.statements.remove(0);
            // SAFETY: a statement of this connection nobody else holds.
            unsafe { ffi::sqlite3_finalize(oldest.as_ptr()) };
        }
        self.statements.push((sql, statement));
    }
}

impl Drop for Kept {
    fn drop(&mut self) {
        for (_, statement) in self.statements.drain(..) {
            // SAFETY: statements of a connection that is closing or whose
            // statements are no longer kept; each finalized once.
            unsafe { ffi::sqlite3_finalize(statement.as_ptr()) };
        }
    }
}

// SAFETY: a `Kept` goes with its connection, which sqlx moves between
// threads, and is only touched by the thread that holds the connection (a
// nested load under sqlx's lock, or the thread closing it).
unsafe impl Send for Kept {}

/// The kept statements of every open connection that has run a nested load,
/// by the connection's address (removed when it closes, before it is freed).
static CONNECTIONS: Mutex<Option<HashMap<usize, Box<Kept>, foldhash::fast::FixedState>>> =
    Mutex::new(None);

/// The kept statements of `database`, registered (with the callback that
/// finalizes them when it closes) on its first nested load; `None` when the
/// callback could not be set, and nothing is kept.
///
/// # Safety
///
/// `database` is an open connection the caller uses alone: the `Kept` is the
/// caller's until it stops using the connection.
pub(super) unsafe fn kept(database: NonNull<ffi::sqlite3>) -> Option<NonNull<Kept>> {
    let mut connections = CONNECTIONS.lock().unwrap_or_else(PoisonError::into_inner);
    let connections = connections.get_or_insert_with(HashMap::default);
    let address = database.as_ptr() as usize;
    if let Some(kept) = connections.get_mut(&address) {
        return Some(NonNull::from(&mut **kept));
    }
    let mask = c_uint::try_from(ffi::SQLITE_TRACE_CLOSE).ok()?;
    // SAFETY: an open connection; the callback only reads the address it is
    // given and the registry.
    let code = unsafe {
        ffi::sqlite3_trace_v2(database.as_ptr(), mask, Some(closing), std::ptr::null_mut())
    };
    if code != ffi::SQLITE_OK {
        return None;
    }
    let kept = connections.entry(address).or_default();
    Some(NonNull::from(&mut **kept))
}

/// SQLite's trace callback: a connection is closing, its kept statements are
/// finalized (before `sqlite3_close` checks that none is left).
unsafe extern "C" fn closing(
    mask: c_uint,
    _context: *mut c_void,
    database: *mut c_void,
    _: *mut c_void,
) -> c_int {
    if c_int::try_from(mask) == Ok(ffi::SQLITE_TRACE_CLOSE) {
        let removed = CONNECTIONS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
            .and_then(|connections| connections.remove(&(database as usize)));
        drop(removed);
    }
    0
}

#[cfg(test)]
mod tests {
    use super::super::sqlite::on_caller_thread;
    use super::CONNECTIONS;
    use serde::de::SeqAccess;
    use std::panic::Location;
    use std::sync::PoisonError;

    /// How many statements the connection at `address` keeps; `None` when
    /// it is not registered.
    fn kept_on(address: usize) -> Option<usize> {
        CONNECTIONS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()?
            .get(&address)
            .map(|kept| kept.statements.len())
    }

    /// A kept statement comes back with no value bound: a padded list
    /// reused for fewer keys does not match the keys of the last use.
    #[tokio::test(flavor = "current_thread")]
    async fn a_kept_statement_is_reused_with_no_values_left_bound() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::raw_sql("CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1), (2), (3), (4)")
            .execute(&pool)
            .await
            .unwrap();
        let sql = "SELECT id FROM t WHERE id IN (?, ?, ?, ?) ORDER BY id";
        let keys = |ids: &[i64]| -> Vec<_> {
            ids.iter()
                .map(|id| super::super::stepped::KeyValue::Int(*id))
                .collect()
        };
        let ids = |keys: Vec<super::super::stepped::KeyValue>| {
            let pool = pool.clone();
            async move {
                on_caller_thread(&pool, None, false, Location::caller(), |stepper| {
                    let mut rows: Vec<i64> = Vec::new();
                    stepper.rows(sql, &keys, "t", &mut [], &mut rows, |columns| {
                        Ok(columns.next_element::<i64>()?.unwrap_or_default())
                    })?;
                    Ok(rows)
                })
                .await
                .unwrap()
            }
        };
        let mut connection = pool.acquire().await.unwrap();
        let address = connection
            .lock_handle()
            .await
            .unwrap()
            .as_raw_handle()
            .as_ptr() as usize;
        drop(connection);
        assert_eq!(kept_on(address), None);
        assert_eq!(ids(keys(&[1, 2, 3])).await, [1, 2, 3]);
        assert_eq!(kept_on(address), Some(1));
        assert_eq!(ids(keys(&[4])).await, [4]);
        assert_eq!(ids(keys(&[])).await, Vec::<i64>::new());
        // The same statement each time, not one more per use.
        assert_eq!(kept_on(address), Some(1));
        // Closing the connection finalizes it: `sqlite3_close` fails (and
        // sqlx's worker panics) while one is left.
        let connection = pool.acquire().await.unwrap().detach();
        sqlx::Connection::close(connection)
            .await
            .expect("no statement left to finalize");
        assert_eq!(kept_on(address), None);
    }
}
