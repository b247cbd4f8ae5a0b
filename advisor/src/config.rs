//! PostgreSQL configuration advice: pgtune's settings next to the server's
//! current values, the application's pools against `max_connections`, timeouts,
//! and live checks from the statistics views.

use serde::Serialize;
use sqlx::Row;
use sqlx::postgres::PgPool;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::tune::{Machine, Storage, WorkloadType, format_kb, pgtune};

/// What the advice is computed for; `None` fields are read from the machine the
/// advisor runs on (right when it runs on the database server).
#[derive(Debug, Clone, Default)]
pub struct ConfigInput {
    /// Memory for PostgreSQL in kB.
    pub memory_kb: Option<u64>,
    /// CPU cores.
    pub cpus: Option<u32>,
    /// Storage type (default SSD).
    pub storage: Option<Storage>,
    /// Workload type (default web).
    pub workload: Option<WorkloadType>,
    /// The application's connection pool sizes (one per process or service).
    pub pools: Vec<u32>,
}

/// One setting: current value, recommendation and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingAdvice {
    /// The setting.
    pub name: String,
    /// The server's value now (memory in pgtune's units), if the server has it.
    pub current: Option<String>,
    /// The recommended value.
    pub recommended: String,
    /// Whether the current value differs from the recommendation.
    pub differs: bool,
    /// Why.
    pub reason: String,
    /// `pgtune` for pgtune's formulas, `advisor` for the advisor's own checks.
    pub source: &'static str,
}

/// One live check read from the statistics views.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveCheck {
    /// The check: `cache hit ratio`, `temp files`, `sequential scans`, `unused index`.
    pub check: &'static str,
    /// What it is about (the database, a table, an index).
    pub subject: String,
    /// The measured value.
    pub value: String,
    /// Whether it needs attention.
    pub attention: bool,
    /// What it means and what to do.
    pub advice: String,
}

/// The configuration report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigAdvice {
    /// The inputs pgtune used.
    pub machine: Machine,
    /// Where memory and cores came from.
    pub machine_source: String,
    /// Settings, those that differ first.
    pub settings: Vec<SettingAdvice>,
    /// Live checks, those that need attention first.
    pub live: Vec<LiveCheck>,
}

fn reason(name: &str) -> &'static str {
    match name {
        "max_connections" => {
            "each connection is a process with its own memory; pgtune sizes work_mem by this count"
        }
        "shared_buffers" => {
            "PostgreSQL's own page cache: a quarter of memory, the rest left to the OS cache"
        }
        "effective_cache_size" => {
            "tells the planner how much of the data the OS and PostgreSQL cache together, so it prices index scans right"
        }
        "maintenance_work_mem" => {
            "memory for VACUUM, CREATE INDEX and ALTER TABLE: faster maintenance"
        }
        "checkpoint_completion_target" => {
            "spreads checkpoint writes over the interval instead of a burst"
        }
        "wal_buffers" => {
            "WAL kept in memory before it is written: 3% of shared_buffers up to one 16MB segment"
        }
        "default_statistics_target" => {
            "sample size of ANALYZE: better estimates for analytic queries"
        }
        "random_page_cost" => {
            "a random read on SSD/NVMe/SAN costs about a sequential one: the planner then uses indexes where they help"
        }
        "effective_io_concurrency" => {
            "how many reads the storage serves at once (bitmap heap scans prefetch this many)"
        }
        "work_mem" => {
            "memory per sort or hash before it spills to disk: (RAM − shared_buffers) / ((connections + workers) × 3), since a query may run several at once"
        }
        "huge_pages" => "large shared_buffers map with fewer page-table entries",
        "min_wal_size" | "max_wal_size" => {
            "WAL kept between checkpoints: fewer forced checkpoints under write bursts"
        }
        "max_worker_processes" | "max_parallel_workers" => {
            "background and parallel workers: one per core"
        }
        "max_parallel_workers_per_gather" => {
            "workers one query may use: half the cores, at most 4 outside analytics"
        }
        "max_parallel_maintenance_workers" => "workers for CREATE INDEX and VACUUM",
        "wal_level" | "max_wal_senders" => "a desktop needs no replication: less WAL written",
        "jit" => {
            "JIT compilation pays off for long analytic queries; for short OLTP/web queries it adds planning time and CPU spikes"
        }
        "wal_compression" => "compresses full-page images in WAL: less WAL I/O for a little CPU",
        "autovacuum_max_workers" => "more cores can vacuum more tables at once",
        "autovacuum_work_mem" => {
            "caps each autovacuum worker's memory when maintenance_work_mem is large"
        }
        _ => "",
    }
}

