//! The `unokit-advisor` binary end to end on both engines: the report's
//! contents in text, JSON and HTML, the errors a person sees, and that nothing
//! is written to the database.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::fixture::{MISSING, inline, postgres_setup, sqlite_setup, workload};
use common::{PgScratch, SqliteScratch, pg_base_url, pg_suggestions_lock};

fn advisor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unokit-advisor"))
        .args(args)
        .output()
        .expect("the built binary runs")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The progress bar draws only on a terminal: nothing on a piped stderr.
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn failure(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "should have failed: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The fixture's workload as a file: JSON lines, a comment and a plain-SQL line
/// (whose `status` filter may earn a sixth index where the planner finds one
/// cheaper: PostgreSQL does, with a bitmap scan).
fn write_workload(dir: &Path) -> String {
    let mut text = String::from("-- the shop's workload\n");
    for w in workload() {
        text.push_str(&serde_json::json!({"sql": w.sql, "binds": w.binds}).to_string());
        text.push('\n');
    }
    text.push_str("SELECT count(*) FROM orders WHERE status = 'open'\n");
    let path = dir.join("workload.jsonl");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn check_report_text(text: &str) {
    let findings = text.find("FINDINGS (").expect("a findings section");
    let indexes = text
        .find("INDEX SUGGESTIONS (")
        .unwrap_or_else(|| panic!("no suggestions in\n{text}"));
    assert!(findings < indexes, "findings come first");
    assert!(
        text.contains("full scan under a filter: customers (email)"),
        "{text}"
    );
    for (table, cols) in MISSING {
        let create = format!(
            "CREATE INDEX {table}_{}_idx ON {table} ({});",
            cols.join("_"),
            cols.join(", ")
        );
        assert!(text.contains(&create), "no `{create}` in\n{text}");
    }
}

#[test]
fn sqlite_report_in_text_json_and_html() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fx = rt.block_on(async {
        let fx = SqliteScratch::new(&sqlite_setup()).await;
        fx.close().await;
        fx
    });
    let before = std::fs::read(&fx.path).unwrap();
    let wl = write_workload(&fx.dir);
    let url = fx.url();
    let html = fx.dir.join("report.html");

    let text = stdout(&advisor(&[
        "--database-url",
        &url,
        "--workload",
        &wl,
        "--html",
        html.to_str().unwrap(),
    ]));
    check_report_text(&text);
    assert!(text.contains("sort without an index"), "{text}");
    assert!(
        text.contains(&format!("{url} (SQLite), 9 statements")),
        "{text}"
    );
    assert!(
        !text.contains("CONFIGURATION"),
        "no server settings on SQLite"
    );

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.starts_with("<!DOCTYPE html>") && page.contains("CREATE INDEX customers_email_idx")
    );
    assert!(
        !page.contains("<script") && !page.contains("http"),
        "self-contained"
    );
    assert!(
        page.contains("&gt;"),
        "statements are escaped: `created_at > $2`"
    );

    let json: serde_json::Value = serde_json::from_str(&stdout(&advisor(&[
        "--database-url",
        &url,
        "--workload",
        &wl,
        "--json",
    ])))
    .unwrap();
    assert_eq!(json["engine"], "sqlite");
    assert!((5..=6).contains(&json["indexes"]["suggestions"].as_array().unwrap().len()));
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "full_scan" && f["table"] == "customers")
    );
    assert!(json["config"].is_null());

    assert!(
        std::fs::read(&fx.path).unwrap() == before,
        "the SQLite file changed"
    );
}

