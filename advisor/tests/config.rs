//! Configuration advice against the test server: pgtune's values beside the
//! server's, the pools against max_connections, and the live checks.

mod common;

use common::{DEADLINE, PgScratch, SqliteScratch, pg_base_url};
use unokit_advisor::{ConfigInput, Database, advise_config};

#[tokio::test]
async fn postgres_settings_pools_and_live_checks() {
    let Some(base) = pg_base_url() else { return };
    let fx = PgScratch::new(
        &base,
        "CREATE TABLE hot (id int PRIMARY KEY, a int, b int);
         INSERT INTO hot SELECT i, i % 100, i % 7 FROM generate_series(1, 5000) i;
         CREATE INDEX hot_b_idx ON hot (b);
         ANALYZE hot;",
    )
    .await;
    let scans = "SELECT count(*) FROM hot WHERE a = 1;".repeat(60);
    fx.run(&format!("{scans} SELECT pg_stat_force_next_flush();"))
        .await;
    // The flush happens when that session goes idle.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let db = Database::connect(&fx.url, DEADLINE).await.unwrap();
    let input = ConfigInput {
        memory_kb: Some(16 * 1024 * 1024),
        cpus: Some(4),
        pools: vec![150, 100],
        ..ConfigInput::default()
    };
    let advice = advise_config(&db, &input).await.unwrap();
    assert_eq!(advice.machine_source, "as given");
    let get = |n: &str| {
        advice
            .settings
            .iter()
            .find(|s| s.name == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };

    let server_sb: String = sqlx::query_scalar("SHOW shared_buffers")
        .fetch_one(&fx.admin)
        .await
        .unwrap();
    let sb = get("shared_buffers");
    assert_eq!(sb.recommended, "4GB");
    assert_eq!(sb.current.as_deref(), Some(server_sb.as_str()));
    assert_eq!(sb.differs, server_sb != "4GB");
    assert_eq!(get("max_connections").recommended, "250");
    // (16 GB − 4 GB) / ((250 + 4) × 3) = 16513.0 kB: the pools are the connection count.
    assert_eq!(get("work_mem").recommended, "16513kB");
    assert!(get("work_mem").reason.contains("connections"));

    let server_max: i64 =
        sqlx::query_scalar("SELECT setting::int8 FROM pg_settings WHERE name = 'max_connections'")
            .fetch_one(&fx.admin)
            .await
            .unwrap();
    let pools = get("max_connections (vs pools)");
    assert_eq!(pools.current, Some(server_max.to_string()));
    if server_max < 253 {
        assert!(
            pools.differs && pools.reason.contains("refused"),
            "{pools:?}"
        );
    }
    let jit = get("jit");
    assert_eq!((jit.recommended.as_str(), jit.source), ("off", "pgtune"));
    assert_eq!(get("statement_timeout").source, "advisor");
    // Those that differ come first.
    let first_same = advice
        .settings
        .iter()
        .position(|s| !s.differs)
        .unwrap_or(advice.settings.len());
    assert!(advice.settings[first_same..].iter().all(|s| !s.differs));

    let live = |check: &str, subject: &str| {
        advice
            .live
            .iter()
            .find(|l| l.check == check && l.subject == subject)
            .unwrap_or_else(|| panic!("no {check} on {subject} in {:#?}", advice.live))
    };
    let hot = format!("{}.hot", fx.schema);
    let seq = live("sequential scans", &hot);
    // 60 from the queries, and the ones CREATE INDEX and ANALYZE make.
    let n: u32 = seq.value.split(' ').next().unwrap().parse().unwrap();
    assert!((60..70).contains(&n), "{seq:?}");
    assert!(live("unused index", &format!("{}.hot_b_idx", fx.schema)).attention);
    assert!(advice.live.iter().any(|l| l.check == "cache hit ratio"));
    // The primary key's index is never called unused.
    assert!(
        !advice
            .live
            .iter()
            .any(|l| l.subject == format!("{}.hot_pkey", fx.schema))
    );

    if let Database::Postgres(p) = db {
        p.close().await;
    }
    fx.drop_schema().await;
}

#[tokio::test]
async fn sqlite_has_no_server_settings() {
    let fx = SqliteScratch::new("CREATE TABLE t (a INTEGER);").await;
    fx.close().await;
    let db = Database::connect(&fx.url(), DEADLINE).await.unwrap();
    let err = advise_config(&db, &ConfigInput::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("only PostgreSQL"), "{err}");
}
