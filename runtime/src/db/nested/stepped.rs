//! Statements stepped on a SQLite connection taken from sqlx's worker (see
//! the `nested::sqlite` module), and their rows read as serde sequences: a
//! row's columns from SQLite's own values (`sqlite3_column_type` → integer,
//! float, text, blob or NULL), with no JSON and no sqlx row in between, so
//! that a model's [`decode_columns`](super::NestedRow::decode_columns) reads
//! them as it reads a nested load's arrays.

// SQLite's C API, each call's contract under its `SAFETY` comment (the
// connection's handling is in `nested::sqlite`).
#![allow(unsafe_code)]

use super::kept::{Kept, kept};
use super::sqlite::{Step, sqlite_error};
use crate::db::error::DbError;
use libsqlite3_sys as ffi;
use serde::de::value::Error as ValueError;
use serde::de::{DeserializeSeed, Deserializer, Error as _, SeqAccess, Visitor};
use std::borrow::Cow;
use std::ffi::{CStr, c_int};
use std::marker::PhantomData;
use std::panic::Location;
use std::ptr::{self, NonNull};
use std::sync::Arc;

/// A connection's statements, run one after the other on the calling thread.
pub struct Stepper {
    database: NonNull<ffi::sqlite3>,
    /// Where the load was called from, for the N+1 detector.
    location: &'static Location<'static>,
    /// Whether [`begin`](Self::begin) opened a transaction to end.
    began: bool,
    /// The connection's statements kept prepared (`nested::kept`).
    kept: Option<NonNull<Kept>>,
}

impl Stepper {
    /// A stepper of `database`.
    ///
    /// # Safety
    ///
    /// `database` is an open connection that no other thread uses while the
    /// stepper, or a statement it prepared, lives.
    pub(super) unsafe fn new(
        database: NonNull<ffi::sqlite3>,
        location: &'static Location<'static>,
    ) -> Self {
        Self {
            database,
            location,
            began: false,
            // SAFETY: as this function's contract.
            kept: unsafe { kept(database) },
        }
    }

    /// Opens a read transaction, unless one is open: the statements that
    /// follow read the database as of one moment, as one statement would.
    pub(super) fn begin(&mut self) -> Result<(), Step> {
        // SAFETY: the stepper's connection, used by this thread only.
        if unsafe { ffi::sqlite3_get_autocommit(self.database.as_ptr()) } == 0 {
            return Ok(());
        }
        self.execute("BEGIN")?;
        self.began = true;
        Ok(())
    }

    /// Ends the transaction [`begin`](Self::begin) opened, if any. Called
    /// with no progress handler left to interrupt it.
    ///
    /// # Errors
    ///
    /// When the transaction could not be ended: the connection should not
    /// be used again.
    pub(super) fn end(&mut self) -> Result<(), DbError> {
        if !std::mem::take(&mut self.began) {
            return Ok(());
        }
        // It only read: committing and rolling back are the same, and a
        // failed `COMMIT` leaves `ROLLBACK` to try.
        let ended = self.execute("COMMIT").or_else(|_| self.execute("ROLLBACK"));
        // SAFETY: the stepper's connection, used by this thread only.
        let open = unsafe { ffi::sqlite3_get_autocommit(self.database.as_ptr()) } == 0;
        match ended {
            Err(Step::Failed(error)) => Err(error),
            Err(Step::Interrupted) | Ok(()) if open => Err(protocol(
                "a nested load's read transaction could not be ended",
            )),
            _ => Ok(()),
        }
    }

    fn execute(&mut self, sql: &str) -> Result<(), Step> {
        let mut statement = self.prepare(sql)?;
        while statement.next_row()?.is_some() {}
        Ok(())
    }

