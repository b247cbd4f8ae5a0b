//! Watching SQLite: row-level triggers, and a connection of the watcher's own
//! polling the versions they keep.

use super::Changes;
use super::watch::{Watch, WatchConfig, WatchFuture, catch_up, deadline, read_versions};
use crate::db::error::DbError;
use crate::db::sql::push_quoted;
use sqlx::sqlite::{Sqlite, SqliteConnection};
use sqlx::{Connection, Executor, Pool};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

const SETUP: &str = "CREATE TABLE IF NOT EXISTS unokit_table_versions (
    table_name TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0
);
";

/// What each trigger runs. Row-level: a statement writing many rows bumps the
/// version once per row, in its own transaction.
const OPERATIONS: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

impl Watch for Sqlite {
    fn install<'a>(
        pool: &'a Pool<Self>,
        tables: &'a [&'a str],
        within: Duration,
    ) -> WatchFuture<'a, Result<(), DbError>> {
        Box::pin(async move {
            let mut sql = String::from(SETUP);
            for table in tables {
                // Names were checked to be plain identifiers: no quote to escape.
                sql.push_str(&format!(
                    "INSERT OR IGNORE INTO unokit_table_versions (table_name) VALUES ('{table}');\n"
                ));
                for operation in OPERATIONS {
                    let name = format!(
                        "unokit_changes_{}_{}",
                        table.replace('.', "_"),
                        operation.to_lowercase()
                    );
                    sql.push_str("CREATE TRIGGER IF NOT EXISTS ");
                    push_quoted(&mut sql, &name);
                    sql.push_str(&format!(" AFTER {operation} ON "));
                    push_quoted(&mut sql, table);
                    sql.push_str(&format!(
                        " BEGIN UPDATE unokit_table_versions SET version = version + 1 WHERE table_name = '{table}'; END;\n"
                    ));
                }
            }
            let install = async {
                let mut tx = pool.begin().await?;
                tx.execute(sqlx::raw_sql(&sql)).await?;
                tx.commit().await
            };
            deadline(within, install).await?;
            // The watcher reads through a connection of its own: make sure it
            // sees the same database (an in-memory one is private).
            let own = async {
                let options = pool.connect_options();
                let mut connection = SqliteConnection::connect_with(&options).await?;
                let seen = read_versions(&mut connection).await;
                connection.close().await?;
                seen
            };
            match deadline(within, own).await {
                Err(DbError::Sqlx(_)) => Err(DbError::Unwatchable(
                    "the watcher's own connection does not see the database: watch a database file, \
                     or a shared-cache in-memory database (`file:name?mode=memory&cache=shared`)",
                )),
                other => other.map(drop),
            }
        })
    }

    fn versions(
        pool: &Pool<Self>,
        within: Duration,
    ) -> WatchFuture<'_, Result<HashMap<String, i64>, DbError>> {
        Box::pin(async move { deadline(within, read_versions(pool)).await })
    }

    fn follow(
        pool: Pool<Self>,
        changes: Changes,
        mut known: HashMap<String, i64>,
        config: WatchConfig,
    ) -> WatchFuture<'static, ()> {
        Box::pin(async move {
            let mut retry = Duration::from_millis(50);
            loop {
                let options = pool.connect_options();
                let connect = SqliteConnection::connect_with(&options);
                if let Ok(mut connection) = deadline(config.timeout(), connect).await {
                    retry = Duration::from_millis(50);
                    poll(&mut connection, &changes, &mut known, config).await;
                }
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(Duration::from_secs(5));
            }
        })
    }
}

/// Reads the versions every poll interval, until the connection fails.
///
/// Without `PRAGMA data_version` as a pre-check: the versions table is read
/// anyway to know which tables changed, and with one row per watched table it
/// costs microseconds.
async fn poll(
    connection: &mut SqliteConnection,
    changes: &Changes,
    known: &mut HashMap<String, i64>,
    config: WatchConfig,
) {
    loop {
        let reading = changes.reading();
        let Ok(now) = deadline(config.timeout(), read_versions(&mut *connection)).await else {
            return;
        };
        catch_up(changes, known, now, reading);
        tokio::time::sleep(config.poll_or(Duration::from_millis(10))).await;
    }
}

impl Changes {
    /// `options` with SQLite hooks on every connection the pool opens: the
    /// tables a transaction writes (update hook) are reported as changed when
    /// it commits (commit hook), and forgotten if it rolls back. An
    /// application's own writes through that pool then invalidate at once,
    /// not one poll later.
    ///
    /// The hooks only speed things up: the commit hook runs just before the
    /// commit becomes visible, so a read in between could still cache the
    /// old rows; the [watcher](Self::watch) reports the write again once it
    /// is visible, and sees the writes of other processes, which no hook
    /// does. Keep one running. This takes the pool's `after_connect`.
    ///
    /// ```
    /// use unokit::db::Changes;
    /// use unokit::db::sqlx::sqlite::SqlitePoolOptions;
    ///
    /// let changes = Changes::new();
    /// let options = changes.hook_sqlite(SqlitePoolOptions::new().max_connections(4));
    /// # let _ = options;
    /// ```
    #[must_use]
    pub fn hook_sqlite(
        &self,
        options: sqlx::sqlite::SqlitePoolOptions,
    ) -> sqlx::sqlite::SqlitePoolOptions {
        let changes = self.clone();
        options.after_connect(move |connection, _| {
            let changes = changes.clone();
            Box::pin(async move { hook(connection, changes).await })
        })
    }
}

/// The versions table, which the triggers write with every watched table.
const VERSIONS: &str = "unokit_table_versions";

async fn hook(connection: &mut SqliteConnection, changes: Changes) -> Result<(), sqlx::Error> {
    let written = Arc::new(Mutex::new(HashSet::<String>::new()));
    let mut handle = connection.lock_handle().await?;
    let pending = Arc::clone(&written);
    handle.set_update_hook(move |update| {
        if update.table != VERSIONS {
            let mut pending = pending.lock().unwrap_or_else(PoisonError::into_inner);
            if !pending.contains(update.table) {
                pending.insert(update.table.to_owned());
            }
        }
    });
    let committed = Arc::clone(&written);
    handle.set_commit_hook(move || {
        let tables = std::mem::take(&mut *committed.lock().unwrap_or_else(PoisonError::into_inner));
        for table in tables {
            changes.changed(&table);
        }
        true
    });
    handle.set_rollback_hook(move || {
        written
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    });
    Ok(())
}
