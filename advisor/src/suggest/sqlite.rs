//! SQLite: candidates tried on an in-memory copy of the schema.
//!
//! The copy has no rows; the planner learns the real sizes from `sqlite_stat1`
//! rows computed from the user's (read-only) database and loaded with
//! `ANALYZE sqlite_schema`, as the sqlite3 shell's `.expert` does. SQLite does
//! not report plan costs, so a plan's cost is estimated here from its loops and
//! those statistics (see [`cost`]).

use std::collections::BTreeMap;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool};
use sqlx::{Connection, Row};

use super::{Candidate, Trial};
use crate::db::{ExistingIndex, quote_ident};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::shape::Shape;
use crate::sqlite_plan::{self, search_terms};
use crate::workload::WorkloadStatement;

/// Row count of each table and `sqlite_stat1` stat line of each index.
#[derive(Default)]
struct Stats {
    rows: BTreeMap<String, u64>,
    /// Index name → average rows per distinct key prefix of length 1, 2, …
    per_prefix: BTreeMap<String, Vec<u64>>,
}

pub(super) async fn trial(
    pool: &SqlitePool,
    workload: &[WorkloadStatement],
    shapes: &[Shape],
    candidates: &[Candidate],
    existing: &[ExistingIndex],
) -> Result<Trial> {
    let mut user = pool
        .acquire()
        .await
        .map_err(|e| Error::statement("acquire", e))?;
    let mut copy = SqliteConnection::connect_with(
        &SqliteConnectOptions::from_str("sqlite::memory:").expect("static URL"),
    )
    .await
    .map_err(|e| Error::statement("open in-memory copy", e))?;
    let q = "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' \
             AND type IN ('table', 'index', 'view') ORDER BY type = 'index', rowid";
    let schema: Vec<String> = sqlx::query_scalar(q)
        .fetch_all(&mut *user)
        .await
        .map_err(|e| Error::statement(q, e))?;
    // A schema object the bundled SQLite cannot create (a virtual table of a
    // missing module) is left out: the statements that read it are skipped when
    // they fail to plan, the others are still advised on.
    for sql in &schema {
        let _ = sqlx::raw_sql(sql).execute(&mut copy).await;
    }
    let mut stats = Stats::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut *user)
    .await
    .map_err(|e| Error::statement("list tables", e))?;
    // Only the tables the workload reads need statistics: counting the others
    // would read a large database for nothing.
    let tables: Vec<String> = tables
        .into_iter()
        .filter(|t| {
            shapes
                .iter()
                .any(|s| s.tables.iter().any(|u| &u.table == t))
        })
        .collect();
    for t in &tables {
        let q = format!("SELECT count(*) FROM {}", quote_ident(t));
        let n: i64 = sqlx::query_scalar(&q)
            .fetch_one(&mut *user)
            .await
            .map_err(|e| Error::statement(&q, e))?;
        stats.rows.insert(t.clone(), n as u64);
    }
    run(&mut copy, "ANALYZE; DELETE FROM sqlite_stat1;").await?;
    for t in &tables {
        insert_stat(&mut copy, t, None, &format!("{}", stats.rows[t])).await?;
    }
    for e in existing
        .iter()
        .filter(|e| e.name != "rowid" && tables.contains(&e.table))
    {
        if e.columns.iter().any(String::is_empty) {
            continue;
        }
        let line = stat_line(&mut user, &mut stats, &e.name, &e.table, &e.columns).await?;
        insert_stat(&mut copy, &e.table, Some(&e.name), &line).await?;
    }
    run(&mut copy, "ANALYZE sqlite_schema").await?;

    let mut before = Vec::new();
    let mut skipped = Vec::new();
    for (w, s) in workload.iter().zip(shapes) {
        match sqlite_plan::plan(&mut copy, &w.sql, &w.binds).await {
            Ok(p) => before.push(Some(cost(&p, s, &stats))),
            Err(e) => {
                skipped.push((w.sql.clone(), e.to_string()));
                before.push(None);
            }
        }
    }
    let mut with = vec![BTreeMap::new(); workload.len()];
    let mut failed_candidates = Vec::new();
    for (ci, c) in candidates.iter().enumerate() {
        let name = format!("unokit_advisor_candidate_{ci}");
        let create = format!(
            "CREATE INDEX {} ON {} ({})",
            quote_ident(&name),
            quote_ident(&c.table),
            c.columns
                .iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Err(e) = run(&mut copy, &create).await {
            failed_candidates.push((ci, e.to_string()));
            continue;
        }
        let line = stat_line(&mut user, &mut stats, &name, &c.table, &c.columns).await?;
        insert_stat(&mut copy, &c.table, Some(&name), &line).await?;
        run(&mut copy, "ANALYZE sqlite_schema").await?;
        for (si, (w, s)) in workload.iter().zip(shapes).enumerate() {
            if before[si].is_none() || !s.tables.iter().any(|t| t.table == c.table) {
                continue;
            }
            let p = sqlite_plan::plan(&mut copy, &w.sql, &w.binds).await?;
            if p.uses_index(&name) {
                with[si].insert(ci, cost(&p, s, &stats));
            }
        }
        run(&mut copy, &format!("DROP INDEX {}", quote_ident(&name))).await?;
        sqlx::query("DELETE FROM sqlite_stat1 WHERE idx = ?")
            .bind(&name)
            .execute(&mut copy)
            .await
            .map_err(|e| Error::statement("DELETE FROM sqlite_stat1", e))?;
    }
    Ok(Trial {
        method: "SQLite planner on an in-memory copy of the schema with the database's row counts in sqlite_stat1".into(),
        before,
        with,
        skipped,
        failed_candidates,
    })
}

