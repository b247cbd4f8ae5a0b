//! The budget file, the suite's results, and their comparison.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One line of the budget file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget<'a> {
    /// `function::case` of the suite.
    pub path: &'a str,
    /// The budget: callgrind's `Ir` of the path.
    pub instructions: u64,
    /// Percent above `instructions` still within budget.
    pub tolerance: f64,
}

/// Parses `path instructions +tolerance%` lines; `#` starts a comment.
pub fn parse_budgets(text: &str) -> Result<Vec<Budget<'_>>, String> {
    let mut budgets: Vec<Budget<'_>> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let fail = |what: &str| {
            format!(
                "budget line {}: {what}; expected `path instructions +tolerance%`, as `fingerprint::typical_key 12345 +5%`",
                number + 1
            )
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let [path, instructions, tolerance] = words[..] else {
            return Err(fail(&format!("{} words", words.len())));
        };
        let instructions = instructions
            .replace('_', "")
            .parse::<u64>()
            .map_err(|_| fail(&format!("`{instructions}` is not an instruction count")))?;
        let tolerance = tolerance
            .strip_prefix('+')
            .and_then(|rest| rest.strip_suffix('%'))
            .and_then(|percent| percent.parse::<f64>().ok())
            .filter(|percent| percent.is_finite() && *percent >= 0.0)
            .ok_or_else(|| fail(&format!("`{tolerance}` is not a tolerance like +5%")))?;
        if budgets.iter().any(|budget| budget.path == path) {
            return Err(fail(&format!("`{path}` has a budget already")));
        }
        budgets.push(Budget {
            path,
            instructions,
            tolerance,
        });
    }
    Ok(budgets)
}

/// The instructions (callgrind's `Ir`) of each benchmark in gungraun's JSON
/// lines (`--output-format=json`), by `function::case`.
pub fn measured_counts(text: &str) -> Result<BTreeMap<String, u64>, String> {
    let mut counts = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fail = |what: &str| format!("results line {}: {what}", number + 1);
        let summary: Value =
            serde_json::from_str(line).map_err(|error| fail(&format!("not JSON: {error}")))?;
        let function = summary
            .get("function_name")
            .and_then(Value::as_str)
            .ok_or_else(|| fail("no `function_name`; is this gungraun's --output-format=json?"))?;
        let path = match summary.get("id").and_then(Value::as_str) {
            Some(id) => format!("{function}::{id}"),
            None => function.to_owned(),
        };
        let instructions = instructions(&summary)
            .ok_or_else(|| fail(&format!("no callgrind instruction count for `{path}`")))?;
        if counts.insert(path.clone(), instructions).is_some() {
            return Err(fail(&format!("`{path}` is measured twice")));
        }
    }
    Ok(counts)
}

/// `profiles[tool = Callgrind].data.total.metrics.Ir.values.new` in gungraun
/// 0.20's schema (version 7): this run's count (`old` is the run before it).
fn instructions(summary: &Value) -> Option<u64> {
    summary
        .get("profiles")?
        .as_array()?
        .iter()
        .find(|profile| profile.get("tool").and_then(Value::as_str) == Some("Callgrind"))?
        .pointer("/data/total/metrics/Ir/values/new")?
        .as_u64()
}

/// What a path's measurement says of its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Within the budget and its tolerance.
    Within,
    /// Within, and below the budget by more than the tolerance: the budget could come down.
    Below,
    /// Above the budget by more than the tolerance.
    Over,
    /// A budget whose path the suite did not measure.
    Unmeasured,
    /// A measured path with no budget: every path in the suite needs one.
    NoBudget,
}

impl Verdict {
    /// Whether the check fails on it.
    pub fn fails(self) -> bool {
        matches!(self, Self::Over | Self::Unmeasured | Self::NoBudget)
    }

    /// The table's last column.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Within => "ok",
            Self::Below => "ok, below budget (lower it?)",
            Self::Over => "OVER BUDGET",
            Self::Unmeasured => "NOT MEASURED",
            Self::NoBudget => "no budget (add a line)",
        }
    }
}

/// A row of the table.
pub struct Row<'a> {
    /// The budget's or the measurement's path.
    pub path: &'a str,
    /// The budget, if the file has one.
    pub budget: Option<Budget<'a>>,
    /// The count, if the suite measured the path.
    pub measured: Option<u64>,
    /// What the two say together.
    pub verdict: Verdict,
}

impl Row<'_> {
    /// The measured count against the budget, in percent.
    #[allow(clippy::cast_precision_loss)]
    pub fn change(&self) -> Option<f64> {
        let budget = self.budget?.instructions;
        let measured = self.measured?;
        (budget > 0).then(|| (measured as f64 - budget as f64) / budget as f64 * 100.0)
    }
}

