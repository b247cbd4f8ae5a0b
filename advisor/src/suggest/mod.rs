//! Index suggestions that the planner verifies.
//!
//! Candidates come from each statement's shape (equality columns first, then one
//! range column, or the sort columns), minus those an existing index already
//! serves (a prefix of its key). Each candidate is then tried by the engine's own
//! planner — SQLite on an in-memory copy of the schema with the real row counts,
//! PostgreSQL with hypothetical (hypopg) or rolled-back indexes — and kept only
//! where some statement's plan uses it and gets cheaper.

mod pg;
mod sqlite;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::db::{Database, ExistingIndex, quote_ident};
use crate::error::Result;
use crate::shape::{Columns, Shape, shape};
use crate::workload::WorkloadStatement;

/// How [`suggest_indexes`] verifies candidates.
#[derive(Debug, Clone)]
pub struct SuggestOptions {
    /// PostgreSQL: use hypopg's hypothetical indexes when the extension can be
    /// created (inside the rolled-back transaction). `false` always builds each
    /// candidate for real inside a rolled-back transaction, which takes a lock
    /// that blocks writes to the table while it builds.
    pub hypothetical: bool,
    /// Longest candidate key.
    pub max_columns: usize,
    /// PostgreSQL: statement and lock timeout for each step, in milliseconds.
    pub step_timeout_ms: u64,
    /// The least relative drop in a statement's estimated cost that counts as
    /// faster (0.1 = 10 % cheaper): below it the difference is the estimate's
    /// noise (a narrower hypothetical index, a rounding), not a better plan.
    pub min_improvement: f64,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            hypothetical: true,
            max_columns: 4,
            step_timeout_ms: 30_000,
            min_improvement: 0.1,
        }
    }
}

/// An index that some statements need.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Candidate {
    /// The table.
    pub table: String,
    /// Key columns in order.
    pub columns: Vec<String>,
}

impl Candidate {
    /// The `CREATE INDEX` statement for it.
    ///
    /// ```
    /// let c = unokit_advisor::Candidate { table: "orders".into(), columns: vec!["customer_id".into(), "status".into()] };
    /// assert_eq!(c.create_index(), "CREATE INDEX orders_customer_id_status_idx ON orders (customer_id, status);");
    /// ```
    pub fn create_index(&self) -> String {
        format!(
            "CREATE INDEX {} ON {} ({});",
            ident(&self.name()),
            ident(&self.table),
            self.columns
                .iter()
                .map(|c| ident(c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    /// The name [`Candidate::create_index`] gives the index.
    pub fn name(&self) -> String {
        format!("{}_{}_idx", self.table, self.columns.join("_"))
    }

    /// Whether an existing index already serves every lookup this one would:
    /// this key is a prefix of the existing key.
    ///
    /// ```
    /// use unokit_advisor::{Candidate, ExistingIndex};
    /// let c = Candidate { table: "t".into(), columns: vec!["a".into()] };
    /// let e = ExistingIndex { name: "t_a_b".into(), table: "t".into(), columns: vec!["a".into(), "b".into()] };
    /// assert!(c.served_by(&e));
    /// ```
    pub fn served_by(&self, existing: &ExistingIndex) -> bool {
        existing.table == self.table
            && existing.columns.len() >= self.columns.len()
            && existing.columns[..self.columns.len()] == self.columns[..]
    }
}

fn ident(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        name.to_owned()
    } else {
        quote_ident(name)
    }
}

/// A statement an index speeds up, with the planner's cost before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Improvement {
    /// The statement.
    pub statement: String,
    /// How often it runs in the workload.
    pub count: u64,
    /// Estimated cost with the existing indexes.
    pub before: f64,
    /// Estimated cost with the suggested index added.
    pub after: f64,
}

/// A verified index suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The index.
    pub index: Candidate,
    /// Its `CREATE INDEX` statement.
    pub create: String,
    /// The statements whose plans use it and get cheaper.
    pub improves: Vec<Improvement>,
    /// Sum over those statements of (before − after) × count.
    pub saving: f64,
}

/// The outcome of [`suggest_indexes`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestions {
    /// Verified suggestions, largest saving first.
    pub suggestions: Vec<Suggestion>,
    /// How candidates were verified.
    pub method: String,
    /// How many candidates were tried.
    pub candidates_tried: usize,
    /// Statements that could not be planned, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Candidates the engine could not create (a column type without a B-tree
    /// operator class, say), as `CREATE INDEX` statement and reason.
    pub failed_candidates: Vec<(String, String)>,
}

