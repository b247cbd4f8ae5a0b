//! What differs between SQLite and PostgreSQL: placeholders, how many keys one
//! statement may bind, how keys are bound, and how a statement runs.

use super::model::{Model, Statements};
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
    /// The most parameters one statement may bind.
    const MAX_PARAMS: usize;

    /// Appends the placeholder of parameter `n` (from 1).
    fn push_placeholder(sql: &mut String, n: usize);

    /// Appends a condition matching `column` against `count` keys bound from
    /// parameter `first` on: `"column" IN (?, …)`, or `"column" = ANY($n)`.
    fn push_where_in(sql: &mut String, column: &str, count: usize, first: usize);

    /// How many keys one statement of [`push_where_in`](Self::push_where_in)
    /// may bind; more are split over several statements.
    fn keys_per_statement() -> usize;

    /// A model's statements, with this engine's placeholders.
    fn statements<M: Model>() -> &'static Statements;

    /// Reads column `index` of `row`.
    ///
    /// # Errors
    ///
    /// When the column is missing or does not decode as `T`.
    fn get<T: Column<Self>>(row: &Self::Row, index: usize) -> Result<T, sqlx::Error>;

    /// Runs `sql` and returns its rows.
    fn fetch_all<'a>(
        pool: &'a Pool<Self>,
        sql: &'a str,
        arguments: Self::Arguments<'a>,
    ) -> StatementFuture<'a, Vec<Self::Row>>;

    /// Runs `sql` and returns the number of rows it changed.
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
}

mod sqlite {
    use super::{Column, Engine, KeyColumn, Model, StatementFuture, Statements};
    use sqlx::error::BoxDynError;
    use sqlx::sqlite::{SqliteArguments, SqliteRow};
    use sqlx::{Arguments, Pool, Row, Sqlite};
    use std::hash::Hash;

    impl Engine for Sqlite {
        const MAX_PARAMS: usize = 32_766;

        fn push_placeholder(sql: &mut String, _n: usize) {
            sql.push('?');
        }

        fn push_where_in(sql: &mut String, column: &str, count: usize, _first: usize) {
            super::push_quoted(sql, column);
            sql.push_str(" IN (");
            for position in 0..count {
                if position > 0 {
                    sql.push_str(", ");
                }
                sql.push('?');
            }
            sql.push(')');
        }

        fn keys_per_statement() -> usize {
            Self::MAX_PARAMS
        }

        fn statements<M: Model>() -> &'static Statements {
            &M::SQLITE
        }

        fn get<T: Column<Self>>(row: &SqliteRow, index: usize) -> Result<T, sqlx::Error> {
            row.try_get(index)
        }

        fn fetch_all<'a>(
            pool: &'a Pool<Self>,
            sql: &'a str,
            arguments: SqliteArguments<'a>,
        ) -> StatementFuture<'a, Vec<SqliteRow>> {
            Box::pin(sqlx::query_with(sql, arguments).fetch_all(pool))
        }

        fn execute<'a>(
            pool: &'a Pool<Self>,
            sql: &'a str,
            arguments: SqliteArguments<'a>,
        ) -> StatementFuture<'a, u64> {
            Box::pin(async move {
                let done = sqlx::query_with(sql, arguments).execute(pool).await?;
                Ok(done.rows_affected())
            })
        }
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
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::{Column, Engine, KeyColumn, Model, StatementFuture, Statements};
    use sqlx::error::BoxDynError;
    use sqlx::postgres::{PgArguments, PgHasArrayType, PgRow};
    use sqlx::{Arguments, Pool, Postgres, Row};
    use std::fmt::Write;
    use std::hash::Hash;

    impl Engine for Postgres {
        const MAX_PARAMS: usize = 65_535;

        fn push_placeholder(sql: &mut String, n: usize) {
            write!(sql, "${n}").expect("writing to a String cannot fail");
        }

        fn push_where_in(sql: &mut String, column: &str, _count: usize, first: usize) {
            super::push_quoted(sql, column);
            write!(sql, " = ANY(${first})").expect("writing to a String cannot fail");
        }

        /// All of them: they go in one array parameter.
        fn keys_per_statement() -> usize {
            usize::MAX
        }

        fn statements<M: Model>() -> &'static Statements {
            &M::POSTGRES
        }

        fn get<T: Column<Self>>(row: &PgRow, index: usize) -> Result<T, sqlx::Error> {
            row.try_get(index)
        }

        fn fetch_all<'a>(
            pool: &'a Pool<Self>,
            sql: &'a str,
            arguments: PgArguments,
        ) -> StatementFuture<'a, Vec<PgRow>> {
            Box::pin(sqlx::query_with(sql, arguments).fetch_all(pool))
        }

        fn execute<'a>(
            pool: &'a Pool<Self>,
            sql: &'a str,
            arguments: PgArguments,
        ) -> StatementFuture<'a, u64> {
            Box::pin(async move {
                let done = sqlx::query_with(sql, arguments).execute(pool).await?;
                Ok(done.rows_affected())
            })
        }
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

/// Appends `name` as a quoted identifier; `schema.table` becomes
/// `"schema"."table"`. Names come from the model derive, which accepts only
/// letters, digits, `_` and one `.`: nothing a user passes at run time.
pub(crate) fn push_quoted(sql: &mut String, name: &str) {
    for (position, part) in name.split('.').enumerate() {
        if position > 0 {
            sql.push('.');
        }
        sql.push('"');
        sql.push_str(part);
        sql.push('"');
    }
}
