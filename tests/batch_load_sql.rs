//! `#[batch_load]` on batch functions that query a real database, on SQLite and
//! PostgreSQL, with statements counted at the connection.

use unokit_fixtures::{blog, counting};

use futures::future::join_all;
use std::collections::HashMap;
use unokit::batch_load;
use unokit::db::sqlx::{self, QueryBuilder, Row, Sqlite, SqlitePool};

/// The example: authors' names by id, 500 at most per statement.
#[batch_load(max_batch = 500, window = "1ms")]
async fn author_names(
    #[ctx] pool: &SqlitePool,
    ids: &[i64],
) -> Result<HashMap<i64, String>, sqlx::Error> {
    let mut query = QueryBuilder::<Sqlite>::new("SELECT id, name FROM authors WHERE id IN (");
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    list.push_unseparated(")");
    let rows = query.build().fetch_all(pool).await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

#[cfg(feature = "postgres")]
#[batch_load(max_batch = 500, window = "1ms")]
async fn pg_author_names(
    #[ctx] pool: &sqlx::PgPool,
    ids: &[i64],
) -> Result<HashMap<i64, String>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name FROM authors WHERE id = ANY($1)")
        .bind(ids)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// The same checks on either engine's loader.
macro_rules! check_loader {
    ($db:ident, $new_loader:expr) => {{
        let loader = $new_loader;
        $db.reset_count();
        let names = join_all((1..=blog::AUTHORS).map(|id| loader.load(id))).await;
        assert_eq!($db.selects(), 1, "40 concurrent loads, one statement");
        for (id, name) in (1..=blog::AUTHORS).zip(names) {
            assert_eq!(name.unwrap(), Some(format!("author {id}")));
        }
        assert_eq!(
            loader.load(999).await.unwrap(),
            None,
            "a missing key is None"
        );
        assert_eq!($db.selects(), 2);

        let loader = $new_loader;
        $db.reset_count();
        let keys = (1..=1_000).map(|n| n % 50 + 1);
        let names = join_all(keys.map(|id| loader.load(id))).await;
        assert_eq!(
            $db.selects(),
            1,
            "1000 loads of 50 distinct keys: one statement"
        );
        assert_eq!(
            names
                .iter()
                .filter(|name| matches!(name, Ok(Some(_))))
                .count(),
            800
        );

        let loader = $new_loader;
        $db.reset_count();
        let many = loader.load_many(1..=1_200).await.unwrap();
        assert_eq!(many.len(), 40);
        assert_eq!(
            $db.selects(),
            3,
            "max_batch = 500 splits 1200 keys into 3 statements"
        );
        assert_eq!(loader.stats().largest_batch, 500);
    }};
}

#[tokio::test]
async fn batch_load_on_sqlite() {
    let db = counting::sqlite().await;
    sqlx::raw_sql(blog::SCHEMA).execute(&db.pool).await.unwrap();
    blog::seed(&db.session()).await.unwrap();
    check_loader!(db, AuthorNamesLoader::new(db.pool.clone()));
    db.finish().await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn batch_load_on_postgres() {
    let Some(db) = counting::postgres("batch_load_on_postgres").await else {
        return;
    };
    sqlx::raw_sql(blog::SCHEMA).execute(&db.pool).await.unwrap();
    blog::seed(&db.session()).await.unwrap();
    check_loader!(db, PgAuthorNamesLoader::new(db.pool.clone()));
    db.finish().await;
}