/// Suggests indexes for `workload`, each verified by the planner.
///
/// ```no_run
/// # async fn f() -> unokit_advisor::Result<()> {
/// use std::time::Duration;
/// use unokit_advisor::{suggest_indexes, Database, SuggestOptions, WorkloadStatement};
/// let db = Database::connect("sqlite://app.db", Duration::from_secs(5)).await?;
/// let workload = vec![WorkloadStatement::new("SELECT * FROM orders WHERE customer_id = ?")];
/// for s in suggest_indexes(&db, &workload, &SuggestOptions::default()).await?.suggestions {
///     println!("{}  -- saves {:.0}", s.create, s.saving);
/// }
/// # Ok(()) }
/// ```
pub async fn suggest_indexes(
    db: &Database,
    workload: &[WorkloadStatement],
    options: &SuggestOptions,
) -> Result<Suggestions> {
    let columns = db.columns().await?;
    let existing = db.indexes().await?;
    let shapes: Vec<Shape> = workload.iter().map(|w| shape(&w.sql, &columns)).collect();
    let candidates = candidates(&shapes, &columns, &existing, options.max_columns);
    let trial = match db {
        Database::Sqlite(pool) => {
            sqlite::trial(pool, workload, &shapes, &candidates, &existing).await?
        }
        Database::Postgres(pool) => pg::trial(pool, workload, &candidates, options).await?,
    };
    Ok(choose(
        workload,
        &candidates,
        trial,
        options.min_improvement,
    ))
}