    /// Prepares `sql`, or takes it prepared from the connection's kept
    /// statements.
    pub(super) fn prepare(&mut self, sql: &str) -> Result<Statement<'_>, Step> {
        if let Some(mut kept) = self.kept
            // SAFETY: the connection's `Kept`, this stepper's alone while it
            // lives (`Stepper::new`'s contract); no other reference to it.
            && let Some((text, raw)) = unsafe { kept.as_mut() }.take(sql)
        {
            return Ok(Statement {
                raw,
                database: self.database,
                home: Some((kept, text)),
                stepper: PhantomData,
            });
        }
        let database = self.database.as_ptr();
        let length = c_int::try_from(sql.len()).map_err(|_| {
            Step::Failed(protocol(
                "a nested load's statement is longer than SQLite takes",
            ))
        })?;
        let mut raw = ptr::null_mut();
        // SAFETY: `sql` is valid for `length` bytes (SQLite copies what it
        // needs); `raw` receives the statement, or null on error.
        let code = unsafe {
            ffi::sqlite3_prepare_v2(
                database,
                sql.as_ptr().cast(),
                length,
                &raw mut raw,
                ptr::null_mut(),
            )
        };
        if code != ffi::SQLITE_OK {
            // SAFETY: a statement that failed to prepare is null or, if not,
            // still this caller's to finalize (a no-op for null).
            unsafe { ffi::sqlite3_finalize(raw) };
            return Err(failed(self.database, code));
        }
        let raw = NonNull::new(raw)
            .ok_or_else(|| Step::Failed(protocol("a nested load's statement is empty")))?;
        Ok(Statement {
            raw,
            database: self.database,
            home: self.kept.map(|kept| (kept, sql.into())),
            stepper: PhantomData,
        })
    }

    /// Records `sql` for the N+1 detector and logs it as sqlx logs its
    /// statements, since sqlx does not run it.
    pub(super) fn record(&self, sql: &str) -> Result<(), Step> {
        crate::db::detect::record(sql, self.location)
            .map_err(|error| Step::Failed(DbError::Sqlx(Arc::new(error))))?;
        tracing::debug!(target: "sqlx::query", summary = %summary(sql), db.statement = sql);
        Ok(())
    }

    /// Runs `sql` ([recorded](Self::record)) with `keys` bound to its
    /// parameters, reading each row of `table` with `read` into `rows`, and
    /// the value of each column of `keep` into its list.
    pub(super) fn rows<T>(
        &mut self,
        sql: &str,
        keys: &[KeyValue],
        table: &str,
        keep: &mut [(c_int, Vec<KeyValue>)],
        rows: &mut Vec<T>,
        mut read: impl FnMut(&mut Columns<'_>) -> Result<T, ValueError>,
    ) -> Result<(), Step> {
        self.record(sql)?;
        let mut statement = self.prepare(sql)?;
        for (position, key) in (1..).zip(keys) {
            statement.bind(position, key)?;
        }
        while let Some(row) = statement.next_row()? {
            for (index, values) in keep.iter_mut() {
                values.extend(row.key(*index));
            }
            let mut columns = row.columns(0);
            rows.push(read(&mut columns).map_err(|error| {
                let error = ValueError::custom(format_args!("a row of `{table}`: {error}"));
                Step::Failed(DbError::Sqlx(Arc::new(sqlx::Error::Decode(Box::new(
                    error,
                )))))
            })?);
        }
        Ok(())
    }
}

/// The first words of a statement, as sqlx's log summarizes one.
fn summary(sql: &str) -> &str {
    let end = sql
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .nth(3)
        .map_or(sql.len(), |(at, _)| at);
    &sql[..end]
}

fn protocol(message: &str) -> DbError {
    DbError::Sqlx(Arc::new(sqlx::Error::Protocol(message.to_owned())))
}

fn failed(database: NonNull<ffi::sqlite3>, code: c_int) -> Step {
    // SAFETY: the stepper's open connection, used by this thread only.
    Step::Failed(unsafe { sqlite_error(database, code) })
}

/// A prepared statement: when dropped, reset and kept under its text in the
/// connection's kept statements, or finalized when there are none.
pub(super) struct Statement<'s> {
    raw: NonNull<ffi::sqlite3_stmt>,
    database: NonNull<ffi::sqlite3>,
    home: Option<(NonNull<Kept>, Box<str>)>,
    stepper: PhantomData<&'s mut Stepper>,
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        let raw = self.raw.as_ptr();
        match self.home.take() {
            // SAFETY: a statement of the stepper's connection, reset (its
            // error, if any, was the last step's) with its values unbound,
            // so that an unbound parameter reads NULL next time; kept in the
            // stepper's `Kept`, which nothing else references meanwhile.
            Some((mut kept, text)) => unsafe {
                ffi::sqlite3_reset(raw);
                ffi::sqlite3_clear_bindings(raw);
                kept.as_mut().put(text, self.raw);
            },
            // SAFETY: a statement of the stepper's connection, finalized once.
            None => unsafe {
                ffi::sqlite3_finalize(raw);
            },
        }
    }
}

