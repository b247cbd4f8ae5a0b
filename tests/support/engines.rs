//! Runs each test body once per engine: on an in-memory SQLite database, and on
//! a fresh schema of PostgreSQL (with the `postgres` feature, when
//! `UNOKIT_TEST_POSTGRES_URL` is set), each seeded with the blog fixture.

/// `on_both_engines! { async fn name(db, session) { body } ... }`: `db` is the
/// counting test database, `session` a session on it after the seed.
macro_rules! on_both_engines {
    ($(async fn $name:ident($db:ident, $session:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let $db = counting::sqlite().await;
                    unokit::db::sqlx::raw_sql(blog::SCHEMA).execute(&$db.pool).await.unwrap();
                    let $session = $db.session();
                    blog::seed(&$session).await.unwrap();
                    $body
                    $db.finish().await;
                }
            )*
        }

        #[cfg(feature = "postgres")]
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let Some($db) = counting::postgres(stringify!($name)).await else {
                        return;
                    };
                    unokit::db::sqlx::raw_sql(blog::SCHEMA).execute(&$db.pool).await.unwrap();
                    let $session = $db.session();
                    blog::seed(&$session).await.unwrap();
                    $body
                    $db.finish().await;
                }
            )*
        }
    };
}