/// The candidates of a workload: per table a statement reads, equality columns
/// then the first range column, join columns then equality columns, and
/// equality columns then the sort columns; without repeats and without those an
/// existing index serves.
///
/// ```
/// use unokit_advisor::{candidates, shape::{shape, Columns}};
/// let mut cols = Columns::new();
/// cols.insert("t".into(), vec!["a".into(), "b".into()]);
/// let c = candidates(&[shape("SELECT * FROM t WHERE a = 1 AND b > 2", &cols)], &cols, &[], 4);
/// assert_eq!(c[0].columns, ["a", "b"]);
/// ```
pub fn candidates(
    shapes: &[Shape],
    columns: &Columns,
    existing: &[ExistingIndex],
    max_columns: usize,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for s in shapes {
        for t in &s.tables {
            if !columns.contains_key(&t.table) {
                continue;
            }
            let mut keys = Vec::new();
            if !t.equality.is_empty() || !t.range.is_empty() {
                keys.push(
                    t.equality
                        .iter()
                        .chain(t.range.first())
                        .cloned()
                        .collect::<Vec<_>>(),
                );
            }
            if !t.joined.is_empty() {
                // The inner side of a join looks rows up by the join key, with the
                // table's own equality filters narrowing the same lookup.
                let mut k = t.joined.clone();
                for c in &t.equality {
                    if !k.contains(c) {
                        k.push(c.clone());
                    }
                }
                keys.push(k);
            }
            // Both sorts: an ORDER BY on a select-list alias drops its candidate
            // below, and the GROUP BY one may still serve.
            for sort in [&t.order_by, &t.group_by] {
                if sort.is_empty() {
                    continue;
                }
                let mut k = t.equality.clone();
                for c in sort {
                    if !k.contains(c) {
                        k.push(c.clone());
                    }
                }
                keys.push(k);
            }
            let known = &columns[&t.table];
            for mut k in keys {
                k.truncate(max_columns);
                // Spelled as the catalog spells them; a name that is no column
                // (a select-list alias in ORDER BY) drops the candidate.
                let Some(k) = k
                    .iter()
                    .map(|c| known.iter().find(|k| k.eq_ignore_ascii_case(c)).cloned())
                    .collect::<Option<Vec<String>>>()
                else {
                    continue;
                };
                let c = Candidate {
                    table: t.table.clone(),
                    columns: k,
                };
                if !out.contains(&c) && !existing.iter().any(|e| c.served_by(e)) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// What trying the candidates found: per statement, its cost with the existing
/// indexes and, per candidate its plan used, the cost with that candidate.
pub(crate) struct Trial {
    pub method: String,
    pub before: Vec<Option<f64>>,
    pub with: Vec<BTreeMap<usize, f64>>,
    pub skipped: Vec<(String, String)>,
    pub failed_candidates: Vec<(usize, String)>,
}

/// Per statement, among the candidates that make it at least `min_improvement`
/// cheaper, the one that makes it cheapest (fewest columns on a
/// tie); a candidate whose key is a prefix of another chosen one on the same
/// table gives its statements to the longer one when that also helps them.
fn choose(
    workload: &[WorkloadStatement],
    candidates: &[Candidate],
    trial: Trial,
    min_improvement: f64,
) -> Suggestions {
    let mut chosen: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (s, with) in trial.with.iter().enumerate() {
        let Some(before) = trial.before[s] else {
            continue;
        };
        let best = with
            .iter()
            .filter(|(_, after)| **after < before * (1.0 - min_improvement))
            .min_by(|a, b| {
                a.1.partial_cmp(b.1).unwrap().then(
                    candidates[*a.0]
                        .columns
                        .len()
                        .cmp(&candidates[*b.0].columns.len()),
                )
            });
        if let Some((c, _)) = best {
            chosen.entry(*c).or_default().push(s);
        }
    }
    let keys: Vec<usize> = chosen.keys().copied().collect();
    for &short in &keys {
        let longer = keys.iter().copied().find(|&long| {
            long != short
                && chosen.contains_key(&long)
                && candidates[long].table == candidates[short].table
                && candidates[long].columns.len() > candidates[short].columns.len()
                && candidates[long]
                    .columns
                    .starts_with(&candidates[short].columns)
        });
        if let Some(long) = longer {
            let stmts = chosen[&short].clone();
            if stmts.iter().all(|s| trial.with[*s].contains_key(&long)) {
                chosen.remove(&short);
                chosen.get_mut(&long).expect("chosen").extend(stmts);
            }
        }
    }
    let mut suggestions: Vec<Suggestion> = chosen
        .into_iter()
        .map(|(c, stmts)| {
            let improves: Vec<Improvement> = stmts
                .into_iter()
                .map(|s| Improvement {
                    statement: workload[s].sql.clone(),
                    count: workload[s].count,
                    before: trial.before[s].unwrap_or(0.0),
                    after: trial.with[s][&c],
                })
                .collect();
            let saving = improves
                .iter()
                .map(|i| (i.before - i.after) * i.count as f64)
                .sum();
            Suggestion {
                create: candidates[c].create_index(),
                index: candidates[c].clone(),
                improves,
                saving,
            }
        })
        .collect();
    suggestions.sort_by(|a, b| b.saving.partial_cmp(&a.saving).unwrap());
    Suggestions {
        suggestions,
        method: trial.method,
        candidates_tried: candidates.len(),
        skipped: trial.skipped,
        failed_candidates: trial
            .failed_candidates
            .into_iter()
            .map(|(c, reason)| (candidates[c].create_index(), reason))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_order_columns_and_skip_what_an_index_serves() {
        let mut cols = Columns::new();
        cols.insert("t".into(), vec!["a".into(), "b".into(), "c".into()]);
        let s = shape("SELECT * FROM t WHERE c > 1 AND a = 2 ORDER BY b", &cols);
        let c = candidates(std::slice::from_ref(&s), &cols, &[], 4);
        let keys: Vec<Vec<String>> = c.iter().map(|c| c.columns.clone()).collect();
        assert_eq!(keys, [vec!["a", "c"], vec!["a", "b"]]);
        let existing = ExistingIndex {
            name: "t_a_c_d".into(),
            table: "t".into(),
            columns: vec!["a".into(), "c".into(), "d".into()],
        };
        let c = candidates(&[s], &cols, &[existing], 4);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].columns, ["a", "b"]);
    }
}
