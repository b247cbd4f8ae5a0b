//! The engines models run on: how a row is read, how keys are bound, and how a
//! statement runs. Their SQL dialects are in [`super::sql`].

use super::model::Model;
use super::sql::{Dialect, Statements};
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Pool, Type};
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;

/// A future that runs one statement.
pub type StatementFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, sqlx::Error>> + Send + 'a>>;

/// A database unokit's models run on: [`sqlx::Sqlite`], and `sqlx::Postgres`
/// with the `postgres` feature.
///
/// ```
/// use unokit::db::Engine;
///
/// let mut sql = String::from("SELECT * FROM posts WHERE ");
/// <sqlx::Sqlite as Engine>::push_where_in(&mut sql, "id", 3, 1);
/// assert_eq!(sql, r#"SELECT * FROM posts WHERE "id" IN (?, ?, ?)"#);
/// ```
pub trait Engine: Database {
    /// The engine's SQL dialect.
    #[doc(hidden)]
    const DIALECT: Dialect;

    /// The most parameters one statement may bind.
    const MAX_PARAMS: usize = Self::DIALECT.max_params();

    /// Appends the placeholder of parameter `n` (from 1).
    fn push_placeholder(sql: &mut String, n: usize) {
        Self::DIALECT.push_placeholder(sql, n);
    }

    /// Appends a condition matching `column` against `count` keys bound from
    /// parameter `first` on: `"column" IN (?, …)`, or `"column" = ANY($n)`.
    fn push_where_in(sql: &mut String, column: &str, count: usize, first: usize) {
        Self::DIALECT.push_where_in(sql, column, count, first);
    }

    /// How many keys one statement of [`push_where_in`](Self::push_where_in)
    /// may bind; more are split over several statements.
    fn keys_per_statement() -> usize {
        Self::DIALECT.keys_per_statement()
    }

    /// A model's statements, with this engine's placeholders: built on first
    /// use, then read from the model's cells.
    fn statements<M: Model>() -> &'static Statements {
        M::statement_cells().get(Self::DIALECT, || {
            Statements::build(Self::DIALECT, M::TABLE, M::KEY_COLUMN, M::COLUMNS)
        })
    }

    /// Reads column `index` of `row`.
    ///
    /// # Errors
    ///
    /// When the column is missing or does not decode as `T`.
    fn get<T: Column<Self>>(row: &Self::Row, index: usize) -> Result<T, sqlx::Error>;

    /// Runs `sql` and returns its rows. The statement is recorded in the
    /// current [detector scope](super::detect), from the caller's location.
    #[track_caller]
    fn fetch_all<'a>(
        pool: &'a Pool<Self>,
        sql: &'a str,
        arguments: Self::Arguments<'a>,
    ) -> StatementFuture<'a, Vec<Self::Row>>;

    /// Runs `sql` on `connection` and hands each row to `each` as it arrives,
    /// recorded like [`fetch_all`](Self::fetch_all)'s: for the statements of
    /// one load that takes a connection from the pool once, rather than one
    /// per statement.
    #[doc(hidden)]
    #[track_caller]
    fn fetch_each_on<'a, F>(
        connection: &'a mut Self::Connection,
        sql: &'a str,
        arguments: Self::Arguments<'a>,
        each: F,
    ) -> StatementFuture<'a, ()>
    where
        F: FnMut(Self::Row) -> Result<(), sqlx::Error> + Send + 'a;

    /// Runs `sql` and hands each row to `each` as it arrives, recorded like
    /// [`fetch_all`](Self::fetch_all)'s: the rows are read while the
    /// database still sends the next ones, and none is kept.
    #[track_caller]
    fn fetch_each<'a, F>(
        pool: &'a Pool<Self>,
        sql: &'a str,
        arguments: Self::Arguments<'a>,
        each: F,
    ) -> StatementFuture<'a, ()>
    where
        F: FnMut(Self::Row) -> Result<(), sqlx::Error> + Send + 'a;

    /// Runs `sql` and returns the number of rows it changed, recorded like
    /// [`fetch_all`](Self::fetch_all)'s.
    #[track_caller]
    fn execute<'a>(
        pool: &'a Pool<Self>,
        sql: &'a str,
        arguments: Self::Arguments<'a>,
    ) -> StatementFuture<'a, u64>;
}

/// A type a model's field can have on `DB`: decoded from a column and bound as
/// a parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column type of `{DB}`",
    note = "a model's fields must decode from and encode to a column; on SQLite: integers, floats, `bool`, `String`, `Vec<u8>`, and `Option`s of them"
)]
pub trait Column<DB: Database>:
    for<'r> Decode<'r, DB> + for<'q> Encode<'q, DB> + Type<DB> + Send + Sync
{
}

impl<DB: Database, T> Column<DB> for T where
    T: for<'r> Decode<'r, DB> + for<'q> Encode<'q, DB> + Type<DB> + Send + Sync
{
}

/// A column type that can key a batch: bound one by one on SQLite, as an array
/// on PostgreSQL.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot key a batch query on `{DB}`",
    note = "keys are integers, strings and other column types; on PostgreSQL the type needs an array type too"
)]
pub trait KeyColumn<DB: Database>: Column<DB> + Hash + Eq + Clone + 'static {
    /// Binds `keys` for a [`Engine::push_where_in`] condition.
    ///
    /// # Errors
    ///
    /// When a key does not encode.
    fn add_keys<'q>(arguments: &mut DB::Arguments<'q>, keys: &'q [Self])
    -> Result<(), BoxDynError>;

    /// Binds `keys` as the one parameter of the condition a filter's long
    /// `IN` list becomes on SQLite ([`JSON_LIST_OVER`](crate::db::query::JSON_LIST_OVER)):
    /// a JSON array.
    /// Engines that bind a list as one array already bind it as
    /// [`add_keys`](Self::add_keys) does.
    ///
    /// # Errors
    ///
    /// When a key does not encode, or has no JSON form (a NaN or infinite
    /// real).
    fn add_key_list<'q>(
        arguments: &mut DB::Arguments<'q>,
        keys: &'q [Self],
    ) -> Result<(), BoxDynError> {
        Self::add_keys(arguments, keys)
    }
}

