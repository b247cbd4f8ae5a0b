//! Test databases whose statements are counted where sqlx runs them.
//!
//! sqlx reports every statement a connection runs as a `tracing` event with the
//! target `sqlx::query`. A global subscriber counts those whose text starts with
//! `SELECT`: the loaders' own statistics are not trusted. Tests of one binary
//! share the counter, so every test database holds a lock for its test's life.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use tokio::sync::{Mutex, MutexGuard};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use unokit::db::sqlx::Sqlite;
use unokit::db::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use unokit::db::{Engine, Session};

static SELECTS: AtomicU64 = AtomicU64::new(0);
static ONE_DATABASE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

struct SelectCounter;

impl Subscriber for SelectCounter {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if metadata.target() == "sqlx::query" {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "sqlx::query"
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut summary = Summary(None);
        event.record(&mut summary);
        if summary
            .0
            .is_some_and(|text| text.trim_start().to_ascii_uppercase().starts_with("SELECT"))
        {
            SELECTS.fetch_add(1, SeqCst);
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The `summary` field of sqlx's event: the statement's first words.
struct Summary(Option<String>);

impl Visit for Summary {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "summary" {
            self.0 = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        tracing::subscriber::set_global_default(SelectCounter)
            .expect("no other global subscriber in the test binary");
    });
}

/// A database for one test: its pool, and the lock that keeps the other tests of
/// the binary from running statements meanwhile.
pub struct TestDb<DB: Engine> {
    pub pool: unokit::db::sqlx::Pool<DB>,
    /// The PostgreSQL schema to drop at the end.
    pub schema: Option<String>,
    _lock: MutexGuard<'static, ()>,
}

impl<DB: Engine> TestDb<DB> {
    pub fn session(&self) -> Session<DB> {
        Session::new(self.pool.clone())
    }

    /// Starts counting from zero.
    pub fn reset_count(&self) {
        SELECTS.store(0, SeqCst);
    }

    /// `SELECT`s run since the last reset.
    pub fn selects(&self) -> u64 {
        SELECTS.load(SeqCst)
    }
}

/// An in-memory SQLite database. One connection: an in-memory database lives
/// in its connection.
pub async fn sqlite() -> TestDb<Sqlite> {
    install();
    let lock = ONE_DATABASE_AT_A_TIME.lock().await;
    let options = "sqlite::memory:".parse::<SqliteConnectOptions>().unwrap();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await
        .expect("an in-memory SQLite database");
    TestDb {
        pool,
        schema: None,
        _lock: lock,
    }
}

/// A fresh schema of the PostgreSQL database at `UNOKIT_TEST_POSTGRES_URL`, or
/// `None` (after saying so) when the variable is not set.
#[cfg(feature = "postgres")]
pub async fn postgres(test: &str) -> Option<TestDb<unokit::db::sqlx::Postgres>> {
    use unokit::db::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    let Ok(url) = std::env::var("UNOKIT_TEST_POSTGRES_URL") else {
        println!("skipped {test} on PostgreSQL: UNOKIT_TEST_POSTGRES_URL is not set");
        return None;
    };
    install();
    let lock = ONE_DATABASE_AT_A_TIME.lock().await;
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let schema = format!(
        "unokit_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, SeqCst)
    );
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("PostgreSQL is reachable");
    unokit::db::sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let options = url.parse::<PgConnectOptions>().unwrap().options([
        ("search_path", schema.as_str()),
        ("synchronous_commit", "off"),
    ]);
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .unwrap();
    Some(TestDb {
        pool,
        schema: Some(schema),
        _lock: lock,
    })
}

impl<DB: Engine> TestDb<DB> {
    /// Drops the test's PostgreSQL schema; nothing for SQLite.
    pub async fn finish(self)
    where
        for<'c> &'c mut DB::Connection: unokit::db::sqlx::Executor<'c, Database = DB>,
    {
        if let Some(schema) = &self.schema {
            unokit::db::sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&self.pool)
                .await
                .unwrap();
        }
        self.pool.close().await;
    }
}