impl Statement<'_> {
    /// Binds `value` to parameter `position` (from 1).
    fn bind(&mut self, position: c_int, value: &KeyValue) -> Result<(), Step> {
        let raw = self.raw.as_ptr();
        let length = |bytes: &[u8]| {
            c_int::try_from(bytes.len())
                .map_err(|_| Step::Failed(protocol("a key is longer than SQLite takes")))
        };
        // SAFETY: a prepared statement of the stepper's connection, not
        // stepped yet; text and blobs are copied by SQLite (`TRANSIENT`).
        let code = unsafe {
            match value {
                KeyValue::Int(value) => ffi::sqlite3_bind_int64(raw, position, *value),
                KeyValue::Real(bits) => {
                    ffi::sqlite3_bind_double(raw, position, f64::from_bits(*bits))
                }
                KeyValue::Text(text) => ffi::sqlite3_bind_text(
                    raw,
                    position,
                    text.as_ptr().cast(),
                    length(text)?,
                    ffi::SQLITE_TRANSIENT(),
                ),
                KeyValue::Blob(blob) => ffi::sqlite3_bind_blob(
                    raw,
                    position,
                    blob.as_ptr().cast(),
                    length(blob)?,
                    ffi::SQLITE_TRANSIENT(),
                ),
            }
        };
        if code == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(failed(self.database, code))
        }
    }

    /// Steps to the next row: `None` when the statement is done.
    pub(super) fn next_row(&mut self) -> Result<Option<Row<'_>>, Step> {
        // SAFETY: a prepared statement of the stepper's connection.
        match unsafe { ffi::sqlite3_step(self.raw.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(Some(Row {
                statement: self.raw,
                row: PhantomData,
            })),
            ffi::SQLITE_DONE => Ok(None),
            // The extended code of an interrupt is the plain one.
            ffi::SQLITE_INTERRUPT => Err(Step::Interrupted),
            code => Err(failed(self.database, code)),
        }
    }
}

/// The row a statement is on: its values stay valid until the statement
/// steps again, which needs the statement this borrows.
pub(super) struct Row<'r> {
    statement: NonNull<ffi::sqlite3_stmt>,
    row: PhantomData<&'r mut ()>,
}

impl Row<'_> {
    /// The columns from `first` on, as a sequence.
    pub(super) fn columns(&self, first: c_int) -> Columns<'_> {
        // SAFETY: a statement on a row.
        let end = unsafe { ffi::sqlite3_column_count(self.statement.as_ptr()) };
        Columns {
            statement: self.statement,
            next: first,
            end,
            row: PhantomData,
        }
    }

    /// Column `index`'s text (or blob) bytes; `None` for NULL.
    pub(super) fn bytes(&self, index: c_int) -> Option<&[u8]> {
        Column::new(self.statement, index)?.bytes()
    }

    /// Column `index`'s value, as SQLite holds it; `None` for NULL (which
    /// no key matches).
    fn key(&self, index: c_int) -> Option<KeyValue> {
        let column = Column::new(self.statement, index)?;
        Some(match column.kind {
            ffi::SQLITE_INTEGER => KeyValue::Int(column.integer()),
            ffi::SQLITE_FLOAT => KeyValue::Real(column.float().to_bits()),
            ffi::SQLITE_TEXT => KeyValue::Text(column.bytes()?.into()),
            ffi::SQLITE_BLOB => KeyValue::Blob(column.bytes()?.into()),
            _ => return None,
        })
    }
}

/// A key column's value, read from a parent's row and bound as it was read
/// into its children's statement: the same value SQLite compares, whatever
/// the Rust type of the field. Ordered so that a hop's keys can be sorted
/// and deduplicated.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyValue {
    /// An integer.
    Int(i64),
    /// A float, by its bits (so that it orders and hashes).
    Real(u64),
    /// Text, as SQLite stores it.
    Text(Box<[u8]>),
    /// A blob.
    Blob(Box<[u8]>),
}