/// Runs `sql` on `executor` (a pool, or a connection) and hands each row to
/// `each` as it arrives, recorded in the current [detector scope](super::detect)
/// from `location` when first polled.
async fn each_row<'e, 'c: 'e, DB, E, F>(
    executor: E,
    sql: &'e str,
    arguments: <DB as Database>::Arguments<'e>,
    mut each: F,
    location: &'static std::panic::Location<'static>,
) -> Result<(), sqlx::Error>
where
    DB: Database,
    E: sqlx::Executor<'c, Database = DB> + 'e,
    <DB as Database>::Arguments<'e>: sqlx::IntoArguments<'e, DB>,
    F: FnMut(DB::Row) -> Result<(), sqlx::Error>,
{
    super::detect::record(sql, location)?;
    let mut rows = sqlx::query_with(sql, arguments).fetch(executor);
    while let Some(row) =
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(rows.as_mut(), cx)).await
    {
        each(row?)?;
    }
    Ok(())
}

/// How a statement runs and a row is read, the same sqlx calls on every engine.
/// (They are written in each engine's impl, not as provided methods, because
/// sqlx's executor bounds hold only for the concrete engines.)
macro_rules! run_with_sqlx {
    () => {
        fn get<T: Column<Self>>(row: &Self::Row, index: usize) -> Result<T, sqlx::Error> {
            sqlx::Row::try_get(row, index)
        }

        #[track_caller]
        fn fetch_all<'a>(
            pool: &'a sqlx::Pool<Self>,
            sql: &'a str,
            arguments: Self::Arguments<'a>,
        ) -> StatementFuture<'a, Vec<Self::Row>> {
            let location = std::panic::Location::caller();
            Box::pin(async move {
                // Recorded when first polled: in the scope current then.
                crate::db::detect::record(sql, location)?;
                sqlx::query_with(sql, arguments).fetch_all(pool).await
            })
        }

        #[track_caller]
        fn fetch_each_on<'a, F>(
            connection: &'a mut Self::Connection,
            sql: &'a str,
            arguments: Self::Arguments<'a>,
            each: F,
        ) -> StatementFuture<'a, ()>
        where
            F: FnMut(Self::Row) -> Result<(), sqlx::Error> + Send + 'a,
        {
            let location = std::panic::Location::caller();
            Box::pin(super::each_row(connection, sql, arguments, each, location))
        }

        #[track_caller]
        fn fetch_each<'a, F>(
            pool: &'a sqlx::Pool<Self>,
            sql: &'a str,
            arguments: Self::Arguments<'a>,
            each: F,
        ) -> StatementFuture<'a, ()>
        where
            F: FnMut(Self::Row) -> Result<(), sqlx::Error> + Send + 'a,
        {
            let location = std::panic::Location::caller();
            Box::pin(super::each_row(pool, sql, arguments, each, location))
        }

        #[track_caller]
        fn execute<'a>(
            pool: &'a sqlx::Pool<Self>,
            sql: &'a str,
            arguments: Self::Arguments<'a>,
        ) -> StatementFuture<'a, u64> {
            let location = std::panic::Location::caller();
            Box::pin(async move {
                crate::db::detect::record(sql, location)?;
                let done = sqlx::query_with(sql, arguments).execute(pool).await?;
                Ok(done.rows_affected())
            })
        }
    };
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::{Column, Dialect, Engine, KeyColumn, StatementFuture};
    use sqlx::error::BoxDynError;
    use sqlx::sqlite::SqliteArguments;
    use sqlx::{Arguments, Sqlite};
    use std::hash::Hash;

    impl Engine for Sqlite {
        const DIALECT: Dialect = Dialect::Sqlite;

        run_with_sqlx!();
    }

    impl<K: Column<Sqlite> + Hash + Eq + Clone + 'static> KeyColumn<Sqlite> for K {
        fn add_keys<'q>(
            arguments: &mut SqliteArguments<'q>,
            keys: &'q [Self],
        ) -> Result<(), BoxDynError> {
            for key in keys {
                arguments.add(key)?;
            }
            Ok(())
        }

        fn add_key_list<'q>(
            arguments: &mut SqliteArguments<'q>,
            keys: &'q [Self],
        ) -> Result<(), BoxDynError> {
            arguments.add(crate::db::sql::json_list(keys)?)
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::{Column, Dialect, Engine, KeyColumn, StatementFuture};
    use sqlx::error::BoxDynError;
    use sqlx::postgres::{PgArguments, PgHasArrayType};
    use sqlx::{Arguments, Postgres};
    use std::hash::Hash;

    impl Engine for Postgres {
        const DIALECT: Dialect = Dialect::Postgres;

        run_with_sqlx!();
    }

    impl<K> KeyColumn<Postgres> for K
    where
        K: Column<Postgres> + PgHasArrayType + Hash + Eq + Clone + 'static,
    {
        fn add_keys(arguments: &mut PgArguments, keys: &[Self]) -> Result<(), BoxDynError> {
            arguments.add(keys)
        }
    }
}
