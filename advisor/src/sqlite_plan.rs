//! SQLite: `EXPLAIN QUERY PLAN` rows as a [`Plan`] tree.

use sqlx::{Row, SqliteConnection};

use crate::Bind;
use crate::db::Engine;
use crate::error::{Error, Result};
use crate::plan::{Plan, PlanNode};

/// Plans `statement` on `conn` with `binds` (unbound parameters plan as NULL).
pub(crate) async fn plan(
    conn: &mut SqliteConnection,
    statement: &str,
    binds: &[Bind],
) -> Result<Plan> {
    let sql = format!("EXPLAIN QUERY PLAN {}", trim_statement(statement));
    let rows = if binds.is_empty() {
        // `raw_sql` leaves parameters unbound (NULL) instead of asking for them.
        sqlx::raw_sql(&sql).fetch_all(&mut *conn).await
    } else {
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = match b {
                Bind::Null => q.bind(None::<i64>),
                Bind::Bool(v) => q.bind(*v),
                Bind::Number(n) if n.is_i64() => q.bind(n.as_i64()),
                Bind::Number(n) => q.bind(n.as_f64()),
                Bind::String(s) => q.bind(s.clone()),
                other => q.bind(other.to_string()),
            };
        }
        q.fetch_all(&mut *conn).await
    }
    .map_err(|e| Error::statement(statement, e))?;
    let mut lines: Vec<(i64, i64, String)> = Vec::new();
    for row in rows {
        lines.push((row.get(0), row.get(1), row.get(3)));
    }
    Ok(Plan {
        engine: Engine::Sqlite,
        statement: statement.to_owned(),
        nodes: tree(&lines, 0),
        total_cost: None,
        analyzed: false,
    })
}

/// A statement without its trailing semicolons and blanks.
pub(crate) fn trim_statement(statement: &str) -> &str {
    statement.trim().trim_end_matches(';').trim_end()
}

fn tree(lines: &[(i64, i64, String)], parent: i64) -> Vec<PlanNode> {
    lines
        .iter()
        .filter(|(_, p, _)| *p == parent)
        .map(|(id, _, detail)| {
            let mut node = node(detail);
            node.children = tree(lines, *id);
            node
        })
        .collect()
}

/// One `EXPLAIN QUERY PLAN` line as a node: `SCAN t`, `SEARCH t USING INDEX i
/// (a=?)`, `SEARCH t USING AUTOMATIC COVERING INDEX (a=?)`, `USE TEMP B-TREE FOR
/// ORDER BY`, …
pub(crate) fn node(detail: &str) -> PlanNode {
    let words: Vec<&str> = detail.split_whitespace().collect();
    let operation = words.first().copied().unwrap_or("").to_owned();
    let table = match (operation.as_str(), words.get(1)) {
        ("SCAN" | "SEARCH", Some(t)) if *t != "CONSTANT" && !t.starts_with('(') => {
            Some((*t).to_owned())
        }
        _ => None,
    };
    let index = if detail.contains("AUTOMATIC") {
        Some("AUTOMATIC".to_owned())
    } else if detail.contains("INTEGER PRIMARY KEY") {
        Some("rowid".to_owned())
    } else {
        words
            .iter()
            .position(|w| *w == "INDEX")
            .and_then(|i| words.get(i + 1))
            .map(|w| (*w).to_owned())
    };
    PlanNode {
        operation,
        detail: detail.to_owned(),
        table,
        index,
        ..PlanNode::default()
    }
}

/// The constraint columns of a `SEARCH … (a=? AND b>?)` line: equality
/// columns, then the range column if any.
pub(crate) fn search_terms(detail: &str) -> (Vec<String>, Vec<String>) {
    let (mut eq, mut range) = (Vec::new(), Vec::new());
    if let (Some(open), Some(close)) = (detail.rfind('('), detail.rfind(')'))
        && open < close
    {
        for term in detail[open + 1..close].split(" AND ") {
            let col: String = term
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if col.is_empty() {
                continue;
            }
            if term[col.len()..].starts_with("=") {
                eq.push(col);
            } else {
                range.push(col);
            }
        }
    }
    (eq, range)
}
