//! Interleaved reads and writes through a `QueryCache`: a writer outside
//! unokit's pool writes 1, 2, 3… into one row; readers read it through the
//! cache. Once write `i`'s invalidation has arrived, no read that starts later
//! may return less than `i`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use unokit::cache::CacheConfig;
use unokit::db::query::Filter;
use unokit::db::sqlx::{self, Database, Executor, IntoArguments, Pool};
use unokit::db::{Changes, Column, Engine, ModelRow, QueryCache, Session};

/// What a run found.
pub struct Report {
    pub reads: usize,
    pub writes: usize,
    pub stale: usize,
    pub hits: usize,
    pub p99: Duration,
    pub max: Duration,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} reads ({} from the cache), {} writes, {} stale; invalidation delay p99 {:?}, max {:?}",
            self.reads, self.hits, self.writes, self.stale, self.p99, self.max
        )
    }
}

/// The row the writer writes, as a model.
#[derive(unokit::Model, Clone, Debug, PartialEq)]
#[model(table = "posts")]
pub struct Row {
    #[model(primary_key)]
    pub id: i64,
    pub title: String,
}

#[derive(unokit::Filter, Clone, PartialEq, Eq, Hash)]
#[filter(model = Row)]
pub struct ById {
    id: Option<i64>,
}

/// The one cached query, each read through a session of its own (a request).
struct Cache<DB: Database> {
    pool: Pool<DB>,
    cache: QueryCache,
}

impl<DB: Engine> Cache<DB>
where
    Row: ModelRow<DB>,
    ById: Filter<DB, Model = Row>,
    i64: Column<DB>,
{
    /// The title, and whether the cache served it.
    async fn read(&self) -> (i64, bool) {
        let hits = self.cache.hits();
        let rows = Session::new(self.pool.clone())
            .query::<Row>()
            .filter(&ById { id: Some(1) })
            .cached(&self.cache)
            .await
            .unwrap();
        // Another reader's hit may count too: a figure, not a check.
        (rows[0].title.parse().unwrap(), self.cache.hits() > hits)
    }
}

/// Runs `writes` writes through `writer` and at least `reads` reads from 4
/// readers; after write `kill_at`, kills the watcher's PostgreSQL listener.
pub async fn run<DB: Engine>(
    pool: &Pool<DB>,
    mut writer: DB::Connection,
    changes: &Changes,
    writes: i64,
    reads: usize,
    kill_at: Option<i64>,
) -> Report
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Row: ModelRow<DB>,
    ById: Filter<DB, Model = Row>,
    i64: Column<DB>,
{
    let mut update = String::from("UPDATE posts SET title = ");
    DB::push_placeholder(&mut update, 1);
    update.push_str(" WHERE id = 1");
    sqlx::query(&update)
        .bind("0".to_owned())
        .execute(&mut writer)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let cache = Arc::new(Cache {
        pool: pool.clone(),
        cache: QueryCache::new(changes, CacheConfig::new().with_capacity(100)),
    });
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (cache, done) = (Arc::clone(&cache), Arc::clone(&done));
            tokio::spawn(async move {
                let mut seen = Vec::new();
                while !done.load(std::sync::atomic::Ordering::Acquire) || seen.len() < reads / 4 {
                    let started = Instant::now();
                    let (value, hit) = cache.read().await;
                    seen.push((started, value, hit));
                    // A request rate, not a spin: spinning readers would
                    // starve the watcher and measure the machine instead.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                seen
            })
        })
        .collect();
    // When each write's invalidation had arrived.
    let mut arrived = Vec::new();
    let mut delays = Vec::new();
    for value in 1..=writes {
        let stamp = changes.stamp(&["posts"]);
        sqlx::query(&update)
            .bind(value.to_string())
            .execute(&mut writer)
            .await
            .unwrap();
        let returned = Instant::now();
        while stamp.is_current() {
            assert!(
                returned.elapsed() < Duration::from_secs(5),
                "write {value} was never invalidated"
            );
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        arrived.push(Instant::now());
        delays.push(returned.elapsed());
        if kill_at == Some(value) {
            sqlx::query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                 WHERE application_name = 'unokit-changes' AND pid <> pg_backend_pid()",
            )
            .execute(&mut writer)
            .await
            .unwrap();
        }
    }
    done.store(true, std::sync::atomic::Ordering::Release);
    let mut report = Report {
        reads: 0,
        writes: usize::try_from(writes).unwrap(),
        stale: 0,
        hits: 0,
        p99: Duration::ZERO,
        max: Duration::ZERO,
    };
    for reader in readers {
        for (started, value, hit) in reader.await.unwrap() {
            // The writes whose invalidation arrived before this read started.
            let required = arrived.partition_point(|&at| at < started);
            report.reads += 1;
            report.hits += usize::from(hit);
            if value < i64::try_from(required).unwrap() {
                report.stale += 1;
            }
        }
    }
    delays.sort();
    report.p99 = delays[delays.len() * 99 / 100];
    report.max = *delays.last().unwrap();
    report
}
