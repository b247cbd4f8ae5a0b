//! Starting a watcher: the engine-independent part of [`Changes::watch`].

use super::Changes;
use crate::db::engine::Engine;
use crate::db::error::DbError;
use sqlx::{ColumnIndex, Database, Decode, Executor, IntoArguments, Pool, Row, Type};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// How a watcher follows the database.
///
/// ```
/// use std::time::Duration;
/// use unokit::db::WatchConfig;
///
/// let config = WatchConfig::new().with_poll(Duration::from_millis(5));
/// assert_eq!(config.poll(), Some(Duration::from_millis(5)));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct WatchConfig {
    poll: Option<Duration>,
    timeout: Duration,
}

impl WatchConfig {
    /// The defaults: SQLite polls every 10 ms, PostgreSQL catches up every
    /// second besides its notifications; every statement has 5 s.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            poll: None,
            timeout: Duration::from_secs(5),
        }
    }

    /// How often the versions are checked: on SQLite the delay of an
    /// invalidation; on PostgreSQL, where notifications arrive at once, the
    /// longest a write goes unseen while the listener is broken without
    /// knowing it (a black-holed connection).
    #[must_use]
    pub const fn with_poll(mut self, poll: Duration) -> Self {
        self.poll = Some(poll);
        self
    }

    /// How long the watcher waits for the database (connecting, reading the
    /// versions) before it gives up and tries again.
    #[must_use]
    pub const fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The poll interval given; `None` for the engine's default.
    #[must_use]
    pub const fn poll(&self) -> Option<Duration> {
        self.poll
    }

    /// The poll interval given, or the engine's `default`.
    pub(super) fn poll_or(&self, default: Duration) -> Duration {
        self.poll.unwrap_or(default)
    }

    /// How long one wait for the database may take.
    #[must_use]
    pub const fn timeout(&self) -> Duration {
        self.timeout
    }
}

impl Default for WatchConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// A future that installs the triggers, or runs a watcher.
pub(super) type WatchFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An engine whose writes unokit can watch: SQLite and PostgreSQL.
pub trait Watch: Engine {
    /// Installs the triggers and the versions table for `tables` (idempotent).
    #[doc(hidden)]
    fn install<'a>(
        pool: &'a Pool<Self>,
        tables: &'a [&'a str],
        timeout: Duration,
    ) -> WatchFuture<'a, Result<(), DbError>>;

    /// Follows the versions of `tables` until dropped, starting from `known`.
    #[doc(hidden)]
    fn follow(
        pool: Pool<Self>,
        changes: Changes,
        known: HashMap<String, i64>,
        config: WatchConfig,
    ) -> WatchFuture<'static, ()>;

    /// The current versions of every watched table.
    #[doc(hidden)]
    fn versions(
        pool: &Pool<Self>,
        timeout: Duration,
    ) -> WatchFuture<'_, Result<HashMap<String, i64>, DbError>>;
}

/// A running watcher: it stops when dropped.
#[derive(Debug)]
#[must_use = "the watcher stops when dropped"]
pub struct Watcher {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Changes {
    /// Installs the triggers that record writes to `tables` (idempotent, safe
    /// to run from several instances at once) and starts following them: a
    /// write to one of them, from any connection, bumps its version here.
    ///
    /// Table names are those of [`Model::TABLE`](crate::db::Model::TABLE):
    /// letters, digits, `_` and one `.` for `schema.table`. SQLite needs a
    /// database file (an in-memory database is private to one connection).
    ///
    /// # Errors
    ///
    /// A table name that is not a plain identifier, a table that does not
    /// exist, or a database that did not answer within the config's timeout.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use unokit::db::{Changes, sqlx::SqlitePool};
    ///
    /// let dir = std::env::temp_dir().join(format!("unokit-changes-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let url = format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display());
    /// let pool = SqlitePool::connect(&url).await.unwrap();
    /// sqlx::query("CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, title TEXT)")
    ///     .execute(&pool).await.unwrap();
    ///
    /// let changes = Changes::new();
    /// let _watcher = changes.watch(&pool, &["posts"]).await.unwrap();
    /// let stamp = changes.stamp(&["posts"]);
    /// sqlx::query("INSERT INTO posts (title) VALUES ('hello')").execute(&pool).await.unwrap();
    /// while stamp.is_current() {
    ///     tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    /// }
    /// # });
    /// ```
    pub async fn watch<DB: Watch>(
        &self,
        pool: &Pool<DB>,
        tables: &[&str],
    ) -> Result<Watcher, DbError> {
        self.watch_with(pool, tables, WatchConfig::new()).await
    }

    /// [`watch`](Self::watch) with a config.
    ///
    /// # Errors
    ///
    /// As [`watch`](Self::watch).
    pub async fn watch_with<DB: Watch>(
        &self,
        pool: &Pool<DB>,
        tables: &[&str],
        config: WatchConfig,
    ) -> Result<Watcher, DbError> {
        for table in tables {
            check_name(table)?;
        }
        DB::install(pool, tables, config.timeout()).await?;
        // What was written before is not a change: a cache filled from now
        // on sees it.
        let reading = self.reading();
        let known = DB::versions(pool, config.timeout()).await?;
        self.read(&known, reading);
        let task = tokio::spawn(DB::follow(pool.clone(), self.clone(), known, config));
        Ok(Watcher { task })
    }
}

/// Refuses a table name that is not a plain identifier (or `schema.table`):
/// it is written into the triggers' text.
fn check_name(table: &str) -> Result<(), DbError> {
    let plain = |part: &str| {
        !part.is_empty()
            && !part.starts_with(|c: char| c.is_ascii_digit())
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let mut parts = table.split('.');
    let valid = match (parts.next(), parts.next(), parts.next()) {
        (Some(name), None, None) => plain(name),
        (Some(schema), Some(name), None) => plain(schema) && plain(name),
        _ => false,
    };
    if valid {
        Ok(())
    } else {
        Err(DbError::InvalidName(table.to_owned()))
    }
}

/// Bumps, in `changes`, each table whose version in `now` is past `known`'s,
/// and remembers the new version.
/// `reading` is the number [`Changes::reading`] gave before the read began.
pub(super) fn catch_up(
    changes: &Changes,
    known: &mut HashMap<String, i64>,
    now: HashMap<String, i64>,
    reading: u64,
) {
    changes.read(&now, reading);
    for (table, version) in now {
        seen(changes, known, table, version);
    }
}

/// Bumps `table` in `changes` if `version` is past the one `known` holds.
pub(super) fn seen(
    changes: &Changes,
    known: &mut HashMap<String, i64>,
    table: String,
    version: i64,
) {
    match known.get_mut(&table) {
        Some(old) if *old >= version => {}
        Some(old) => {
            *old = version;
            changes.changed_in_database(&table, version);
        }
        None => {
            changes.changed_in_database(&table, version);
            known.insert(table, version);
        }
    }
}

/// Every watched table's version, as the versions table holds it.
pub(super) async fn read_versions<'c, DB: Database>(
    executor: impl Executor<'c, Database = DB>,
) -> Result<HashMap<String, i64>, sqlx::Error>
where
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    let rows = sqlx::query("SELECT table_name, version FROM unokit_table_versions")
        .fetch_all(executor)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// Runs `work` for at most `within`.
pub(super) async fn deadline<T>(
    within: Duration,
    work: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, DbError> {
    match tokio::time::timeout(within, work).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(DbError::Timeout(within)),
    }
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn only_plain_identifiers_are_watched() {
        for good in ["posts", "blog.posts", "_x1"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "1posts", "a.b.c", "posts'; --", "po\"sts", ".posts"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