/// A row's columns, read in order: the [`SeqAccess`] a model's
/// `decode_columns` reads.
pub struct Columns<'r> {
    statement: NonNull<ffi::sqlite3_stmt>,
    next: c_int,
    end: c_int,
    row: PhantomData<&'r ()>,
}

impl<'de> SeqAccess<'de> for Columns<'_> {
    type Error = ValueError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ValueError> {
        if self.next >= self.end {
            return Ok(None);
        }
        let column = Column::new(self.statement, self.next).ok_or_else(|| {
            ValueError::custom(format_args!("column {} is not in the row", self.next))
        })?;
        self.next += 1;
        seed.deserialize(column).map(Some).map_err(|error| {
            // SAFETY: a statement on a row; the name is copied before it
            // steps again.
            let name = unsafe {
                let name = ffi::sqlite3_column_name(self.statement.as_ptr(), self.next - 1);
                if name.is_null() {
                    Cow::Borrowed("?")
                } else {
                    CStr::from_ptr(name).to_string_lossy()
                }
            };
            ValueError::custom(format_args!("column `{name}`: {error}"))
        })
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.end - self.next).ok()
    }
}

/// One value of the current row, read through `sqlite3_column_value` once
/// and its type once (each `sqlite3_column_*` call looks the column up
/// again: they were 8 % of a blog load). The value is SQLite's unprotected
/// one, which the `sqlite3_value_*` readers may read on the thread that uses
/// the connection alone, as here.
struct Column<'r> {
    value: NonNull<ffi::sqlite3_value>,
    kind: c_int,
    index: c_int,
    row: PhantomData<&'r ()>,
}

impl<'r> Column<'r> {
    /// Column `index` of `statement`'s row (NULL past its columns); `None`
    /// if SQLite gives no value at all.
    fn new(statement: NonNull<ffi::sqlite3_stmt>, index: c_int) -> Option<Self> {
        // SAFETY: a statement on a row; an index past its columns reads
        // NULL.
        let value = NonNull::new(unsafe { ffi::sqlite3_column_value(statement.as_ptr(), index) })?;
        // SAFETY: the row's value, read by the connection's only user.
        let kind = unsafe { ffi::sqlite3_value_type(value.as_ptr()) };
        Some(Self {
            value,
            kind,
            index,
            row: PhantomData,
        })
    }

    fn integer(&self) -> i64 {
        // SAFETY: as `new`.
        unsafe { ffi::sqlite3_value_int64(self.value.as_ptr()) }
    }

    fn float(&self) -> f64 {
        // SAFETY: as `new`.
        unsafe { ffi::sqlite3_value_double(self.value.as_ptr()) }
    }

    /// The value as text or blob bytes, as SQLite converts it; `None` for
    /// NULL.
    fn bytes(&self) -> Option<&'r [u8]> {
        if self.kind == ffi::SQLITE_NULL {
            return None;
        }
        // SAFETY: the row's value. The pointer is asked before the length
        // (SQLite's order for a converted value); both stay valid until the
        // statement steps again, which needs the row this borrows.
        unsafe {
            let data = ffi::sqlite3_value_blob(self.value.as_ptr());
            let length = ffi::sqlite3_value_bytes(self.value.as_ptr());
            let length = usize::try_from(length).unwrap_or(0);
            Some(if data.is_null() || length == 0 {
                &[][..]
            } else {
                std::slice::from_raw_parts(data.cast::<u8>(), length)
            })
        }
    }
}

impl<'de> Deserializer<'de> for Column<'_> {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.kind {
            ffi::SQLITE_INTEGER => visitor.visit_i64(self.integer()),
            ffi::SQLITE_FLOAT => visitor.visit_f64(self.float()),
            ffi::SQLITE_TEXT => {
                let bytes = self.bytes().unwrap_or_default();
                // SQLite does not check what it stores; sqlx refuses text
                // that is not UTF-8 too.
                let text = std::str::from_utf8(bytes).map_err(|error| {
                    ValueError::custom(format_args!("column {}: {error}", self.index))
                })?;
                visitor.visit_str(text)
            }
            ffi::SQLITE_BLOB => visitor.visit_bytes(self.bytes().unwrap_or_default()),
            // As JSON's `null` reads.
            _ => visitor.visit_unit(),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        if self.kind == ffi::SQLITE_NULL {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