#[test]
fn postgres_report_with_configuration_and_analyze() {
    let Some(base) = pg_base_url() else { return };
    let _serial = pg_suggestions_lock();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fx = rt.block_on(PgScratch::new(&base, &postgres_setup()));
    let dir = std::env::temp_dir().join(format!("unokit_advisor_cli_{}", fx.schema));
    std::fs::create_dir_all(&dir).unwrap();
    let wl = write_workload(&dir);
    let text = stdout(&advisor(&[
        "--database-url",
        &fx.url,
        "--workload",
        &wl,
        "--memory",
        "16GB",
        "--cpus",
        "4",
        "--pool",
        "30",
        "--pool",
        "20",
        "--analyze",
    ]));
    check_report_text(&text);
    assert!(text.contains("hypopg"), "{text}");
    assert!(text.contains("CONFIGURATION (PostgreSQL 15"), "{text}");
    assert!(
        text.contains("16GB memory, 4 cores, SSD storage, web workload; as given"),
        "{text}"
    );
    let sb = text
        .lines()
        .find(|l| l.contains(" shared_buffers "))
        .expect("a shared_buffers row");
    assert!(
        sb.contains("4GB") && sb.contains("a quarter of memory"),
        "{sb}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("max_connections (vs pools)") && l.contains(" 53 ")),
        "{text}"
    );
    assert!(
        text.contains("LIVE CHECKS") && text.contains("cache hit ratio"),
        "{text}"
    );

    let json: serde_json::Value = serde_json::from_str(&stdout(&advisor(&[
        "--database-url",
        &fx.url,
        "--workload",
        &wl,
        "--json",
        "--no-hypopg",
    ])))
    .unwrap();
    assert_eq!(json["engine"], "postgres");
    assert!(
        json["indexes"]["method"]
            .as_str()
            .unwrap()
            .contains("rolled-back")
    );
    assert!((5..=6).contains(&json["indexes"]["suggestions"].as_array().unwrap().len()));
    assert!(
        json["config"]["settings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "work_mem")
    );

    let indexes: i64 = rt.block_on(async {
        sqlx::query_scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = $1")
            .bind(&fx.schema)
            .fetch_one(&fx.admin)
            .await
            .unwrap()
    });
    assert_eq!(
        indexes, 5,
        "only the fixture's own primary keys and unique index: nothing built"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    rt.block_on(fx.drop_schema());
}

#[test]
fn clear_errors() {
    let err = failure(&advisor(&["--database-url", "mysql://u:secret@h/db"]));
    assert!(
        err.contains("bad database URL `mysql://u:***@h/db`"),
        "{err}"
    );
    assert!(!err.contains("secret"));

    let err = failure(&advisor(&[
        "--database-url",
        "postgres://postgres@127.0.0.1:1/test",
        "--connect-timeout",
        "5",
    ]));
    assert!(
        err.contains("cannot reach the database") && err.contains("refused"),
        "{err}"
    );

    // A server that accepts connections and never answers: the deadline ends the wait.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_secs(4));
        drop(conn);
    });
    let start = Instant::now();
    let err = failure(&advisor(&[
        "--database-url",
        &format!("postgres://postgres@127.0.0.1:{port}/test"),
        "--connect-timeout",
        "1",
    ]));
    assert!(err.contains("no connection within 1s"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    held.join().unwrap();

    let dir = std::env::temp_dir().join(format!("unokit_advisor_errors_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("x.db");
    let err = failure(&advisor(&[
        "--database-url",
        &format!("sqlite://{}", db.display()),
    ]));
    assert!(err.contains("does the file exist?"), "{err}");
    assert!(!db.exists(), "a missing SQLite file is not created");

    Command::new("sqlite3")
        .arg(&db)
        .arg("CREATE TABLE t (a INTEGER);")
        .status()
        .unwrap();
    let url = format!("sqlite://{}", db.display());
    let wl = dir.join("w.jsonl");
    std::fs::write(&wl, "SELECT a FROM t\n\n{\"sql\": 5}\n").unwrap();
    let err = failure(&advisor(&[
        "--database-url",
        &url,
        "--workload",
        wl.to_str().unwrap(),
    ]));
    assert!(
        err.contains(&format!("{}:3: not a workload JSON object", wl.display())),
        "{err}"
    );
    std::fs::write(&wl, "SELECT a FROM t\nEXPLODE everything\n").unwrap();
    let err = failure(&advisor(&[
        "--database-url",
        &url,
        "--workload",
        wl.to_str().unwrap(),
    ]));
    assert!(err.contains(":2: `EXPLODE` is not a statement"), "{err}");
    let err = failure(&advisor(&[
        "--database-url",
        &url,
        "--workload",
        dir.join("none.jsonl").to_str().unwrap(),
    ]));
    assert!(err.contains("none.jsonl: No such file"), "{err}");
    let err = failure(&advisor(&["--database-url", &url, "--memory", "lots"]));
    assert!(err.contains("--memory `lots`"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// 1 000 statements with their literals inlined (the repeated texts among them
/// are merged into one with a count): how long the whole advisor takes, on each
/// engine.
#[test]
fn thousand_statement_workload_timing() {
    let mut text = String::new();
    let mut distinct = std::collections::BTreeSet::new();
    let shapes = workload();
    for i in 0..1000 {
        let mut w = shapes[i % shapes.len()].clone();
        for b in &mut w.binds {
            if let Some(n) = b.as_i64() {
                *b = (n + (i as i64 / shapes.len() as i64)).into();
            }
        }
        distinct.insert(inline(&w));
        text.push_str(&inline(&w));
        text.push('\n');
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fx = rt.block_on(async {
        let fx = SqliteScratch::new(&sqlite_setup()).await;
        fx.close().await;
        fx
    });
    let wl = fx.dir.join("thousand.sql");
    std::fs::write(&wl, &text).unwrap();
    let start = Instant::now();
    let json: serde_json::Value = serde_json::from_str(&stdout(&advisor(&[
        "--database-url",
        &fx.url(),
        "--workload",
        wl.to_str().unwrap(),
        "--json",
    ])))
    .unwrap();
    println!(
        "SQLite: 1000-statement workload ({} distinct) advised in {:.1}s",
        distinct.len(),
        start.elapsed().as_secs_f64()
    );
    assert_eq!(json["statements"], distinct.len());
    let found = json["indexes"]["suggestions"].as_array().unwrap().len();
    assert!((5..=6).contains(&found), "{found} suggestions");

    let Some(base) = pg_base_url() else { return };
    let _serial = pg_suggestions_lock();
    let pg = rt.block_on(PgScratch::new(&base, &postgres_setup()));
    let start = Instant::now();
    let json: serde_json::Value = serde_json::from_str(&stdout(&advisor(&[
        "--database-url",
        &pg.url,
        "--workload",
        wl.to_str().unwrap(),
        "--json",
        "--memory",
        "8GB",
        "--cpus",
        "2",
    ])))
    .unwrap();
    println!(
        "PostgreSQL: 1000-statement workload ({} distinct) advised in {:.1}s",
        distinct.len(),
        start.elapsed().as_secs_f64()
    );
    assert_eq!(json["statements"], distinct.len());
    let found = json["indexes"]["suggestions"].as_array().unwrap().len();
    assert!((5..=6).contains(&found), "{found} suggestions");
    rt.block_on(pg.drop_schema());
}