async fn run(conn: &mut SqliteConnection, sql: &str) -> Result<()> {
    sqlx::raw_sql(sql)
        .execute(conn)
        .await
        .map(drop)
        .map_err(|e| Error::statement(sql, e))
}

async fn insert_stat(
    conn: &mut SqliteConnection,
    table: &str,
    index: Option<&str>,
    stat: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)")
        .bind(table)
        .bind(index)
        .bind(stat)
        .execute(conn)
        .await
        .map(drop)
        .map_err(|e| Error::statement("INSERT INTO sqlite_stat1", e))
}

/// The `sqlite_stat1` line of an index on `columns`: the row count, then for each
/// key prefix the average number of rows sharing one value of it (at least 1).
async fn stat_line(
    user: &mut SqliteConnection,
    stats: &mut Stats,
    name: &str,
    table: &str,
    columns: &[String],
) -> Result<String> {
    let n = stats.rows.get(table).copied().unwrap_or(0);
    let mut per = Vec::new();
    for k in 1..=columns.len() {
        let cols: Vec<String> = columns[..k].iter().map(|c| quote_ident(c)).collect();
        let q = format!(
            "SELECT count(*) FROM (SELECT DISTINCT {} FROM {})",
            cols.join(", "),
            quote_ident(table)
        );
        let row = sqlx::query(&q)
            .fetch_one(&mut *user)
            .await
            .map_err(|e| Error::statement(&q, e))?;
        let distinct: i64 = row.get(0);
        per.push(n.div_ceil(distinct.max(1) as u64).max(1));
    }
    let line = std::iter::once(n)
        .chain(per.iter().copied())
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    stats.per_prefix.insert(name.to_owned(), per);
    Ok(line)
}

/// An estimate of the rows a plan touches, from its loops in order (SQLite runs
/// joins as nested loops): a `SCAN` reads the whole table once per outer row; a
/// `SEARCH` descends the index (log₂ n) and reads the rows sharing the key
/// prefix it constrains (from the index's statistics; a range constraint keeps a
/// quarter, a non-covering index adds a table lookup per row); a temporary
/// B-tree sorts the rows so far (r log₂ r). A filter the index does not apply
/// keeps a tenth of the rows for the loops inside.
fn cost(plan: &Plan, shape: &Shape, stats: &Stats) -> f64 {
    let mut rows = 1.0_f64;
    let mut total = 0.0_f64;
    for n in plan.walk() {
        let table = n.table.as_deref().and_then(|t| shape.by_name(t));
        let size = |t: &str| stats.rows.get(t).copied().unwrap_or(1000).max(1) as f64;
        match n.operation.as_str() {
            "SCAN" => {
                let Some(t) = table else { continue };
                let size = size(&t.table);
                total += rows * size;
                rows *= size * if t.is_filtered() { 0.1 } else { 1.0 };
            }
            "SEARCH" => {
                let Some(t) = table else { continue };
                let size = size(&t.table);
                let (eq, range) = search_terms(&n.detail);
                let index = n.index.as_deref().unwrap_or("");
                let mut per = if index == "rowid" && !eq.is_empty() {
                    1.0
                } else if index == "AUTOMATIC" {
                    total += size * size.log2();
                    (size / 10.0).max(1.0)
                } else {
                    match stats
                        .per_prefix
                        .get(index)
                        .and_then(|p| p.get(eq.len().wrapping_sub(1)))
                    {
                        Some(p) if !eq.is_empty() => *p as f64,
                        _ => size,
                    }
                };
                if !range.is_empty() {
                    per = (per / 4.0).max(1.0);
                }
                let lookup = if n.detail.contains("COVERING") || index == "rowid" {
                    0.0
                } else {
                    size.log2()
                };
                total += rows * (size.log2() + per * (1.0 + lookup));
                let unused_filters = t.equality.len() + t.range.len() > eq.len() + range.len();
                rows *= per * if unused_filters { 0.1 } else { 1.0 };
            }
            "USE" if n.detail.contains("TEMP B-TREE") => {
                total += rows * (rows + 2.0).log2();
            }
            _ => {}
        }
    }
    total
}
