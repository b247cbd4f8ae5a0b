//! A workload: the statements to advise on, each with sample binds.
//!
//! File format, one statement a line:
//!
//! - a JSON object `{"sql": "SELECT … WHERE id = $1", "binds": [42]}` (`binds`
//!   optional; `count` optional, how often the statement runs, weighting its
//!   saving), or
//! - plain SQL on one line (no binds: parameters plan as NULL on SQLite and as the
//!   generic plan on PostgreSQL).
//!
//! Blank lines and lines starting with `--` or `#` are skipped.

use crate::Bind;
use crate::error::{Error, Result};

/// One statement of a workload.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorkloadStatement {
    /// The SQL, with the engine's parameter markers (`?`, `$1`).
    pub sql: String,
    /// Sample values for its parameters; empty for none.
    #[serde(default)]
    pub binds: Vec<Bind>,
    /// How many times it runs in the workload (weights its saving); at least 1.
    #[serde(default = "one")]
    pub count: u64,
    /// The line of the workload file it came from (0 when built in code).
    #[serde(default, skip_deserializing)]
    pub line: usize,
}

fn one() -> u64 {
    1
}

impl WorkloadStatement {
    /// A statement without binds, run once.
    ///
    /// ```
    /// let s = unokit_advisor::WorkloadStatement::new("SELECT 1");
    /// assert_eq!((s.sql.as_str(), s.count), ("SELECT 1", 1));
    /// ```
    pub fn new(sql: impl Into<String>) -> Self {
        WorkloadStatement {
            sql: sql.into(),
            binds: Vec::new(),
            count: 1,
            line: 0,
        }
    }
}

const STATEMENT_WORDS: &[&str] = &[
    "SELECT", "WITH", "UPDATE", "DELETE", "INSERT", "VALUES", "TABLE",
];

/// Parses a workload file's text; `path` names it in errors.
///
/// ```
/// let w = unokit_advisor::parse_workload("w.jsonl", "SELECT 1\n{\"sql\": \"SELECT $1\", \"binds\": [2]}\n").unwrap();
/// assert_eq!(w[1].binds, [serde_json::json!(2)]);
/// let err = unokit_advisor::parse_workload("w.jsonl", "\n{\"sql\": 3}").unwrap_err();
/// assert!(err.to_string().starts_with("w.jsonl:2: "));
/// ```
pub fn parse_workload(path: &str, text: &str) -> Result<Vec<WorkloadStatement>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let bad = |reason: String| Error::Workload {
            path: path.to_owned(),
            line: i + 1,
            reason,
        };
        if line.is_empty() || line.starts_with("--") || line.starts_with('#') {
            continue;
        }
        let mut stmt = if line.starts_with('{') {
            serde_json::from_str::<WorkloadStatement>(line).map_err(|e| {
                bad(format!(
                    "not a workload JSON object ({e}); expected {{\"sql\": \"…\", \"binds\": […]}}"
                ))
            })?
        } else {
            WorkloadStatement::new(line)
        };
        let first = stmt.sql.split_whitespace().next().unwrap_or("");
        if !STATEMENT_WORDS
            .iter()
            .any(|w| first.eq_ignore_ascii_case(w))
        {
            return Err(bad(format!(
                "`{}` is not a statement (expected SELECT, WITH, UPDATE, DELETE or INSERT)",
                first
            )));
        }
        if stmt.count == 0 {
            return Err(bad("count must be at least 1".into()));
        }
        stmt.line = i + 1;
        out.push(stmt);
    }
    Ok(out)
}

/// Reads and parses a workload file.
///
/// ```no_run
/// let w = unokit_advisor::read_workload(std::path::Path::new("workload.jsonl")).unwrap();
/// println!("{} statements", w.len());
/// ```
pub fn read_workload(path: &std::path::Path) -> Result<Vec<WorkloadStatement>> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    parse_workload(&shown, &text)
}
