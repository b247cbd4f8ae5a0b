//! The advisor's whole run as one report: findings, index suggestions and (on
//! PostgreSQL) configuration advice, rendered for a terminal, as JSON or as HTML.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use crate::config::{ConfigAdvice, ConfigInput, advise_config};
use crate::db::{Database, Engine};
use crate::error::{Result, redact};
use crate::explain::{ExplainOptions, explain_with};
use crate::foreign_keys::unindexed_foreign_keys;
use crate::plan::Finding;
use crate::suggest::{SuggestOptions, Suggestions, suggest_indexes};
use crate::workload::WorkloadStatement;

/// What a report covers and how.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// How statements are explained.
    pub explain: ExplainOptions,
    /// How index candidates are verified.
    pub suggest: SuggestOptions,
    /// Inputs of the configuration advice (PostgreSQL).
    pub config: ConfigInput,
}

/// A statement of the workload the database could not plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// Its line in the workload file (0 when built in code).
    pub line: usize,
    /// The statement.
    pub statement: String,
    /// The database's message.
    pub reason: String,
}

/// The advisor's report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The database, password hidden.
    pub database: String,
    /// Its engine.
    pub engine: Engine,
    /// Statements in the workload (after merging repeats).
    pub statements: usize,
    /// Plan findings over the workload, by kind.
    pub findings: Vec<Finding>,
    /// Verified index suggestions.
    pub indexes: Option<Suggestions>,
    /// Configuration advice (PostgreSQL).
    pub config: Option<ConfigAdvice>,
    /// Statements that could not be planned.
    pub skipped: Vec<Skipped>,
    /// How long the run took, in milliseconds.
    pub elapsed_ms: u128,
}

/// Repeats of one SQL text become one statement whose count is the sum, keeping
/// the first one's binds: a recorded workload repeats its shapes.
///
/// ```
/// use unokit_advisor::{merge_repeats, WorkloadStatement};
/// let w = merge_repeats(&[WorkloadStatement::new("SELECT 1"), WorkloadStatement::new("SELECT 1")]);
/// assert_eq!((w.len(), w[0].count), (1, 2));
/// ```
pub fn merge_repeats(workload: &[WorkloadStatement]) -> Vec<WorkloadStatement> {
    let mut out: Vec<WorkloadStatement> = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for w in workload {
        match seen.get(w.sql.as_str()) {
            Some(&i) => out[i].count += w.count,
            None => {
                seen.insert(&w.sql, out.len());
                out.push(w.clone());
            }
        }
    }
    out
}

/// Runs everything on `db` over `workload` and gathers the report. Statements
/// the database cannot plan are listed as skipped, with their line.
///
/// ```no_run
/// # async fn f() -> unokit_advisor::Result<()> {
/// use std::time::Duration;
/// use unokit_advisor::{build_report, read_workload, Database, ReportOptions};
/// let url = "sqlite://app.db";
/// let db = Database::connect(url, Duration::from_secs(5)).await?;
/// let workload = read_workload(std::path::Path::new("workload.jsonl"))?;
/// let report = build_report(&db, url, &workload, &ReportOptions::default()).await?;
/// print!("{}", report.to_text());
/// # Ok(()) }
/// ```
pub async fn build_report(
    db: &Database,
    url: &str,
    workload: &[WorkloadStatement],
    options: &ReportOptions,
) -> Result<Report> {
    build_report_with_progress(db, url, workload, options, &|_| {}).await
}

/// Where [`build_report_with_progress`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// `done` of `total` statements planned.
    Planned {
        /// Statements planned so far.
        done: usize,
        /// Statements in all (after merging repeats).
        total: usize,
    },
    /// Index candidates are being tried.
    Verifying,
    /// Configuration advice is being read.
    Configuration,
}

/// [`build_report`], telling `progress` how far it is (for a progress bar).
///
/// ```no_run
/// # async fn f(db: unokit_advisor::Database, w: Vec<unokit_advisor::WorkloadStatement>) -> unokit_advisor::Result<()> {
/// use unokit_advisor::{build_report_with_progress, Progress, ReportOptions};
/// let report = build_report_with_progress(&db, "sqlite://app.db", &w, &ReportOptions::default(), &|p| {
///     if let Progress::Planned { done, total } = p {
///         println!("{done}/{total}");
///     }
/// })
/// .await?;
/// # Ok(()) }
/// ```
pub async fn build_report_with_progress(
    db: &Database,
    url: &str,
    workload: &[WorkloadStatement],
    options: &ReportOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Report> {
    let start = Instant::now();
    let workload = merge_repeats(workload);
    let columns = db.columns().await?;
    let mut sizes = BTreeMap::new();
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    let mut plannable = Vec::new();
    for (i, w) in workload.iter().enumerate() {
        progress(Progress::Planned {
            done: i,
            total: workload.len(),
        });
        match explain_with(db, &w.sql, &w.binds, &options.explain, &columns, &mut sizes).await {
            Ok(e) => {
                findings.extend(e.findings);
                plannable.push(w.clone());
            }
            Err(e) => skipped.push(Skipped {
                line: w.line,
                statement: w.sql.clone(),
                reason: e.to_string(),
            }),
        }
    }
    findings.extend(unindexed_foreign_keys(db).await?);
    findings.sort_by_key(|f| f.kind);
    progress(Progress::Verifying);
    let indexes = if plannable.is_empty() {
        None
    } else {
        Some(suggest_indexes(db, &plannable, &options.suggest).await?)
    };
    progress(Progress::Configuration);
    let config = match db.engine() {
        Engine::Postgres => Some(advise_config(db, &options.config).await?),
        Engine::Sqlite => None,
    };
    Ok(Report {
        database: redact(url),
        engine: db.engine(),
        statements: workload.len(),
        findings,
        indexes,
        config,
        skipped,
        elapsed_ms: start.elapsed().as_millis(),
    })
}

/// Left-aligned columns, each as wide as its widest cell (at most `max`).
fn table(rows: &[Vec<String>], max: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count().min(max))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        out.push_str("  ");
        for (c, cell) in r.iter().enumerate() {
            let cell: String = if cell.chars().count() > max {
                cell.chars().take(max - 1).chain(['…']).collect()
            } else {
                cell.clone()
            };
            if c + 1 == r.len() {
                out.push_str(&cell);
            } else {
                out.push_str(&format!("{cell:<w$}  ", w = widths[c]));
            }
        }
        out.push('\n');
    }
    out
}

