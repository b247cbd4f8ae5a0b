//! The report through the library: progress reported in order, repeats merged,
//! statements the database cannot plan listed with their line.

mod common;

use std::sync::Mutex;

use common::{DEADLINE, SqliteScratch};
use unokit_advisor::{
    Database, Progress, ReportOptions, build_report_with_progress, parse_workload,
};

#[tokio::test]
async fn progress_repeats_and_skipped_lines() {
    let fx = SqliteScratch::new(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
         INSERT INTO t SELECT i, i % 300, 'x' || i FROM n;",
    )
    .await;
    fx.close().await;
    let db = Database::connect(&fx.url(), DEADLINE).await.unwrap();
    let workload = parse_workload(
        "w",
        "SELECT * FROM t WHERE a = $1\n{\"sql\": \"SELECT * FROM t WHERE a = $1\", \"count\": 4}\nSELECT * FROM gone\nSELECT b FROM t ORDER BY b\n",
    )
    .unwrap();
    let seen = Mutex::new(Vec::new());
    let report =
        build_report_with_progress(&db, &fx.url(), &workload, &ReportOptions::default(), &|p| {
            seen.lock().unwrap().push(p)
        })
        .await
        .unwrap();
    assert_eq!(
        seen.into_inner().unwrap(),
        [
            Progress::Planned { done: 0, total: 3 },
            Progress::Planned { done: 1, total: 3 },
            Progress::Planned { done: 2, total: 3 },
            Progress::Verifying,
            Progress::Configuration,
        ]
    );
    assert_eq!(report.statements, 3);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].line, 3);
    assert!(report.skipped[0].reason.contains("no such table: gone"));
    let s = &report.indexes.as_ref().unwrap().suggestions;
    let first = s
        .iter()
        .find(|x| x.index.columns == ["a"])
        .unwrap_or_else(|| panic!("{s:#?}"));
    assert_eq!(first.create, "CREATE INDEX t_a_idx ON t (a);");
    // The merged statement runs 5 times: its saving counts each run.
    assert_eq!(first.improves[0].count, 5);
    let one = first.improves[0].before - first.improves[0].after;
    assert!((first.saving - 5.0 * one).abs() < 1e-6, "{first:?}");
}