/// Advice on the server's configuration (PostgreSQL only; SQLite has none).
///
/// ```no_run
/// # async fn f() -> unokit_advisor::Result<()> {
/// use std::time::Duration;
/// use unokit_advisor::{advise_config, ConfigInput, Database};
/// let db = Database::connect("postgres://postgres@127.0.0.1/app", Duration::from_secs(5)).await?;
/// let advice = advise_config(&db, &ConfigInput { pools: vec![20, 20], ..ConfigInput::default() }).await?;
/// for s in advice.settings.iter().filter(|s| s.differs) {
///     println!("{} = {} (now {:?}): {}", s.name, s.recommended, s.current, s.reason);
/// }
/// # Ok(()) }
/// ```
pub async fn advise_config(db: &Database, input: &ConfigInput) -> Result<ConfigAdvice> {
    let Database::Postgres(pool) = db else {
        return Err(Error::Statement {
            statement: "configuration advice".into(),
            reason: "only PostgreSQL has server settings to advise on".into(),
        });
    };
    let q = "SELECT current_setting('server_version_num')::int";
    let version: i32 = sqlx::query_scalar(q)
        .fetch_one(pool)
        .await
        .map_err(|e| Error::statement(q, e))?;
    let mut source = Vec::new();
    let memory_kb = match input.memory_kb {
        Some(m) => m,
        None => {
            source.push("memory read from this machine's /proc/meminfo");
            local_memory_kb()?
        }
    };
    let cpus = match input.cpus {
        Some(c) => Some(c),
        None => {
            source.push("cores counted on this machine");
            std::thread::available_parallelism()
                .ok()
                .map(|n| n.get() as u32)
        }
    };
    let pools: u32 = input.pools.iter().sum();
    let machine = Machine {
        version: (version / 10000) as u32,
        memory_kb,
        cpus,
        connections: (pools > 0).then_some(pools),
        storage: input.storage.unwrap_or(Storage::Ssd),
        workload: input.workload.unwrap_or(WorkloadType::Web),
    };
    let current = current_settings(pool).await?;
    let mut settings = Vec::new();
    for s in pgtune(&machine) {
        let now = current.iter().find(|(n, _, _)| n == s.name);
        let (shown, differs) = match (now, s.kb) {
            (Some((_, _, Some(kb))), Some(want)) => (Some(format_kb(*kb)), *kb != want),
            (Some((_, v, _)), _) => (Some(v.clone()), !same_value(v, &s.value)),
            (None, _) => (None, true),
        };
        settings.push(SettingAdvice {
            name: s.name.to_owned(),
            current: shown,
            recommended: s.value,
            differs,
            reason: reason(s.name).to_owned(),
            source: "pgtune",
        });
    }
    settings.extend(own_checks(&current, &machine, pools));
    settings.sort_by_key(|s| !s.differs);
    let mut live = live_checks(pool).await?;
    live.sort_by_key(|l| !l.attention);
    Ok(ConfigAdvice {
        machine,
        machine_source: if source.is_empty() {
            "as given".into()
        } else {
            source.join("; ")
        },
        settings,
        live,
    })
}

fn same_value(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() < 1e-9,
        _ => a.eq_ignore_ascii_case(b),
    }
}

fn local_memory_kb() -> Result<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").map_err(|e| Error::Io {
        path: "/proc/meminfo".into(),
        reason: format!("{e}; give the server's memory instead"),
    })?;
    text.lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| Error::Io {
            path: "/proc/meminfo".into(),
            reason: "no MemTotal line; give the server's memory instead".into(),
        })
}

/// (name, setting as text, value in kB for memory settings).
async fn current_settings(pool: &PgPool) -> Result<Vec<(String, String, Option<u64>)>> {
    let q = "SELECT name, setting, coalesce(unit, '') FROM pg_settings";
    let rows = sqlx::query(q)
        .fetch_all(pool)
        .await
        .map_err(|e| Error::statement(q, e))?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (name, setting, unit): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            let factor = match unit.as_str() {
                "kB" => Some(1),
                "8kB" => Some(8),
                "MB" => Some(1024),
                _ => None,
            };
            let kb = factor.and_then(|f| {
                setting
                    .parse::<i64>()
                    .ok()
                    .filter(|v| *v >= 0)
                    .map(|v| v as u64 * f)
            });
            let shown = if unit == "ms" || unit == "s" {
                format!("{setting}{unit}")
            } else {
                setting
            };
            (name, shown, kb)
        })
        .collect())
}

