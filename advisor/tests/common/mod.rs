//! Scratch databases for the advisor's tests: a SQLite file in a fresh temporary
//! folder, and a PostgreSQL schema of its own (dropped at the end) on the server
//! `UNOKIT_TEST_POSTGRES_URL` names.
#![allow(dead_code)]

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use sqlx::postgres::PgPool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

pub mod fixture;

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Serialises the tests of one test binary that run index suggestions on
/// PostgreSQL: each creates hypopg inside its own transaction, and a second one
/// at the same moment would wait for the first and then use the fallback.
/// Async tests take it with `.lock().await`, the others with
/// [`pg_suggestions_lock`]; a failed test does not poison it.
pub static PG_SUGGESTIONS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Holds [`PG_SUGGESTIONS`] from a test that is not async.
pub fn pg_suggestions_lock() -> tokio::sync::MutexGuard<'static, ()> {
    PG_SUGGESTIONS.blocking_lock()
}

pub const DEADLINE: Duration = Duration::from_secs(10);

/// A SQLite file to build fixtures in; the folder is removed on drop.
pub struct SqliteScratch {
    pub dir: PathBuf,
    pub path: PathBuf,
    pub pool: SqlitePool,
}

impl SqliteScratch {
    pub async fn new(setup: &str) -> Self {
        let dir = std::env::temp_dir().join(unique("unokit_advisor"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("fixture.db");
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .unwrap()
            .create_if_missing(true);
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        sqlx::raw_sql(setup).execute(&pool).await.unwrap();
        SqliteScratch { dir, path, pool }
    }

    pub fn url(&self) -> String {
        format!("sqlite://{}", self.path.display())
    }

    /// Closes the writing pool so that only the advisor touches the file.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl Drop for SqliteScratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn pg_base_url() -> Option<String> {
    match std::env::var("UNOKIT_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            println!("skipped: UNOKIT_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// A schema of its own on the test server; `url` puts it first on the search path.
/// Dropped by [`PgScratch::drop_schema`], or on drop when a test fails first.
pub struct PgScratch {
    pub schema: String,
    pub admin: PgPool,
    pub url: String,
    base: String,
    dropped: bool,
}

impl PgScratch {
    pub async fn new(base: &str, setup: &str) -> Self {
        let schema = unique("advisor_test");
        let admin = sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(DEADLINE)
            .connect(base)
            .await
            .unwrap();
        sqlx::raw_sql(&format!(
            "CREATE SCHEMA {schema}; SET search_path = {schema}; {setup}"
        ))
        .execute(&admin)
        .await
        .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        // The admin pool keeps its own search path for the fixture's own statements.
        sqlx::raw_sql(&format!("SET search_path = {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        PgScratch {
            schema,
            admin,
            url,
            base: base.to_owned(),
            dropped: false,
        }
    }

    /// Runs `sql` on the fixture schema (outside the advisor).
    pub async fn run(&self, sql: &str) {
        sqlx::raw_sql(&format!("SET search_path = {}; {sql}", self.schema))
            .execute(&self.admin)
            .await
            .unwrap();
    }

    pub async fn drop_schema(mut self) {
        sqlx::raw_sql(&format!("DROP SCHEMA {} CASCADE", self.schema))
            .execute(&self.admin)
            .await
            .unwrap();
        self.admin.close().await;
        self.dropped = true;
    }
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        // A test failed before dropping its schema: drop it from a thread of
        // its own, since this may run inside the test's runtime.
        let (base, schema) = (self.base.clone(), self.schema.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&base).await {
                    let _ = sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}
