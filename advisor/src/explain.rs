//! `explain`: a statement's plan and the findings read from it.

use std::collections::BTreeMap;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::plan::{Finding, FindingKind, Plan, PlanNode};
use crate::shape::{Columns, Shape, TableUse, shape};
use crate::sqlite_plan::search_terms;
use crate::{Bind, pg_plan, sqlite_plan};

/// How [`explain`] plans.
#[derive(Debug, Clone)]
pub struct ExplainOptions {
    /// PostgreSQL: run the statement (`EXPLAIN ANALYZE`) inside a transaction that
    /// is always rolled back, to learn actual row counts and where sorts ran.
    pub analyze: bool,
    /// A table with at least this many rows is large: a full scan of it under a
    /// filter is a finding.
    pub large_table_rows: u64,
    /// A row estimate off by at least this factor (and by 100 rows) is a finding.
    pub misestimate_factor: f64,
    /// PostgreSQL: statement and lock timeout while planning (and with `analyze`
    /// running) one statement, in milliseconds.
    pub statement_timeout_ms: u64,
}

impl Default for ExplainOptions {
    fn default() -> Self {
        ExplainOptions {
            analyze: false,
            large_table_rows: 1000,
            misestimate_factor: 10.0,
            statement_timeout_ms: 30_000,
        }
    }
}

/// A plan with its findings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Explained {
    /// The plan.
    pub plan: Plan,
    /// What is wrong with it, most costly kinds first.
    pub findings: Vec<Finding>,
    /// The columns the statement filters, joins and sorts on.
    pub shape: Shape,
}

/// Plans `statement` with sample `binds` and reads findings from the plan.
///
/// Nothing is written: SQLite is opened read-only, and on PostgreSQL the statement
/// is planned (and with `analyze` run) inside a transaction that is rolled back.
///
/// ```no_run
/// # async fn f() -> unokit_advisor::Result<()> {
/// use std::time::Duration;
/// use unokit_advisor::{explain, Database, ExplainOptions, FindingKind};
/// let db = Database::connect("sqlite://app.db", Duration::from_secs(5)).await?;
/// let e = explain(&db, "SELECT * FROM orders WHERE status = ?", &["paid".into()], &ExplainOptions::default()).await?;
/// for f in &e.findings {
///     println!("{}: {} ({})", f.kind.label(), f.step, f.why);
/// }
/// # Ok(()) }
/// ```
pub async fn explain(
    db: &Database,
    statement: &str,
    binds: &[Bind],
    options: &ExplainOptions,
) -> Result<Explained> {
    let columns = db.columns().await?;
    explain_with(
        db,
        statement,
        binds,
        options,
        &columns,
        &mut BTreeMap::new(),
    )
    .await
}

pub(crate) async fn explain_with(
    db: &Database,
    statement: &str,
    binds: &[Bind],
    options: &ExplainOptions,
    columns: &Columns,
    sizes: &mut BTreeMap<String, u64>,
) -> Result<Explained> {
    let plan = match db {
        Database::Sqlite(pool) => {
            let mut conn = pool
                .acquire()
                .await
                .map_err(|e| Error::statement(statement, e))?;
            sqlite_plan::plan(&mut conn, statement, binds).await?
        }
        Database::Postgres(pool) => {
            let mut tx = pool
                .begin()
                .await
                .map_err(|e| Error::statement(statement, e))?;
            // With ANALYZE the statement runs: the timeout bounds it (and its
            // lock waits), like every other step on the server.
            let ms = options.statement_timeout_ms;
            pg_plan::exec(
                &mut tx,
                &format!("SET LOCAL statement_timeout = {ms}; SET LOCAL lock_timeout = {ms}"),
            )
            .await?;
            let plan =
                pg_plan::plan_in_transaction(&mut tx, statement, binds, options.analyze).await;
            tx.rollback()
                .await
                .map_err(|e| Error::statement("ROLLBACK", e))?;
            plan?
        }
    };
    let shape = shape(statement, columns);
    for t in &shape.tables {
        if !sizes.contains_key(&t.table) && columns.contains_key(&t.table) {
            let n = db.row_count(&t.table, options.large_table_rows).await?;
            sizes.insert(t.table.clone(), n);
        }
    }
    let findings = findings(&plan, &shape, sizes, options);
    Ok(Explained {
        plan,
        findings,
        shape,
    })
}