fn own_checks(
    current: &[(String, String, Option<u64>)],
    m: &Machine,
    pools: u32,
) -> Vec<SettingAdvice> {
    let get = |n: &str| {
        current
            .iter()
            .find(|(k, _, _)| k == n)
            .map(|(_, v, _)| v.clone())
    };
    let mut out = Vec::new();
    let max_conn: u32 = get("max_connections")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let reserved: u32 = get("superuser_reserved_connections")
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    if pools > 0 {
        let need = pools + reserved;
        let (differs, reason) = if max_conn < need {
            (
                true,
                format!(
                    "the pools open up to {pools} connections and {reserved} are reserved for superusers: with {max_conn} the last pool connections are refused"
                ),
            )
        } else if max_conn > need * 4 {
            (
                true,
                format!(
                    "{max_conn} allowed for pools of {pools}: idle headroom costs memory and pgtune divides work_mem by the connection count; keep it near the pools' sum"
                ),
            )
        } else {
            (
                false,
                format!("the pools' {pools} connections plus {reserved} reserved fit"),
            )
        };
        out.push(SettingAdvice {
            name: "max_connections (vs pools)".into(),
            current: Some(max_conn.to_string()),
            recommended: need.to_string(),
            differs,
            reason,
            source: "advisor",
        });
    }
    if matches!(
        m.workload,
        WorkloadType::Web | WorkloadType::Oltp | WorkloadType::Mixed
    ) {
        for (name, want, why) in [
            (
                "statement_timeout",
                "30s",
                "without a timeout a runaway query holds its connection, locks and memory until someone kills it; set it per role or database (longer for batch roles)",
            ),
            (
                "idle_in_transaction_session_timeout",
                "60s",
                "a session idle inside a transaction holds locks and blocks VACUUM from cleaning rows",
            ),
        ] {
            let now = get(name);
            let unset = now.as_deref().is_none_or(|v| v.starts_with('0'));
            out.push(SettingAdvice {
                name: name.into(),
                current: now,
                recommended: want.into(),
                differs: unset,
                reason: why.into(),
                source: "advisor",
            });
        }
    }
    out
}

async fn live_checks(pool: &PgPool) -> Result<Vec<LiveCheck>> {
    let mut out = Vec::new();
    let q = "SELECT coalesce(blks_hit, 0)::float8, coalesce(blks_read, 0)::float8, coalesce(temp_files, 0)::int8, coalesce(temp_bytes, 0)::int8 \
             FROM pg_stat_database WHERE datname = current_database()";
    let r = sqlx::query(q)
        .fetch_one(pool)
        .await
        .map_err(|e| Error::statement(q, e))?;
    let (hit, read, temp_files, temp_bytes): (f64, f64, i64, i64) =
        (r.get(0), r.get(1), r.get(2), r.get(3));
    if hit + read > 0.0 {
        let ratio = hit / (hit + read);
        out.push(LiveCheck {
            check: "cache hit ratio",
            subject: "this database".into(),
            value: format!("{:.2}%", ratio * 100.0),
            attention: ratio < 0.99 && read > 10_000.0,
            advice: "below 99% on an OLTP database the working set does not fit in shared_buffers plus the OS cache: more memory, or fewer rows read (indexes)".into(),
        });
    }
    out.push(LiveCheck {
        check: "temp files",
        subject: "this database".into(),
        value: format!("{temp_files} files, {}", format_kb(temp_bytes.max(0) as u64 / 1024)),
        attention: temp_bytes > 0,
        advice: "sorts and hashes that did not fit in work_mem wrote these: find them with EXPLAIN (ANALYZE) and raise work_mem for them or index the sort".into(),
    });
    let q = "SELECT schemaname || '.' || relname, seq_scan, coalesce(idx_scan, 0), n_live_tup, seq_tup_read \
             FROM pg_stat_user_tables WHERE seq_scan > 50 AND n_live_tup >= 1000 AND seq_scan > coalesce(idx_scan, 0) \
             ORDER BY seq_tup_read DESC LIMIT 20";
    for r in sqlx::query(q)
        .fetch_all(pool)
        .await
        .map_err(|e| Error::statement(q, e))?
    {
        let (name, seq, idx, live, read): (String, i64, i64, i64, i64) =
            (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        out.push(LiveCheck {
            check: "sequential scans",
            subject: name,
            value: format!("{seq} seq scans ({read} rows read) vs {idx} index scans, {live} rows"),
            attention: true,
            advice: "a large table read mostly by full scans: run the advisor with the workload that touches it to find the missing index".into(),
        });
    }
    let q = "SELECT s.schemaname || '.' || s.indexrelname, s.schemaname || '.' || s.relname, pg_relation_size(s.indexrelid) \
             FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid \
             WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid) \
             ORDER BY pg_relation_size(s.indexrelid) DESC LIMIT 20";
    for r in sqlx::query(q)
        .fetch_all(pool)
        .await
        .map_err(|e| Error::statement(q, e))?
    {
        let (index, table, size): (String, String, i64) = (r.get(0), r.get(1), r.get(2));
        out.push(LiveCheck {
            check: "unused index",
            subject: index,
            value: format!("0 scans since statistics were reset, {} on {table}", format_kb(size.max(0) as u64 / 1024)),
            attention: true,
            advice: "every write to the table updates it and it takes cache space; drop it if no rarely-run job (or replica) needs it".into(),
        });
    }
    Ok(out)
}
