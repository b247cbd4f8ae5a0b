//! Index suggestions on the seeded shop: both engines find the five missing
//! indexes (at most one extra), agree with the sqlite3 shell's `.expert`, make
//! the workload faster once applied, and write nothing to the database.

mod common;

use std::collections::BTreeSet;
use std::time::Instant;

use common::fixture::{MISSING, inline, postgres_setup, sqlite_setup, workload};
use common::{DEADLINE, PG_SUGGESTIONS, PgScratch, SqliteScratch, pg_base_url};
use unokit_advisor::{Database, SuggestOptions, Suggestions, suggest_indexes};

fn keys(s: &Suggestions) -> BTreeSet<(String, Vec<String>)> {
    s.suggestions
        .iter()
        .map(|s| (s.index.table.clone(), s.index.columns.clone()))
        .collect()
}

fn check_oracle(engine: &str, s: &Suggestions) {
    let found = keys(s);
    let expected: BTreeSet<(String, Vec<String>)> = MISSING
        .iter()
        .map(|(t, c)| (t.to_string(), c.iter().map(|c| c.to_string()).collect()))
        .collect();
    let missed: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    println!(
        "{engine}: {} suggestions via {}; found {}/5 known-missing, {} extra {:?}",
        found.len(),
        s.method,
        5 - missed.len(),
        extra.len(),
        extra
    );
    for x in &s.suggestions {
        println!("  {}  saving {:.1}", x.create, x.saving);
        for i in &x.improves {
            assert!(i.after < i.before, "{i:?}");
            println!("    {:.1} -> {:.1}  {}", i.before, i.after, i.statement);
        }
    }
    assert!(missed.is_empty(), "{engine} missed {missed:?}");
    assert!(extra.len() <= 1, "{engine} extra {extra:?}");
    assert!(s.skipped.is_empty(), "{:?}", s.skipped);
}

/// The `(table, columns)` the sqlite3 shell's `.expert` suggests for `sql`.
fn expert(db: &std::path::Path, sql: &str) -> Vec<(String, Vec<String>)> {
    let out = std::process::Command::new("sqlite3")
        .arg(db)
        .arg(".expert")
        .arg(format!("{sql};"))
        .output()
        .expect("sqlite3 shell (Debian package sqlite3)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("CREATE INDEX ")?;
            let on = rest.split(" ON ").nth(1)?;
            let (table, cols) = on.split_once('(')?;
            let cols = cols.trim_end_matches(");").split(',');
            Some((
                table.trim().to_owned(),
                cols.map(|c| c.split_whitespace().next().unwrap_or("").to_owned())
                    .collect(),
            ))
        })
        .collect()
}