impl Report {
    /// The report as JSON.
    ///
    /// ```
    /// let r = unokit_advisor::Report { database: "sqlite://a.db".into(), engine: unokit_advisor::Engine::Sqlite, statements: 0,
    ///     findings: vec![], indexes: None, config: None, skipped: vec![], elapsed_ms: 1 };
    /// assert!(r.to_json().contains("\"engine\": \"sqlite\""));
    /// assert!(r.to_text().contains("FINDINGS (0)"));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report serialises")
    }

    /// The report for a terminal: findings first, then index suggestions, then
    /// configuration advice and live checks, then skipped statements.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "unokit-advisor report: {} ({}), {} statements, {} ms\n",
            self.database, self.engine, self.statements, self.elapsed_ms
        );
        out.push_str(&format!("\nFINDINGS ({})\n", self.findings.len()));
        if self.findings.is_empty() {
            out.push_str("  none\n");
        }
        for f in &self.findings {
            out.push_str(&format!(
                "  * {}: {}{}\n    in: {}\n    plan step: {}\n    why: {}\n",
                f.kind.label(),
                f.table.as_deref().unwrap_or("-"),
                if f.columns.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", f.columns.join(", "))
                },
                f.statement,
                f.step,
                f.why
            ));
        }
        match &self.indexes {
            Some(s) => {
                out.push_str(&format!(
                    "\nINDEX SUGGESTIONS ({}, of {} candidates; verified by the {})\n",
                    s.suggestions.len(),
                    s.candidates_tried,
                    s.method
                ));
                if s.suggestions.is_empty() {
                    out.push_str("  none: no candidate made a statement cheaper\n");
                }
                for (create, reason) in &s.failed_candidates {
                    out.push_str(&format!("  (not tried: {create} refused: {reason})\n"));
                }
                for (i, x) in s.suggestions.iter().enumerate() {
                    out.push_str(&format!(
                        "  {}. {}   (saving {:.1})\n",
                        i + 1,
                        x.create,
                        x.saving
                    ));
                    let rows: Vec<Vec<String>> = x
                        .improves
                        .iter()
                        .map(|m| {
                            vec![
                                format!("   cost {:.1} -> {:.1}", m.before, m.after),
                                format!("x{}", m.count),
                                m.statement.clone(),
                            ]
                        })
                        .collect();
                    out.push_str(&table(&rows, 100));
                }
            }
            None => out.push_str(
                "\nINDEX SUGGESTIONS\n  none: give a workload (--workload FILE) to get them\n",
            ),
        }
        if let Some(c) = &self.config {
            let m = &c.machine;
            out.push_str(&format!(
                "\nCONFIGURATION (PostgreSQL {}, {} memory, {} cores, {} storage, {} workload; {})\n",
                m.version,
                crate::tune::format_kb(m.memory_kb),
                m.cpus.map_or("?".into(), |c| c.to_string()),
                m.storage,
                m.workload,
                c.machine_source
            ));
            let mut rows = vec![vec![
                "".into(),
                "setting".into(),
                "current".into(),
                "advice".into(),
                "why".into(),
            ]];
            for s in &c.settings {
                rows.push(vec![
                    if s.differs { "!".into() } else { " ".into() },
                    s.name.clone(),
                    s.current.clone().unwrap_or_else(|| "-".into()),
                    s.recommended.clone(),
                    format!("[{}] {}", s.source, s.reason),
                ]);
            }
            out.push_str(&table(&rows, 60));
            out.push_str("\nLIVE CHECKS\n");
            let mut rows = Vec::new();
            for l in &c.live {
                rows.push(vec![
                    if l.attention { "!".into() } else { " ".into() },
                    l.check.to_owned(),
                    l.subject.clone(),
                    l.value.clone(),
                    l.advice.clone(),
                ]);
            }
            out.push_str(&table(&rows, 70));
        }
        if !self.skipped.is_empty() {
            out.push_str(&format!("\nSKIPPED STATEMENTS ({})\n", self.skipped.len()));
            for s in &self.skipped {
                out.push_str(&format!("  line {}: {}\n", s.line, s.reason));
            }
        }
        out
    }
}
