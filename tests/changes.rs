//! Writes reported by the database itself (`unokit::db::Changes`): from the
//! application's pool, from connections unokit does not control, from another
//! process, across a killed listener — and a randomized run of interleaved
//! reads and writes that finds no stale read once a write's invalidation has
//! arrived.

use std::time::{Duration, Instant};
use unokit::db::sqlx::{self, Connection, Pool};
use unokit::db::{Changes, DbError, Watch, WatchConfig};

#[path = "changes/interleaved.rs"]
mod interleaved;

/// Waits until `stamp` is stale, at most `limit`: how long it took.
async fn stale_within(stamp: &unokit::db::Stamp, limit: Duration) -> Duration {
    let started = Instant::now();
    while stamp.is_current() {
        assert!(
            started.elapsed() < limit,
            "no invalidation within {limit:?}"
        );
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    started.elapsed()
}

async fn create_tables<DB: Watch>(pool: &Pool<DB>)
where
    for<'c> &'c Pool<DB>: sqlx::Executor<'c, Database = DB>,
{
    sqlx::raw_sql(
        "CREATE TABLE posts (id BIGINT PRIMARY KEY, title TEXT NOT NULL);
         CREATE TABLE authors (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
         INSERT INTO posts (id, title) VALUES (1, 'first');",
    )
    .execute(pool)
    .await
    .unwrap();
}

/// A SQLite database file of this test's own.
async fn sqlite_file(name: &str) -> (Pool<sqlx::Sqlite>, String) {
    let dir = std::env::temp_dir().join(format!("unokit-changes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.sqlite"));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await
        .unwrap();
    create_tables(&pool).await;
    (pool, path.display().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sees_the_pool_another_connection_and_another_process() {
    let (pool, path) = sqlite_file("sources").await;
    let changes = Changes::new();
    let _watcher = changes.watch(&pool, &["posts", "authors"]).await.unwrap();
    let authors = changes.stamp(&["authors"]);

    let stamp = changes.stamp(&["posts"]);
    sqlx::query("UPDATE posts SET title = 'pool' WHERE id = 1")
        .execute(&pool)
        .await
        .unwrap();
    let through_pool = stale_within(&stamp, Duration::from_secs(2)).await;

    let stamp = changes.stamp(&["posts"]);
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
        .await
        .unwrap();
    sqlx::query("DELETE FROM posts")
        .execute(&mut other)
        .await
        .unwrap();
    other.close().await.unwrap();
    let other_connection = stale_within(&stamp, Duration::from_secs(2)).await;

    // The sqlite3 shell: a process unokit has never seen.
    let stamp = changes.stamp(&["posts"]);
    let status = std::process::Command::new("sqlite3")
        .arg(&path)
        .arg("INSERT INTO posts (id, title) VALUES (2, 'shell');")
        .status()
        .expect("the sqlite3 shell is installed (`.ci/run` installs it)");
    assert!(status.success());
    let other_process = stale_within(&stamp, Duration::from_secs(2)).await;

    println!(
        "SQLite invalidation delays: pool {through_pool:?}, other connection {other_connection:?}, other process {other_process:?}"
    );
    assert!(authors.is_current(), "a table nobody wrote stays current");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_hooks_report_the_pools_own_commits_at_once() {
    let (plain, path) = sqlite_file("hooks").await;
    plain.close().await;
    let changes = Changes::new();
    let pool = changes
        .hook_sqlite(sqlx::sqlite::SqlitePoolOptions::new().max_connections(2))
        .connect(&format!("sqlite://{path}"))
        .await
        .unwrap();
    // No watcher: only the hooks report (a watcher's first read, once it has
    // connected, would report a write made before it a second time).

    let stamp = changes.stamp(&["posts"]);
    sqlx::query("UPDATE posts SET title = 'hooked' WHERE id = 1")
        .execute(&pool)
        .await
        .unwrap();
    assert!(!stamp.is_current(), "reported when the statement returned");

    // In a transaction: reported on commit, not before; nothing on rollback.
    let stamp = changes.stamp(&["posts"]);
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("UPDATE posts SET title = 'in a transaction' WHERE id = 1")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert!(stamp.is_current(), "not committed yet");
    tx.rollback().await.unwrap();
    assert!(stamp.is_current(), "rolled back");
    let authors = changes.stamp(&["authors"]);
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO authors (id, name) VALUES (1, 'a')")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(stamp.is_current(), "only authors was written");
    assert!(!authors.is_current(), "reported on commit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_names_are_checked_and_memory_databases_refused() {
    let (pool, _) = sqlite_file("names").await;
    let changes = Changes::new();
    let refused = changes.watch(&pool, &["posts; DROP TABLE posts"]).await;
    assert!(
        matches!(&refused, Err(DbError::InvalidName(name)) if name.contains("DROP")),
        "{refused:?}"
    );
    // An in-memory database that is private to each connection: the
    // watcher's own connection would see an empty one.
    let private = "sqlite::memory:"
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .unwrap()
        .shared_cache(false);
    let memory = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(private)
        .await
        .unwrap();
    create_tables(&memory).await;
    let refused = changes.watch(&memory, &["posts"]).await;
    assert!(
        matches!(&refused, Err(DbError::Unwatchable(why)) if why.contains("database file")),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_interleaved_reads_and_writes_are_never_stale() {
    let (pool, path) = sqlite_file("interleaved").await;
    let changes = Changes::new();
    // A short poll keeps the run short; the default's delay is measured above.
    let config = WatchConfig::new().with_poll(Duration::from_millis(2));
    let _watcher = changes.watch_with(&pool, &["posts"], config).await.unwrap();
    let writer = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
        .await
        .unwrap();
    let report = interleaved::run(&pool, writer, &changes, 1_000, 9_000, None).await;
    println!("SQLite, interleaved: {report}");
    assert_eq!(report.stale, 0, "{report}");
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::{create_tables, interleaved, stale_within};
    use std::time::Duration;
    use unokit::db::sqlx::{self, Connection};
    use unokit::db::{Changes, WatchConfig};
    use unokit_fixtures::counting;

    /// A connection unokit does not control, on the test's schema.
    async fn outsider(db: &counting::TestDb<sqlx::Postgres>) -> sqlx::PgConnection {
        let options = (*db.pool.connect_options()).clone();
        sqlx::PgConnection::connect_with(&options).await.unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_notifies_once_per_statement_and_survives_a_killed_listener() {
        let Some(db) = counting::postgres("changes_killed_listener").await else {
            return;
        };
        create_tables(&db.pool).await;
        let changes = Changes::new();
        // Polling once a minute: only the notifications, and the catch-up on
        // reconnecting, can invalidate within this test.
        let config = WatchConfig::new().with_poll(Duration::from_secs(60));
        let _watcher = changes
            .watch_with(&db.pool, &["posts", "authors"], config)
            .await
            .unwrap();
        let authors = changes.stamp(&["authors"]);
        let mut other = outsider(&db).await;

        let mut delays = Vec::new();
        for round in 0..200 {
            let stamp = changes.stamp(&["posts"]);
            sqlx::query("UPDATE posts SET title = $1 WHERE id = 1")
                .bind(format!("round {round}"))
                .execute(&mut other)
                .await
                .unwrap();
            delays.push(stale_within(&stamp, Duration::from_secs(2)).await);
        }
        delays.sort();
        let p99 = delays[delays.len() * 99 / 100];
        // A figure, not a check: timings belong to a quiet machine.
        println!(
            "PostgreSQL invalidation delay: median {:?}, p99 {p99:?}",
            delays[100]
        );

        // One statement writing many rows: one notification, one version.
        let versions_before: i64 = sqlx::query_scalar(
            "SELECT version FROM unokit_table_versions WHERE table_name = 'posts'",
        )
        .fetch_one(&mut other)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO posts (id, title) SELECT n, 'bulk' FROM generate_series(10, 509) n",
        )
        .execute(&mut other)
        .await
        .unwrap();
        let versions_after: i64 = sqlx::query_scalar(
            "SELECT version FROM unokit_table_versions WHERE table_name = 'posts'",
        )
        .fetch_one(&mut other)
        .await
        .unwrap();
        assert_eq!(versions_after, versions_before + 1);

        // Kill the listener, and write at once: the notification is lost with
        // the connection; catching up on reconnecting finds the write.
        let stamp = changes.stamp(&["posts"]);
        let killed: i64 = sqlx::query_scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE application_name = 'unokit-changes' AND pid <> pg_backend_pid()",
        )
        .fetch_one(&mut other)
        .await
        .unwrap();
        assert!(killed >= 1, "the listener's connection was found");
        sqlx::query("DELETE FROM posts WHERE id = 10")
            .execute(&mut other)
            .await
            .unwrap();
        let after_kill = stale_within(&stamp, Duration::from_secs(5)).await;
        println!("PostgreSQL invalidation across a killed listener: {after_kill:?}");
        assert!(authors.is_current(), "a table nobody wrote stays current");
        other.close().await.unwrap();
        db.finish().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_interleaved_reads_and_writes_are_never_stale() {
        let Some(db) = counting::postgres("changes_interleaved").await else {
            return;
        };
        create_tables(&db.pool).await;
        let changes = Changes::new();
        let _watcher = changes.watch(&db.pool, &["posts"]).await.unwrap();
        let writer = outsider(&db).await;
        // Half-way, the listener is killed: no invalidation may be lost.
        let report = interleaved::run(&db.pool, writer, &changes, 2_000, 8_000, Some(1_000)).await;
        println!("PostgreSQL, interleaved: {report}");
        assert_eq!(report.stale, 0, "{report}");
        db.finish().await;
    }
}
