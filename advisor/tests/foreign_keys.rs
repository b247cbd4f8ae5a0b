//! The foreign-key check on both engines: an unindexed key is a finding with
//! the index to create; a key served by an index (columns in any order) is not.

mod common;

use common::{DEADLINE, PgScratch, SqliteScratch, pg_base_url};
use unokit_advisor::{Database, FindingKind, unindexed_foreign_keys};

const SCHEMA: &str = "
CREATE TABLE parent (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL, UNIQUE (a, b));
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id), note TEXT);
CREATE TABLE indexed_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));
CREATE INDEX indexed_child_parent ON indexed_child (parent_id);
CREATE TABLE pair_child (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, c INTEGER, FOREIGN KEY (a, b) REFERENCES parent (a, b));
CREATE INDEX pair_child_b_a_c ON pair_child (b, a, c);
CREATE TABLE half_child (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, FOREIGN KEY (a, b) REFERENCES parent (a, b));
CREATE INDEX half_child_a ON half_child (a);
";

fn check(findings: &[unokit_advisor::Finding]) {
    let got: Vec<(String, Vec<String>)> = findings
        .iter()
        .map(|f| {
            assert_eq!(f.kind, FindingKind::UnindexedForeignKey);
            (f.table.clone().unwrap(), f.columns.clone())
        })
        .collect();
    assert_eq!(
        got,
        [
            ("child".to_owned(), vec!["parent_id".to_owned()]),
            (
                "half_child".to_owned(),
                vec!["a".to_owned(), "b".to_owned()]
            ),
        ]
    );
    assert!(
        findings[0]
            .why
            .contains("CREATE INDEX child_parent_id_idx ON child (parent_id);"),
        "{}",
        findings[0].why
    );
    assert_eq!(
        findings[0].step,
        "child FOREIGN KEY (parent_id) REFERENCES parent"
    );
}

#[tokio::test]
async fn sqlite_unindexed_foreign_keys() {
    let fx = SqliteScratch::new(SCHEMA).await;
    fx.close().await;
    let db = Database::connect(&fx.url(), DEADLINE).await.unwrap();
    check(&unindexed_foreign_keys(&db).await.unwrap());
}

#[tokio::test]
async fn postgres_unindexed_foreign_keys() {
    let Some(base) = pg_base_url() else { return };
    let fx = PgScratch::new(&base, SCHEMA).await;
    let db = Database::connect(&fx.url, DEADLINE).await.unwrap();
    check(&unindexed_foreign_keys(&db).await.unwrap());
    if let Database::Postgres(p) = db {
        p.close().await;
    }
    fx.drop_schema().await;
}

/// The scratch schema goes away even when a test ends without dropping it (as
/// a failing one does), so that failures leave nothing on the shared server.
#[tokio::test]
async fn postgres_scratch_schema_dropped_on_drop() {
    let Some(base) = pg_base_url() else { return };
    let fx = PgScratch::new(&base, "CREATE TABLE left_behind (id int);").await;
    let schema = fx.schema.clone();
    let admin = fx.admin.clone();
    drop(fx);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_namespace WHERE nspname = $1")
        .bind(&schema)
        .fetch_one(&admin)
        .await
        .unwrap();
    assert_eq!(left, 0);
    admin.close().await;
}
