//! Plan findings on purpose-built slow queries: every finding kind at least once,
//! on both engines, through `explain`.

mod common;

use common::{DEADLINE, PgScratch, SqliteScratch, pg_base_url};
use unokit_advisor::{Database, ExplainOptions, Explained, FindingKind, explain};

const SQLITE_FIXTURE: &str = "
CREATE TABLE customers (id INTEGER PRIMARY KEY, country TEXT, name TEXT, credit INTEGER);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, status TEXT, created_at TEXT, total INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO orders SELECT i, i % 500, CASE WHEN i % 10 = 0 THEN 'open' ELSE 'paid' END,
  printf('2024-%02d-%02d', 1 + i % 12, 1 + i % 28), i % 97 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO customers SELECT i, CASE WHEN i % 7 = 0 THEN 'NZ' ELSE 'FR' END, 'c' || i, i % 50 FROM n;
";

fn kinds(e: &Explained) -> Vec<FindingKind> {
    e.findings.iter().map(|f| f.kind).collect()
}

fn finding(e: &Explained, kind: FindingKind) -> &unokit_advisor::Finding {
    e.findings
        .iter()
        .find(|f| f.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {:#?}\n{}", e.findings, e.plan.render()))
}

#[tokio::test]
async fn sqlite_findings_name_the_table_and_columns() {
    let fx = SqliteScratch::new(SQLITE_FIXTURE).await;
    fx.close().await;
    let db = Database::connect(&fx.url(), DEADLINE).await.unwrap();
    let o = ExplainOptions::default();

    let e = explain(
        &db,
        "SELECT * FROM orders o WHERE o.status = ? AND total > 5",
        &["open".into()],
        &o,
    )
    .await
    .unwrap();
    let f = finding(&e, FindingKind::FullScan);
    assert_eq!(f.table.as_deref(), Some("orders"));
    assert_eq!(f.columns, ["status", "total"]);
    assert!(f.why.contains("every row of orders"), "{}", f.why);

    let e = explain(&db, "SELECT * FROM orders ORDER BY created_at", &[], &o)
        .await
        .unwrap();
    let f = finding(&e, FindingKind::TempSort);
    assert_eq!(
        (f.table.as_deref(), f.columns.as_slice()),
        (Some("orders"), &["created_at".to_owned()][..])
    );
    assert!(
        !kinds(&e).contains(&FindingKind::FullScan),
        "no filter, no full-scan finding"
    );

    let e = explain(
        &db,
        "SELECT * FROM customers c JOIN orders o ON o.total = c.credit WHERE c.country = 'NZ'",
        &[],
        &o,
    )
    .await
    .unwrap();
    let f = finding(&e, FindingKind::AutomaticIndex);
    assert_eq!(f.table.as_deref(), Some("orders"), "{}", e.plan.render());
    assert_eq!(f.columns, ["total"]);

    let e = explain(
        &db,
        "SELECT count(*) FROM customers c JOIN orders o ON o.total > c.credit",
        &[],
        &o,
    )
    .await
    .unwrap();
    let f = finding(&e, FindingKind::NestedLoopScan);
    assert!(f.step.starts_with("SCAN"), "{}", e.plan.render());

    // A small table scanned under a filter is no finding: the threshold holds.
    let e = explain(&db, "SELECT * FROM customers WHERE name = 'c1'", &[], &o)
        .await
        .unwrap();
    assert!(e.findings.is_empty(), "{:#?}", e.findings);

    let err = explain(&db, "SELECT * FROM nowhere", &[], &o)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no such table: nowhere"), "{err}");
}

#[tokio::test]
async fn postgres_findings_with_and_without_analyze() {
    let Some(base) = pg_base_url() else { return };
    let fx = PgScratch::new(
        &base,
        "CREATE TABLE customers (id int PRIMARY KEY, country text, credit int);
         CREATE TABLE orders (id int PRIMARY KEY, customer_id int, status text, created_at timestamp, total int, note text, a int, b int);
         INSERT INTO customers SELECT i, CASE WHEN i % 7 = 0 THEN 'NZ' ELSE 'FR' END, i % 50 FROM generate_series(1, 200) i;
         INSERT INTO orders SELECT i, i % 200, CASE WHEN i % 10 = 0 THEN 'open' ELSE 'paid' END,
           timestamp '2024-01-01' + i * interval '1 minute', i % 97, md5(i::text) || md5((i * 7)::text), i % 100, i % 100
           FROM generate_series(1, 100000) i;
         ANALYZE customers; ANALYZE orders;",
    )
    .await;
    let db = Database::connect(&fx.url, DEADLINE).await.unwrap();
    let plain = ExplainOptions::default();
    let analyze = ExplainOptions {
        analyze: true,
        ..ExplainOptions::default()
    };

    let e = explain(
        &db,
        "SELECT * FROM orders WHERE status = $1",
        &["open".into()],
        &plain,
    )
    .await
    .unwrap();
    let f = finding(&e, FindingKind::FullScan);
    assert_eq!(
        (f.table.as_deref(), f.columns.as_slice()),
        (Some("orders"), &["status".to_owned()][..])
    );
    assert!(e.plan.total_cost.unwrap() > 0.0);

    // A table never analysed (reltuples -1) is counted instead.
    fx.run(
        "CREATE TABLE fresh (id int, k int) WITH (autovacuum_enabled = false);
         INSERT INTO fresh SELECT i, i % 10 FROM generate_series(1, 5000) i;",
    )
    .await;
    let e = explain(&db, "SELECT * FROM fresh WHERE k = 3", &[], &plain)
        .await
        .unwrap();
    let f = finding(&e, FindingKind::FullScan);
    assert!(f.why.contains("fresh (1000+ rows)"), "{}", f.why);

    // Without binds, the generic plan of the prepared statement.
    let e = explain(&db, "SELECT * FROM orders WHERE total = $1", &[], &plain)
        .await
        .unwrap();
    assert!(
        kinds(&e).contains(&FindingKind::FullScan),
        "{}",
        e.plan.render()
    );

    let e = explain(&db, "SELECT * FROM orders ORDER BY note", &[], &analyze)
        .await
        .unwrap();
    assert!(e.plan.analyzed);
    let f = finding(&e, FindingKind::SortSpill);
    assert_eq!(f.columns, ["note"]);
    finding(&e, FindingKind::TempSort);

    let e = explain(
        &db,
        "SELECT * FROM customers c JOIN orders o ON o.total > c.credit WHERE c.id < 3",
        &[],
        &plain,
    )
    .await
    .unwrap();
    let f = finding(&e, FindingKind::NestedLoopScan);
    // The planner materialises the smaller side as the inner loop.
    assert_eq!(f.table.as_deref(), Some("customers"), "{}", e.plan.render());
    assert!(f.step.starts_with("Nested Loop"), "{}", f.step);

    // a and b are equal on every row: the planner multiplies their selectivities.
    let e = explain(
        &db,
        "SELECT * FROM orders WHERE a = 1 AND b = 1",
        &[],
        &analyze,
    )
    .await
    .unwrap();
    let f = finding(&e, FindingKind::RowMisestimate);
    assert_eq!(f.table.as_deref(), Some("orders"));
    assert!(f.why.contains("expected"), "{}", f.why);
    assert!(
        !kinds(
            &explain(
                &db,
                "SELECT * FROM orders WHERE a = 1 AND b = 1",
                &[],
                &plain
            )
            .await
            .unwrap()
        )
        .contains(&FindingKind::RowMisestimate),
        "no actual rows without ANALYZE"
    );

    // ANALYZE of a write is rolled back.
    explain(&db, "DELETE FROM orders WHERE id < 100", &[], &analyze)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM orders")
        .fetch_one(&fx.admin)
        .await
        .unwrap();
    assert_eq!(n, 100000);

    let err = explain(
        &db,
        "SELECT * FROM orders WHERE id = $1",
        &[1.into(), 2.into()],
        &plain,
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("takes 1 parameters and 2 binds"),
        "{err}"
    );
    let err = explain(&db, "SELECT nope FROM orders", &[], &plain)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("column \"nope\" does not exist"),
        "{err}"
    );
    // ANALYZE runs the statement: the timeout ends one that would run too long.
    let quick = ExplainOptions {
        analyze: true,
        statement_timeout_ms: 300,
        ..ExplainOptions::default()
    };
    let start = std::time::Instant::now();
    let err = explain(&db, "SELECT pg_sleep(5)", &[], &quick)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("statement timeout"), "{err}");
    assert!(start.elapsed() < std::time::Duration::from_secs(3));
    // The connection is still usable after a failed statement.
    explain(&db, "SELECT 1", &[], &plain).await.unwrap();
    if let Database::Postgres(p) = db {
        p.close().await
    }
    fx.drop_schema().await;
}
