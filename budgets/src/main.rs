//! `budget-check`: compares the instruction counts of the `hot_paths` suite
//! (gungraun's `--output-format=json` lines) with the committed budgets.
//!
//! ```text
//! budget-check check BUDGETS RESULTS   # the table; exit 1 over budget or unmeasured
//! budget-check print RESULTS [PERCENT] # budget lines of these counts (default +5 %)
//! ```
//!
//! A budget line is `path instructions +tolerance%`; `#` starts a comment. The
//! path is the benchmark function and its case, as `cached_hit_sync::one_key`.
//! `budgets/run` builds and runs the suite, then this.

#![deny(missing_docs)]
#![warn(clippy::pedantic)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

mod budgets;

use budgets::{Budget, Verdict, measured_counts, parse_budgets, render_budgets, verdicts};

const USAGE: &str =
    "usage: budget-check check BUDGETS RESULTS | budget-check print RESULTS [PERCENT]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            // The checker's own errors go to stderr, like any command line tool's.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("budget-check: {message}");
            }
            ExitCode::from(2)
        }
    }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    match args {
        [command, budgets, results] if command == "check" => {
            let budgets_text = read(budgets)?;
            let budgets = parse_budgets(&budgets_text)?;
            let measured = measured_counts(&read(results)?)?;
            let (table, failed) = check(&budgets, &measured);
            print!("{table}");
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        [command, results, rest @ ..] if command == "print" && rest.len() <= 1 => {
            let percent = match rest.first() {
                None => 5.0,
                Some(text) => text
                    .trim_start_matches('+')
                    .trim_end_matches('%')
                    .parse::<f64>()
                    .ok()
                    .filter(|percent| percent.is_finite() && *percent >= 0.0)
                    .ok_or_else(|| format!("the tolerance `{text}` is not a percentage"))?,
            };
            let measured = measured_counts(&read(results)?)?;
            if measured.is_empty() {
                return Err("the results hold no benchmark".into());
            }
            print!("{}", render_budgets(&measured, percent));
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(USAGE.into()),
    }
}

/// The table of every budget and every measured path, and whether any fails.
fn check(budgets: &[Budget<'_>], measured: &BTreeMap<String, u64>) -> (String, bool) {
    let rows = verdicts(budgets, measured);
    let width = rows
        .iter()
        .map(|row| row.path.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut table = String::new();
    let _ = writeln!(
        table,
        "{:<width$}  {:>12}  {:>6}  {:>12}  {:>8}  verdict",
        "path", "budget", "tol", "measured", "change"
    );
    let mut failed = false;
    for row in &rows {
        let budget = row
            .budget
            .map_or_else(|| "-".into(), |b| b.instructions.to_string());
        let tolerance = row
            .budget
            .map_or_else(|| "-".into(), |b| format!("+{}%", b.tolerance));
        let measured = row.measured.map_or_else(|| "-".into(), |m| m.to_string());
        let change = row
            .change()
            .map_or_else(|| "-".into(), |c| format!("{c:+.2}%"));
        failed |= row.verdict.fails();
        let _ = writeln!(
            table,
            "{:<width$}  {budget:>12}  {tolerance:>6}  {measured:>12}  {change:>8}  {}",
            row.path,
            row.verdict.describe()
        );
    }
    let over = rows
        .iter()
        .filter(|row| row.verdict == Verdict::Over)
        .count();
    let unmeasured = rows
        .iter()
        .filter(|row| row.verdict == Verdict::Unmeasured)
        .count();
    let _ = writeln!(
        table,
        "\nbudgets: {} paths, {over} over budget, {unmeasured} not measured{}",
        rows.len(),
        if failed {
            "; a deliberate change of a budget is a commit of budgets/budgets.txt (`budgets/run --print`)"
        } else {
            ""
        }
    );
    (table, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs
            .iter()
            .map(|&(path, count)| (path.to_owned(), count))
            .collect()
    }

    #[test]
    fn within_tolerance_passes_and_over_it_fails() {
        let budgets = parse_budgets("a 1000 +5%\nb 1000 +5%\n").unwrap();
        let (table, failed) = check(&budgets, &measured(&[("a", 1050), ("b", 900)]));
        assert!(!failed, "{table}");
        let (table, failed) = check(&budgets, &measured(&[("a", 1051), ("b", 900)]));
        assert!(failed);
        assert!(table.contains("+5.10%"), "{table}");
        assert!(table.contains("OVER BUDGET"), "{table}");
    }

    #[test]
    fn a_budget_not_measured_fails_and_a_new_path_is_listed() {
        let budgets = parse_budgets("a 1000 +5%\n").unwrap();
        let (table, failed) = check(&budgets, &measured(&[("c", 10)]));
        assert!(failed);
        assert!(table.contains("NOT MEASURED"), "{table}");
        assert!(table.contains("no budget"), "{table}");
    }
}
