//! Connecting to the user's database, read-only where the engine allows it, with a
//! deadline, and the catalog reads the rest of the advisor needs.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{Connection, PgConnection, Row};

use crate::error::{Error, Result, redact};
use crate::shape::Columns;

/// Which engine a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// SQLite, through a read-only connection.
    Sqlite,
    /// PostgreSQL; everything the advisor runs there is inside a transaction
    /// that is rolled back.
    Postgres,
}

/// A connection pool to the database under advice.
///
/// ```no_run
/// # async fn f() -> unokit_advisor::Result<()> {
/// use std::time::Duration;
/// let db = unokit_advisor::Database::connect("sqlite://app.db", Duration::from_secs(5)).await?;
/// assert_eq!(db.engine(), unokit_advisor::Engine::Sqlite);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub enum Database {
    /// A SQLite database, opened read-only so that nothing can be written to it.
    Sqlite(SqlitePool),
    /// A PostgreSQL database.
    Postgres(PgPool),
}

/// An index that exists, by table and columns in key order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExistingIndex {
    /// The index's name.
    pub name: String,
    /// The table it is on.
    pub table: String,
    /// Its key columns in order; an expression column is `""`.
    pub columns: Vec<String>,
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        })
    }
}

impl Database {
    /// Connects to `url` (`sqlite://PATH`, `sqlite:PATH`, `postgres://…`,
    /// `postgresql://…`), failing with [`Error::Unreachable`] when no connection is
    /// made within `deadline`. SQLite databases are opened read-only and must exist.
    ///
    /// ```no_run
    /// # async fn f() {
    /// use std::time::Duration;
    /// let err = unokit_advisor::Database::connect("mysql://x", Duration::from_secs(1)).await.unwrap_err();
    /// assert!(err.to_string().contains("bad database URL"));
    /// # }
    /// ```
    pub async fn connect(url: &str, deadline: Duration) -> Result<Self> {
        let shown = redact(url);
        let bad = |reason: String| Error::BadUrl {
            url: shown.clone(),
            reason,
        };
        let unreachable = |reason: String| Error::Unreachable {
            url: shown.clone(),
            reason,
        };
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| bad(e.to_string()))?
                .read_only(true)
                .create_if_missing(false);
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(deadline)
                .connect_with(options);
            let pool = tokio::time::timeout(deadline, pool)
                .await
                .map_err(|_| unreachable(format!("no connection within {deadline:?}")))?
                .map_err(|e| unreachable(format!("{e} (does the file exist?)")))?;
            Ok(Database::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(|e| bad(e.to_string()))?;
            // One connection first: the pool would retry a refused connection
            // until its timeout and report only that it timed out.
            let probe = tokio::time::timeout(deadline, PgConnection::connect_with(&options))
                .await
                .map_err(|_| unreachable(format!("no connection within {deadline:?}")))?
                .map_err(|e| unreachable(e.to_string()))?;
            let _ = probe.close().await;
            let pool = PgPoolOptions::new()
                .max_connections(2)
                .acquire_timeout(deadline)
                .connect_with(options);
            let pool = tokio::time::timeout(deadline, pool)
                .await
                .map_err(|_| unreachable(format!("no connection within {deadline:?}")))?
                .map_err(|e| unreachable(e.to_string()))?;
            Ok(Database::Postgres(pool))
        } else {
            Err(bad("unknown scheme".into()))
        }
    }

    /// The engine behind this database.
    pub fn engine(&self) -> Engine {
        match self {
            Database::Sqlite(_) => Engine::Sqlite,
            Database::Postgres(_) => Engine::Postgres,
        }
    }

    /// Every user table with its columns (PostgreSQL: those on the search path).
    pub async fn columns(&self) -> Result<Columns> {
        let mut out = Columns::new();
        match self {
            Database::Sqlite(pool) => {
                let q = "SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p \
                         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid";
                for row in sqlx::query(q)
                    .fetch_all(pool)
                    .await
                    .map_err(|e| Error::statement(q, e))?
                {
                    out.entry(row.get::<String, _>(0))
                        .or_default()
                        .push(row.get(1));
                }
            }
            Database::Postgres(pool) => {
                let q = "SELECT c.relname::text, a.attname::text FROM pg_class c \
                         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
                         WHERE c.relkind IN ('r','p') AND pg_table_is_visible(c.oid) \
                         AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) \
                         ORDER BY c.relname, a.attnum";
                for row in sqlx::query(q)
                    .fetch_all(pool)
                    .await
                    .map_err(|e| Error::statement(q, e))?
                {
                    out.entry(row.get::<String, _>(0))
                        .or_default()
                        .push(row.get(1));
                }
            }
        }
        Ok(out)
    }

    /// Every index on the user's tables, the primary keys included (SQLite's
    /// `INTEGER PRIMARY KEY` is reported as an index named `rowid`).
    pub async fn indexes(&self) -> Result<Vec<ExistingIndex>> {
        let mut out: Vec<ExistingIndex> = Vec::new();
        match self {
            Database::Sqlite(pool) => {
                let q = "SELECT m.name, il.name, ii.name FROM sqlite_schema m \
                         JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii \
                         WHERE m.type = 'table' ORDER BY m.name, il.name, ii.seqno";
                for row in sqlx::query(q)
                    .fetch_all(pool)
                    .await
                    .map_err(|e| Error::statement(q, e))?
                {
                    let (table, name): (String, String) = (row.get(0), row.get(1));
                    let col: Option<String> = row.get(2);
                    match out.iter_mut().find(|i| i.name == name) {
                        Some(i) => i.columns.push(col.unwrap_or_default()),
                        None => out.push(ExistingIndex {
                            name,
                            table,
                            columns: vec![col.unwrap_or_default()],
                        }),
                    }
                }
                let q = "SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p \
                         WHERE m.type = 'table' AND p.pk = 1 AND upper(p.type) = 'INTEGER' \
                         AND (SELECT count(*) FROM pragma_table_info(m.name) WHERE pk > 0) = 1";
                for row in sqlx::query(q)
                    .fetch_all(pool)
                    .await
                    .map_err(|e| Error::statement(q, e))?
                {
                    out.push(ExistingIndex {
                        name: "rowid".into(),
                        table: row.get(0),
                        columns: vec![row.get(1)],
                    });
                }
            }
            Database::Postgres(pool) => {
                let q = "SELECT i.relname::text, t.relname::text, \
                         array(SELECT coalesce(a.attname::text, '') FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, o) \
                               LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o) \
                         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
                         WHERE pg_table_is_visible(t.oid) AND t.relnamespace <> 'pg_catalog'::regnamespace";
                for row in sqlx::query(q)
                    .fetch_all(pool)
                    .await
                    .map_err(|e| Error::statement(q, e))?
                {
                    out.push(ExistingIndex {
                        name: row.get(0),
                        table: row.get(1),
                        columns: row.get(2),
                    });
                }
            }
        }
        Ok(out)
    }

    /// How many rows `table` has: PostgreSQL's statistics (`reltuples`) when the
    /// table was analysed, otherwise a count that stops at `cap`.
    pub async fn row_count(&self, table: &str, cap: u64) -> Result<u64> {
        if let Database::Postgres(pool) = self {
            let q = "SELECT reltuples::float8 FROM pg_class WHERE oid = to_regclass($1)";
            let n: Option<f64> = sqlx::query_scalar(q)
                .bind(quote_ident(table))
                .fetch_optional(pool)
                .await
                .map_err(|e| Error::statement(q, e))?;
            // -1 means never analysed (PostgreSQL 14+), 0 may mean the same before.
            if let Some(n) = n.filter(|n| *n > 0.0) {
                return Ok(n as u64);
            }
        }
        let q = format!(
            "SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {cap}) AS capped",
            quote_ident(table)
        );
        let n: i64 = match self {
            Database::Sqlite(pool) => sqlx::query_scalar(&q).fetch_one(pool).await,
            Database::Postgres(pool) => sqlx::query_scalar(&q).fetch_one(pool).await,
        }
        .map_err(|e| Error::statement(&q, e))?;
        Ok(n.max(0) as u64)
    }
}

/// `name` as a double-quoted identifier, valid in both engines.
///
/// ```
/// assert_eq!(unokit_advisor::quote_ident(r#"my "t""#), r#""my ""t""""#);
/// ```
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