async fn time_sqlite(pool: &sqlx::SqlitePool, rounds: usize) -> f64 {
    let start = Instant::now();
    for _ in 0..rounds {
        for w in workload() {
            sqlx::raw_sql(&inline(&w)).fetch_all(pool).await.unwrap();
        }
    }
    start.elapsed().as_secs_f64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_finds_the_five_agrees_with_expert_and_writes_nothing() {
    let fx = SqliteScratch::new(&sqlite_setup()).await;
    let before = time_sqlite(&fx.pool, 3).await;
    fx.close().await;
    let bytes = std::fs::read(&fx.path).unwrap();

    let db = Database::connect(&fx.url(), DEADLINE).await.unwrap();
    let s = suggest_indexes(&db, &workload(), &SuggestOptions::default())
        .await
        .unwrap();
    check_oracle("SQLite", &s);
    if let Database::Sqlite(p) = &db {
        p.close().await;
    }
    assert!(
        std::fs::read(&fx.path).unwrap() == bytes,
        "the SQLite file changed"
    );

    // `.expert` on a copy, statement by statement: each of its indexes is one of
    // ours or shares our key's leading columns.
    let copy = fx.dir.join("expert.db");
    std::fs::copy(&fx.path, &copy).unwrap();
    let ours = keys(&s);
    let mut agreed = 0;
    let mut theirs_total = 0;
    for w in workload() {
        for (table, cols) in expert(&copy, &inline(&w)) {
            theirs_total += 1;
            let same = ours
                .iter()
                .any(|(t, c)| *t == table && (c.starts_with(&cols) || cols.starts_with(c)));
            println!(
                "  .expert: {table}({}) {}",
                cols.join(", "),
                if same { "= ours" } else { "NOT OURS" }
            );
            assert!(
                same,
                ".expert suggests {table}({cols:?}) for {}; ours: {ours:?}",
                w.sql
            );
            agreed += 1;
        }
    }
    println!("SQLite: .expert suggested {theirs_total} indexes, {agreed} agree with ours");
    assert!(
        theirs_total >= 5,
        ".expert found fewer than the five ({theirs_total})"
    );

    // Apply the suggestions to a copy and time the workload again.
    let applied = fx.dir.join("applied.db");
    std::fs::copy(&fx.path, &applied).unwrap();
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", applied.display()))
        .await
        .unwrap();
    for x in &s.suggestions {
        sqlx::raw_sql(&x.create).execute(&pool).await.unwrap();
    }
    let after = time_sqlite(&pool, 3).await;
    pool.close().await;
    println!(
        "SQLite: workload {before:.3}s -> {after:.3}s with the suggestions, {:.1}x faster",
        before / after
    );
    assert!(before / after > 2.0, "{before} -> {after}");
}

async fn pg_writes(fx: &PgScratch) -> (i64, i64, i64) {
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    sqlx::raw_sql("SELECT pg_stat_clear_snapshot()")
        .execute(&fx.admin)
        .await
        .unwrap();
    sqlx::query_as(
        "SELECT (SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::int8 FROM pg_stat_user_tables WHERE schemaname = $1),
                (SELECT count(*) FROM pg_indexes WHERE schemaname = $1),
                (SELECT count(*) FROM pg_extension)",
    )
    .bind(&fx.schema)
    .fetch_one(&fx.admin)
    .await
    .unwrap()
}

async fn time_pg(fx: &PgScratch, rounds: usize) -> f64 {
    let start = Instant::now();
    for _ in 0..rounds {
        for w in workload() {
            fx.run(&inline(&w)).await;
        }
    }
    start.elapsed().as_secs_f64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_finds_the_five_with_and_without_hypopg_and_writes_nothing() {
    let Some(base) = pg_base_url() else { return };
    let _serial = PG_SUGGESTIONS.lock().await;
    let fx = PgScratch::new(&base, &postgres_setup()).await;
    let db = Database::connect(&fx.url, DEADLINE).await.unwrap();
    let writes = pg_writes(&fx).await;

    let s = suggest_indexes(&db, &workload(), &SuggestOptions::default())
        .await
        .unwrap();
    assert!(s.method.contains("hypopg"), "{}", s.method);
    check_oracle("PostgreSQL (hypopg)", &s);
    let real = suggest_indexes(
        &db,
        &workload(),
        &SuggestOptions {
            hypothetical: false,
            ..SuggestOptions::default()
        },
    )
    .await
    .unwrap();
    assert!(real.method.contains("rolled-back"), "{}", real.method);
    check_oracle("PostgreSQL (rolled-back indexes)", &real);
    assert_eq!(
        pg_writes(&fx).await,
        writes,
        "(tuples written, indexes, extensions) changed"
    );

    let before = time_pg(&fx, 5).await;
    for x in &s.suggestions {
        fx.run(&x.create).await;
    }
    fx.run("ANALYZE").await;
    let after = time_pg(&fx, 5).await;
    println!(
        "PostgreSQL: workload {before:.3}s -> {after:.3}s with the suggestions, {:.1}x faster",
        before / after
    );
    assert!(before / after > 1.5, "{before} -> {after}");
    if let Database::Postgres(p) = db {
        p.close().await;
    }
    fx.drop_schema().await;
}

/// Two advisors at once on one database: each creates hypopg inside its own
/// transaction, so one waits for the other (or falls back after its short lock
/// wait); both still find the five and neither hangs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_advisors_at_once() {
    let Some(base) = pg_base_url() else { return };
    let _serial = PG_SUGGESTIONS.lock().await;
    let fx = PgScratch::new(&base, &postgres_setup()).await;
    let a = Database::connect(&fx.url, DEADLINE).await.unwrap();
    let b = Database::connect(&fx.url, DEADLINE).await.unwrap();
    let w = workload();
    let o = SuggestOptions::default();
    let start = Instant::now();
    let (ra, rb) = tokio::join!(suggest_indexes(&a, &w, &o), suggest_indexes(&b, &w, &o));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    println!(
        "two advisors at once: {:.1}s; {} / {}",
        start.elapsed().as_secs_f64(),
        ra.method,
        rb.method
    );
    check_oracle("PostgreSQL (first of two)", &ra);
    check_oracle("PostgreSQL (second of two)", &rb);
    for db in [a, b] {
        if let Database::Postgres(p) = db {
            p.close().await;
        }
    }
    fx.drop_schema().await;
}

/// A candidate the server cannot build (a `box` column has no B-tree operator
/// class) is listed as failed; the others are still tried, in both modes.
#[tokio::test]
async fn postgres_refused_candidate_is_listed_not_fatal() {
    let Some(base) = pg_base_url() else { return };
    let _serial = PG_SUGGESTIONS.lock().await;
    let fx = PgScratch::new(
        &base,
        "CREATE TABLE g (id int PRIMARY KEY, b box, k int);
         INSERT INTO g SELECT i, box(point(i, i), point(i + 1, i + 1)), i % 1000 FROM generate_series(1, 20000) i;
         ANALYZE g;",
    )
    .await;
    let db = Database::connect(&fx.url, DEADLINE).await.unwrap();
    let w = vec![
        unokit_advisor::WorkloadStatement::new("SELECT id FROM g WHERE b = box '((1,1),(2,2))'"),
        unokit_advisor::WorkloadStatement::new("SELECT id FROM g WHERE k = 5"),
    ];
    for hypothetical in [true, false] {
        let s = suggest_indexes(
            &db,
            &w,
            &SuggestOptions {
                hypothetical,
                ..SuggestOptions::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            keys(&s).into_iter().collect::<Vec<_>>(),
            [("g".to_owned(), vec!["k".to_owned()])]
        );
        assert_eq!(s.failed_candidates.len(), 1, "{:?}", s.failed_candidates);
        assert_eq!(s.failed_candidates[0].0, "CREATE INDEX g_b_idx ON g (b);");
        assert!(
            s.failed_candidates[0].1.contains("operator class"),
            "{:?}",
            s.failed_candidates
        );
    }
    if let Database::Postgres(p) = db {
        p.close().await;
    }
    fx.drop_schema().await;
}

/// An `ORDER BY` on a select-list alias names no column: no candidate for it,
/// and the rest of the workload is advised on.
#[tokio::test]
async fn sqlite_alias_in_order_by_is_no_candidate() {
    let fx = SqliteScratch::new(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
         INSERT INTO t SELECT i, i % 100, i % 1000 FROM n;",
    )
    .await;
    fx.close().await;
    let db = Database::connect(&fx.url(), DEADLINE).await.unwrap();
    let w = vec![unokit_advisor::WorkloadStatement::new(
        "SELECT a, count(*) AS n FROM t WHERE b = 3 GROUP BY a ORDER BY n",
    )];
    let s = suggest_indexes(&db, &w, &SuggestOptions::default())
        .await
        .unwrap();
    assert!(s.failed_candidates.is_empty(), "{:?}", s.failed_candidates);
    assert!(
        keys(&s).iter().all(|(_, c)| !c.contains(&"n".to_owned())),
        "{:?}",
        keys(&s)
    );
    assert!(
        keys(&s).contains(&("t".to_owned(), vec!["b".to_owned()]))
            || keys(&s).contains(&("t".to_owned(), vec!["b".to_owned(), "a".to_owned()])),
        "{:?}",
        keys(&s)
    );
}
