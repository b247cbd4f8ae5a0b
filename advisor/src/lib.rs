//! Query plan findings, index suggestions that the planner verifies, and
//! PostgreSQL configuration advice, for SQLite and PostgreSQL.
//!
//! The library behind the `unokit-advisor` command. Nothing it does writes to the
//! database under advice: SQLite is opened read-only and indexes are tried on an
//! in-memory copy of the schema; on PostgreSQL every step runs inside a
//! transaction that is rolled back.
//!
//! ```no_run
//! # async fn f() -> unokit_advisor::Result<()> {
//! use std::time::Duration;
//! use unokit_advisor::{explain, Database, ExplainOptions};
//! let db = Database::connect("postgres://postgres@127.0.0.1/app", Duration::from_secs(5)).await?;
//! let e = explain(&db, "SELECT * FROM orders WHERE customer_id = $1", &[42.into()], &ExplainOptions::default()).await?;
//! print!("{}", e.plan.render());
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod config;
mod db;
mod error;
mod explain;
mod foreign_keys;
mod html;
mod pg_plan;
mod plan;
mod report;
pub mod shape;
mod sqlite_plan;
mod suggest;
pub mod tune;
mod workload;

pub use config::{ConfigAdvice, ConfigInput, LiveCheck, SettingAdvice, advise_config};
pub use db::{Database, Engine, ExistingIndex, quote_ident};
pub use error::{Error, Result, redact};
pub use explain::{ExplainOptions, Explained, explain};
pub use foreign_keys::{unindexed_foreign_keys, unindexed_lookups};
pub use plan::{Finding, FindingKind, Plan, PlanNode};
pub use report::{
    Progress, Report, ReportOptions, Skipped, build_report, build_report_with_progress,
    merge_repeats,
};
pub use suggest::{
    Candidate, Improvement, SuggestOptions, Suggestion, Suggestions, candidates, suggest_indexes,
};
pub use workload::{WorkloadStatement, parse_workload, read_workload};

/// A sample value for a statement parameter: JSON null, boolean, number or string.
pub type Bind = serde_json::Value;
