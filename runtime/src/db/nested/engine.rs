//! The engines of nested loads, and how each runs one.

use super::decode::decode_document;
use super::{NestedInclude, NestedRow, statement};
use crate::db::engine::Engine;
use crate::db::error::DbError;
use crate::db::session::Session;
use std::future::Future;
use std::pin::Pin;

/// A nested load, or a part of one: its statements run and their rows read.
#[doc(hidden)]
pub type NestedFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DbError>> + Send + 'a>>;

/// An engine that runs nested loads: [`sqlx::Sqlite`], and `sqlx::Postgres`
/// with the `postgres` feature.
pub trait NestedEngine: Engine {
    /// The JSON document of a nested load's row, read in place.
    ///
    /// # Errors
    ///
    /// When the column is missing or not text.
    #[doc(hidden)]
    fn document(row: &Self::Row) -> Result<Option<&str>, sqlx::Error>;

    /// Runs a nested load's statement within the session's deadline and
    /// hands its document to `read`: through sqlx's rows by default.
    #[doc(hidden)]
    #[track_caller]
    fn load_document<'a, T: Send + 'a>(
        session: &'a Session<Self>,
        sql: &'a str,
        arguments: Self::Arguments<'a>,
        read: fn(Option<&[u8]>) -> Result<T, DbError>,
    ) -> NestedFuture<'a, T> {
        let fetching = Self::fetch_all(session.pool(), sql, arguments);
        Box::pin(async move {
            let rows = session.within_deadline(fetching).await?;
            let Some(row) = rows.first() else {
                return read(None);
            };
            read(Self::document(row)?.map(str::as_bytes))
        })
    }

    /// Loads every row of `M` with the relations of `I`: as the one
    /// statement's JSON document when `one_statement`, by default each hop's
    /// plain statement on one connection (see `nested::connection`).
    #[doc(hidden)]
    #[track_caller]
    fn load_all<'a, M, I>(
        session: &'a Session<Self>,
        one_statement: bool,
    ) -> NestedFuture<'a, Vec<M>>
    where
        M: NestedRow<Self>,
        I: NestedInclude<M, Self>,
    {
        if one_statement {
            load_all_as_document::<M, I, Self>(session)
        } else {
            super::connection::load_all::<M, I, Self>(session)
        }
    }
}

/// Every row of `M` with `I`, from the one statement's document.
#[track_caller]
fn load_all_as_document<'a, M, I, DB>(session: &'a Session<DB>) -> NestedFuture<'a, Vec<M>>
where
    M: NestedRow<DB>,
    I: NestedInclude<M, DB>,
    DB: NestedEngine,
{
    let (sql, _) = statement::<M, I, DB>();
    let loading = DB::load_document(
        session,
        sql,
        <DB::Arguments<'_>>::default(),
        decode_document::<M, I, DB>,
    );
    Box::pin(async move {
        let models = loading.await?;
        crate::trace::nested_statement(std::any::type_name::<M>(), models.len());
        Ok(models)
    })
}

#[cfg(feature = "sqlite")]
impl NestedEngine for sqlx::Sqlite {
    fn document(row: &Self::Row) -> Result<Option<&str>, sqlx::Error> {
        sqlx::Row::try_get(row, 0)
    }

    /// A statement without parameters is stepped on the caller's thread
    /// (see the `nested::sqlite` module); one with keys goes through sqlx.
    #[track_caller]
    fn load_document<'a, T: Send + 'a>(
        session: &'a Session<Self>,
        sql: &'a str,
        arguments: Self::Arguments<'a>,
        read: fn(Option<&[u8]>) -> Result<T, DbError>,
    ) -> NestedFuture<'a, T> {
        if sqlx::Arguments::len(&arguments) > 0 {
            let fetching = Self::fetch_all(session.pool(), sql, arguments);
            return Box::pin(async move {
                let rows = session.within_deadline(fetching).await?;
                let mut document = super::sqlite::Document::default();
                for row in &rows {
                    document.push(Self::document(row)?.map(str::as_bytes))?;
                }
                read(Some(document.finish()))
            });
        }
        let location = std::panic::Location::caller();
        Box::pin(async move {
            let loading = async {
                let pool = session.pool();
                let timeout = session.timeout();
                Ok(super::sqlite::with_document(pool, sql, timeout, location, read).await)
            };
            session.within_deadline(loading).await?
        })
    }

    /// Each hop's plain statement, stepped on the caller's thread one after
    /// the other (`nested::hops`), unless `one_statement`.
    #[track_caller]
    fn load_all<'a, M, I>(
        session: &'a Session<Self>,
        one_statement: bool,
    ) -> NestedFuture<'a, Vec<M>>
    where
        M: NestedRow<Self>,
        I: NestedInclude<M, Self>,
    {
        if one_statement {
            load_all_as_document::<M, I, Self>(session)
        } else {
            super::hops::load_all::<M, I>(session, std::panic::Location::caller())
        }
    }
}

#[cfg(feature = "postgres")]
impl NestedEngine for sqlx::Postgres {
    fn document(row: &Self::Row) -> Result<Option<&str>, sqlx::Error> {
        sqlx::Row::try_get(row, 0)
    }
}