/// The findings of `plan`, given the statement's shape and the row counts of its
/// tables.
pub(crate) fn findings(
    plan: &Plan,
    shape: &Shape,
    sizes: &BTreeMap<String, u64>,
    options: &ExplainOptions,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let large = |table: &str| {
        sizes
            .get(table)
            .is_some_and(|n| *n >= options.large_table_rows)
    };
    let finding =
        |kind, table: Option<String>, columns: Vec<String>, n: &PlanNode, why: String| Finding {
            kind,
            statement: plan.statement.clone(),
            table,
            columns,
            step: n.detail.clone(),
            why,
        };
    let sort_columns = || {
        shape
            .tables
            .iter()
            .find(|t| !t.order_by.is_empty() || !t.group_by.is_empty())
            .map(|t| {
                let cols = if t.order_by.is_empty() {
                    &t.group_by
                } else {
                    &t.order_by
                };
                (Some(t.table.clone()), cols.clone())
            })
            .unwrap_or((None, Vec::new()))
    };
    // SQLite runs joins as nested loops in the order of the top-level lines.
    let mut loops_before = 0;
    for n in plan.walk() {
        let used = n.table.as_deref().and_then(|t| shape.by_name(t));
        let real = used.map(|u| u.table.clone()).or_else(|| n.table.clone());
        match n.operation.as_str() {
            "SCAN" | "SEARCH" => {
                let scan = n.operation == "SCAN" && n.index.is_none();
                if scan {
                    if let Some(u) = used.filter(|u| u.is_filtered() && large(&u.table)) {
                        out.push(finding(
                            FindingKind::FullScan,
                            real.clone(),
                            u.equality.iter().chain(&u.range).cloned().collect(),
                            n,
                            format!(
                                "every row of {} ({}+ rows) is read to keep those the filter wants; an index on the filter columns reads only those",
                                u.table,
                                sizes.get(&u.table).copied().unwrap_or(0)
                            ),
                        ));
                    }
                    if loops_before > 0 && used.is_some() {
                        out.push(finding(
                            FindingKind::NestedLoopScan,
                            real.clone(),
                            used.map(|u| u.joined.clone()).unwrap_or_default(),
                            n,
                            "the inner loop of a join reads the whole table once per outer row: cost grows with the product of the two tables".into(),
                        ));
                    }
                }
                if n.index.as_deref() == Some("AUTOMATIC") {
                    let (eq, range) = search_terms(&n.detail);
                    out.push(finding(
                        FindingKind::AutomaticIndex,
                        real.clone(),
                        eq.into_iter().chain(range).collect(),
                        n,
                        "SQLite builds a transient index on every run of this statement, reading the whole table each time; a permanent index is built once".into(),
                    ));
                }
                if n.table.is_some() {
                    loops_before += 1;
                }
            }
            "USE" if n.detail.contains("TEMP B-TREE") => {
                let (table, cols) = sort_columns();
                out.push(finding(
                    FindingKind::TempSort,
                    table,
                    cols,
                    n,
                    "all matching rows are collected and sorted before the first is returned; an index in this order returns them already sorted".into(),
                ));
            }
            "Seq Scan" => {
                if let (Some(u), Some(_)) = (used, &n.filter)
                    && large(&u.table)
                {
                    out.push(finding(
                            FindingKind::FullScan,
                            real.clone(),
                            u.equality.iter().chain(&u.range).cloned().collect(),
                            n,
                            format!(
                                "every row of {} ({}+ rows) is read to keep those the filter wants; an index on the filter columns reads only those",
                                u.table,
                                sizes.get(&u.table).copied().unwrap_or(0)
                            ),
                        ));
                }
            }
            "Nested Loop" => {
                if let Some(inner) = n.children.get(1) {
                    let inner = through_materialize(inner);
                    if inner.operation == "Seq Scan" {
                        let u = inner.table.as_deref().and_then(|t| shape.by_name(t));
                        out.push(finding(
                            FindingKind::NestedLoopScan,
                            inner.table.clone(),
                            u.map(|u| u.joined.clone()).unwrap_or_default(),
                            n,
                            "the inner side of the nested loop reads the whole table (or its materialised copy) once per outer row: cost grows with the product of the two inputs".into(),
                        ));
                    }
                }
            }
            "Sort" => {
                let input = n
                    .children
                    .first()
                    .and_then(|c| c.estimated_rows)
                    .unwrap_or(0.0);
                if n.sort_space.as_deref() == Some("Disk") {
                    let (table, cols) = sort_columns();
                    out.push(finding(
                        FindingKind::SortSpill,
                        table,
                        cols,
                        n,
                        "the sort did not fit in work_mem and wrote temporary files: raise work_mem for this query or sort fewer rows (an index in this order avoids the sort)".into(),
                    ));
                }
                if input >= options.large_table_rows as f64 {
                    let (table, cols) = sort_columns();
                    out.push(finding(
                        FindingKind::TempSort,
                        table,
                        cols,
                        n,
                        format!("about {input} rows are sorted before the first is returned; an index in this order returns them already sorted"),
                    ));
                }
            }
            _ => {}
        }
        if let (Some(est), Some(act)) = (n.estimated_rows, n.actual_rows) {
            let (hi, lo) = (est.max(act), est.min(act).max(1.0));
            if hi / lo >= options.misestimate_factor && hi - lo >= 100.0 {
                let u = n.table.as_deref().and_then(|t| shape.by_name(t));
                out.push(finding(
                    FindingKind::RowMisestimate,
                    n.table.clone(),
                    u.map(TableUse::columns).unwrap_or_default(),
                    n,
                    format!("the planner expected {est} rows and got {act}: plans above this step (join methods, memory) were chosen for the wrong size; ANALYZE the table, or CREATE STATISTICS for correlated columns"),
                ));
            }
        }
    }
    out.sort_by_key(|f| f.kind);
    out
}

fn through_materialize(n: &PlanNode) -> &PlanNode {
    match (n.operation.as_str(), n.children.first()) {
        ("Materialize" | "Memoize", Some(c)) => through_materialize(c),
        _ => n,
    }
}