/// One row per budget, in the file's order, then one per measured path
/// without a budget.
pub fn verdicts<'a>(budgets: &[Budget<'a>], measured: &'a BTreeMap<String, u64>) -> Vec<Row<'a>> {
    let mut rows: Vec<Row<'a>> = budgets
        .iter()
        .map(|&budget| {
            let count = measured.get(budget.path).copied();
            let mut row = Row {
                path: budget.path,
                budget: Some(budget),
                measured: count,
                verdict: Verdict::Unmeasured,
            };
            if count.is_some() {
                let change = row.change().unwrap_or(0.0);
                row.verdict = if change > budget.tolerance {
                    Verdict::Over
                } else if change < -budget.tolerance {
                    Verdict::Below
                } else {
                    Verdict::Within
                };
            }
            row
        })
        .collect();
    for (path, &count) in measured {
        if !budgets.iter().any(|budget| budget.path == path) {
            rows.push(Row {
                path,
                budget: None,
                measured: Some(count),
                verdict: Verdict::NoBudget,
            });
        }
    }
    rows
}

/// Budget lines for these counts, each with `percent` of tolerance.
pub fn render_budgets(measured: &BTreeMap<String, u64>, percent: f64) -> String {
    let width = measured.keys().map(String::len).max().unwrap_or(0);
    let mut text = String::from(
        "# Instruction budgets of the hot paths: `budgets/run` checks them after the tests;\n\
         # `budgets/run --print > budgets/budgets.txt` rewrites them from a run (commit it on purpose).\n\
         # path (benchmark::case of budgets/benches/hot_paths.rs), instructions (callgrind Ir,\n\
         # unoptimized test profile, all features), tolerance above them. Each path repeats its\n\
         # operation 100 times, but the cache hits (1 000), the loader (1 000 keys, once) and\n\
         # partial_serialize (100 items, once).\n",
    );
    for (path, count) in measured {
        let _ = writeln!(text, "{path:<width$}  {count:>12}  +{percent}%");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_lines_parse_with_comments_and_errors_name_the_line() {
        let budgets = parse_budgets("# head\n\na::b  1_000 +5%  # why\nc 7 +0.5%\n").unwrap();
        assert_eq!(
            budgets,
            [
                Budget {
                    path: "a::b",
                    instructions: 1000,
                    tolerance: 5.0
                },
                Budget {
                    path: "c",
                    instructions: 7,
                    tolerance: 0.5
                }
            ]
        );
        let error = parse_budgets("a 1 +5%\nb many +5%\n").unwrap_err();
        assert!(error.starts_with("budget line 2: `many`"), "{error}");
        let error = parse_budgets("a 1 5%\n").unwrap_err();
        assert!(error.contains("`5%` is not a tolerance"), "{error}");
        let error = parse_budgets("a 1 +5%\na 2 +5%\n").unwrap_err();
        assert!(error.contains("has a budget already"), "{error}");
        assert!(parse_budgets("a 1\n").is_err());
    }

    #[test]
    fn printed_budgets_parse_back() {
        let measured: BTreeMap<String, u64> =
            [("x::one".to_owned(), 10), ("y::two".to_owned(), 20)].into();
        let text = render_budgets(&measured, 5.0);
        let budgets = parse_budgets(&text).unwrap();
        assert_eq!(budgets.len(), 2);
        assert_eq!(budgets[1].instructions, 20);
        assert!((budgets[1].tolerance - 5.0).abs() < f64::EPSILON);
    }

    /// A line of gungraun 0.20's output, cut to what the checker reads.
    const LINE: &str = r#"{"function_name":"cached_hit_sync","group":"cached_hit","id":"one_key","profiles":[{"data":{"parts":[],"total":{"metrics":{"Dr":{"values":{"new":1785}},"Ir":{"values":{"new":234504,"old":234000}}},"regressions":[]}},"tool":"Callgrind"}],"version":"7"}"#;

    #[test]
    fn results_give_each_path_its_new_instruction_count() {
        let counts = measured_counts(&format!("{LINE}\n\n")).unwrap();
        assert_eq!(counts.len(), 1);
        assert_eq!(counts["cached_hit_sync::one_key"], 234_504);
        let error = measured_counts(&format!("{LINE}\n{LINE}\n")).unwrap_err();
        assert!(error.contains("measured twice"), "{error}");
        let no_ir = LINE.replace("\"Ir\"", "\"Irx\"");
        let error = measured_counts(&no_ir).unwrap_err();
        assert!(error.contains("no callgrind instruction count"), "{error}");
    }

    #[test]
    fn results_that_are_not_gungraun_json_are_refused() {
        let error = measured_counts("{\"a\":1}\n").unwrap_err();
        assert!(error.contains("no `function_name`"), "{error}");
        let error = measured_counts("running 3 benchmarks\n").unwrap_err();
        assert!(error.starts_with("results line 1: not JSON"), "{error}");
    }
}
