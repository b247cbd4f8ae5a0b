//! Typed query plans and the findings read from them.

use serde::Serialize;

use crate::db::Engine;

/// One step of a plan. SQLite's `EXPLAIN QUERY PLAN` lines and PostgreSQL's JSON
/// plan nodes both map onto it; the fields an engine does not report are `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlanNode {
    /// The operation: SQLite's first word (`SCAN`, `SEARCH`, `USE`, …) or
    /// PostgreSQL's node type (`Seq Scan`, `Nested Loop`, …).
    pub operation: String,
    /// The whole line as the engine printed it (SQLite) or a one-line summary
    /// (PostgreSQL).
    pub detail: String,
    /// The table read, as the plan names it (an alias when the statement has one).
    pub table: Option<String>,
    /// The index used, if any.
    pub index: Option<String>,
    /// The planner's row estimate (PostgreSQL).
    pub estimated_rows: Option<f64>,
    /// Rows actually produced per loop (PostgreSQL with ANALYZE).
    pub actual_rows: Option<f64>,
    /// The planner's total cost (PostgreSQL).
    pub total_cost: Option<f64>,
    /// The filter applied to the rows read (PostgreSQL).
    pub filter: Option<String>,
    /// Sort keys (PostgreSQL `Sort`).
    pub sort_key: Vec<String>,
    /// Where a sort ran: `Memory` or `Disk` (PostgreSQL with ANALYZE).
    pub sort_space: Option<String>,
    /// The steps feeding this one.
    pub children: Vec<PlanNode>,
}

impl PlanNode {
    /// This node and every node under it, depth first.
    pub fn walk(&self) -> Vec<&PlanNode> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }
}

/// A statement's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The engine that planned it.
    pub engine: Engine,
    /// The statement as given.
    pub statement: String,
    /// The top-level steps (SQLite may have several; PostgreSQL has one).
    pub nodes: Vec<PlanNode>,
    /// The planner's total cost (PostgreSQL; for SQLite the advisor's own estimate
    /// is in the index suggestions, not here).
    pub total_cost: Option<f64>,
    /// Whether the statement was run (`EXPLAIN ANALYZE`, rolled back).
    pub analyzed: bool,
}

impl Plan {
    /// Every node, depth first.
    pub fn walk(&self) -> Vec<&PlanNode> {
        self.nodes.iter().flat_map(PlanNode::walk).collect()
    }

    /// Whether some step of the plan uses the index called `name`.
    pub fn uses_index(&self, name: &str) -> bool {
        self.walk()
            .iter()
            .any(|n| n.index.as_deref().is_some_and(|i| i.contains(name)))
    }

    /// The plan as an indented tree, one step a line.
    ///
    /// ```
    /// use unokit_advisor::{Engine, Plan, PlanNode};
    /// let leaf = PlanNode { detail: "SCAN t".into(), ..PlanNode::default() };
    /// let root = PlanNode { detail: "Sort".into(), children: vec![leaf], ..PlanNode::default() };
    /// let p = Plan { engine: Engine::Sqlite, statement: "…".into(), nodes: vec![root], total_cost: None, analyzed: false };
    /// assert_eq!(p.render(), "Sort\n  SCAN t\n");
    /// ```
    pub fn render(&self) -> String {
        fn go(n: &PlanNode, depth: usize, out: &mut String) {
            out.push_str(&"  ".repeat(depth));
            out.push_str(&n.detail);
            out.push('\n');
            for c in &n.children {
                go(c, depth + 1, out);
            }
        }
        let mut out = String::new();
        for n in &self.nodes {
            go(n, 0, &mut out);
        }
        out
    }
}

/// The kinds of trouble the advisor reads from a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Every row of a large table is read to keep the few a filter wants.
    FullScan,
    /// Rows are sorted for `ORDER BY`/`GROUP BY`/`DISTINCT` instead of read in
    /// order from an index (SQLite's temporary B-tree, PostgreSQL's `Sort`).
    TempSort,
    /// SQLite builds a transient index for this statement, on every run.
    AutomaticIndex,
    /// A nested loop reads a whole table once per outer row.
    NestedLoopScan,
    /// A sort did not fit in `work_mem` and went to disk (PostgreSQL, ANALYZE).
    SortSpill,
    /// The planner's row estimate is far from the actual count (PostgreSQL, ANALYZE).
    RowMisestimate,
    /// A foreign key no index serves (read from the schema, not from a plan).
    UnindexedForeignKey,
    /// A relation of a model looks rows up by a column no index serves (read
    /// from the model derives' `Model::LOOKUPS`).
    UnindexedRelation,
}

impl FindingKind {
    /// A short label for reports.
    ///
    /// ```
    /// assert_eq!(unokit_advisor::FindingKind::SortSpill.label(), "sort spilled to disk");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::FullScan => "full scan under a filter",
            FindingKind::TempSort => "sort without an index",
            FindingKind::AutomaticIndex => "automatic index",
            FindingKind::NestedLoopScan => "nested loop over a full scan",
            FindingKind::SortSpill => "sort spilled to disk",
            FindingKind::RowMisestimate => "row mis-estimate",
            FindingKind::UnindexedForeignKey => "foreign key without an index",
            FindingKind::UnindexedRelation => "relation lookup without an index",
        }
    }
}

/// One problem in one statement's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What kind of problem.
    pub kind: FindingKind,
    /// The statement.
    pub statement: String,
    /// The table concerned (its real name, not the alias), when there is one.
    pub table: Option<String>,
    /// The columns concerned, when known.
    pub columns: Vec<String>,
    /// The plan step it was read from.
    pub step: String,
    /// Why it matters, in a sentence.
    pub why: String,
}
