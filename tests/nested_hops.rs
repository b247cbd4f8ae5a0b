//! SQLite's nested `all()`: each hop's plain statement stepped on the
//! caller's thread in one read transaction, the rows decoded from SQLite's
//! columns. The same models as per-hop batching (a `many_to_many` too); a
//! failing statement and a value that does not decode are clear `DbError`s;
//! a session's deadline interrupts a hop; and none of them leaves the read
//! transaction open on the connection. (`nested_loading.rs` compares the
//! values themselves: NULLs, unicode, large text, floats, booleans, text keys,
//! empty relations.)

use std::time::Duration;
use unokit::Model;
use unokit::db::sqlx::{self, SqlitePool};
use unokit::db::{DbError, Related};
use unokit_fixtures::blog::{self, Comment, Post};

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "hop_owners")]
struct Owner {
    #[model(primary_key)]
    id: i64,
    name: Option<String>,
    #[model(has_many(Item, foreign_key = owner_id))]
    items: Related<Vec<Item>>,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "hop_items")]
struct Item {
    #[model(primary_key)]
    id: i64,
    owner_id: i64,
    weight: f64,
    #[model(belongs_to(Owner, key = owner_id))]
    owner: Related<Owner>,
}

/// Fails when the connection is inside a transaction: `BEGIN` cannot nest.
/// The fixture's pool has one connection, so it is the one the load used.
async fn assert_no_transaction_left(pool: &SqlitePool) {
    sqlx::raw_sql("BEGIN; ROLLBACK")
        .execute(pool)
        .await
        .expect("no transaction left open by the nested load");
}

/// The message of a statement's error, after checking its kind.
fn decode_message(error: &DbError) -> String {
    match error {
        DbError::Sqlx(sqlx) if matches!(**sqlx, sqlx::Error::Decode(_)) => sqlx.to_string(),
        other => panic!("not a decode error: {other:?}"),
    }
}

async fn many_to_many_and_errors() {
    let db = unokit_fixtures::counting::sqlite().await;
    sqlx::raw_sql(blog::SCHEMA).execute(&db.pool).await.unwrap();
    let session = db.session();
    blog::seed(&session).await.unwrap();
    let per_hop = session
        .query::<Post>()
        .include(Post::TAGS)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .all()
        .await
        .unwrap();
    db.reset_count();
    let nested = session
        .query::<Post>()
        .include(Post::TAGS)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .nested()
        .all()
        .await
        .unwrap();
    assert_eq!(
        db.selects(),
        4,
        "the posts, their tags, comments and authors"
    );
    assert_eq!(nested, per_hop);
    // Each post's tags, from the join table's rows, in key order.
    for post in &nested {
        let mut tags: Vec<i64> = blog::post_tags(post.id).to_vec();
        tags.sort_unstable();
        tags.dedup();
        let loaded: Vec<i64> = post.tags.get().unwrap().iter().map(|tag| tag.id).collect();
        assert_eq!(loaded, tags, "post {}", post.id);
    }

    // The second statement fails: SQLite's error, and the transaction the
    // first opened is ended. (Without owners there is no second statement:
    // no keys to look items up by.)
    let none = session
        .query::<Owner>()
        .include(Owner::ITEMS)
        .nested()
        .all()
        .await;
    assert!(matches!(&none, Err(DbError::Sqlx(_))), "{none:?}");
    sqlx::raw_sql("CREATE TABLE hop_owners (id BIGINT PRIMARY KEY, name TEXT); INSERT INTO hop_owners VALUES (1, 'one')")
        .execute(&db.pool)
        .await
        .unwrap();
    let error = session
        .query::<Owner>()
        .include(Owner::ITEMS)
        .nested()
        .all()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, DbError::Sqlx(sqlx) if matches!(**sqlx, sqlx::Error::Database(_))
            && sqlx.to_string().contains("no such table: hop_items")),
        "{error:?}"
    );
    assert_no_transaction_left(&db.pool).await;

    // A value of the second statement that is not its field's type.
    sqlx::raw_sql(
        "CREATE TABLE hop_items (id BIGINT PRIMARY KEY, owner_id BIGINT NOT NULL,
             weight DOUBLE PRECISION NOT NULL);
         INSERT INTO hop_owners VALUES (2, NULL);
         INSERT INTO hop_items VALUES (10, 1, 0.5), (11, 1, 'heavy');",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let error = session
        .query::<Owner>()
        .include(Owner::ITEMS)
        .nested()
        .all()
        .await
        .unwrap_err();
    let message = decode_message(&error);
    assert!(
        message.contains("`hop_items`")
            && message.contains("`weight`")
            && message.contains("heavy"),
        "{message}"
    );
    // Per-hop batching refuses the row too.
    let per_hop = session.query::<Owner>().include(Owner::ITEMS).all().await;
    assert!(per_hop.is_err(), "{per_hop:?}");
    assert_no_transaction_left(&db.pool).await;

    // Text that is not UTF-8, which SQLite stores unchecked, as sqlx refuses it.
    sqlx::raw_sql(
        "UPDATE hop_items SET weight = 2.0 WHERE id = 11;
         UPDATE hop_owners SET name = CAST(x'ff' AS TEXT) WHERE id = 2;",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let error = session.query::<Owner>().nested().all().await.unwrap_err();
    let message = decode_message(&error);
    assert!(
        message.contains("`name`") && message.contains("utf-8"),
        "{message}"
    );
    let per_hop = session.query::<Owner>().all().await;
    assert!(per_hop.is_err(), "{per_hop:?}");

    // Repaired, the same rows as per-hop batching, both ways round.
    sqlx::raw_sql("UPDATE hop_owners SET name = NULL WHERE id = 2")
        .execute(&db.pool)
        .await
        .unwrap();
    let per_hop = session
        .query::<Item>()
        .include(Item::OWNER.with(Owner::ITEMS))
        .all()
        .await;
    let nested = session
        .query::<Item>()
        .include(Item::OWNER.with(Owner::ITEMS))
        .nested()
        .all()
        .await;
    assert_eq!(nested.unwrap(), per_hop.unwrap());
    let owners = session
        .query::<Owner>()
        .include(Owner::ITEMS)
        .nested()
        .all()
        .await
        .unwrap();
    assert_eq!(owners[0].items.get().unwrap().len(), 2);
    assert!(owners[1].items.get().unwrap().is_empty());
    assert_eq!(owners[1].name, None);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hops_equal_per_hop_and_fail_clearly_on_a_multi_thread_runtime() {
    many_to_many_and_errors().await;
}

#[tokio::test(flavor = "current_thread")]
async fn hops_equal_per_hop_and_fail_clearly_on_a_current_thread_runtime() {
    many_to_many_and_errors().await;
}

/// A deadline that passes in the hop's statement (the owners are quick, the
/// items' many and slow to match): the session's timeout, and nothing of it
/// or of the transaction left on the connection.
async fn deadline_in_a_hop() {
    let db = unokit_fixtures::counting::sqlite().await;
    // No index on `owner_id`: each owner's items are a scan of the table.
    sqlx::raw_sql(
        "CREATE TABLE hop_owners (id BIGINT PRIMARY KEY, name TEXT);
         CREATE TABLE hop_items (id BIGINT PRIMARY KEY, owner_id BIGINT NOT NULL,
             weight DOUBLE PRECISION NOT NULL);
         WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000)
         INSERT INTO hop_items SELECT x, x % 500, x * 0.5 FROM n;
         WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < 499)
         INSERT INTO hop_owners SELECT x, 'owner ' || x FROM n;",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let timeout = Duration::from_millis(5);
    let slow = db
        .session()
        .with_timeout(timeout)
        .query::<Owner>()
        .include(Owner::ITEMS.with(Item::OWNER))
        .nested()
        .all()
        .await;
    assert!(
        matches!(slow, Err(DbError::Timeout(t)) if t == timeout),
        "{slow:?}"
    );
    assert_no_transaction_left(&db.pool).await;
    // Without a deadline the same load runs to the end, as per hop.
    let all = db
        .session()
        .query::<Owner>()
        .include(Owner::ITEMS.with(Item::OWNER))
        .nested()
        .all()
        .await
        .unwrap();
    let per_hop = db
        .session()
        .query::<Owner>()
        .include(Owner::ITEMS.with(Item::OWNER))
        .all()
        .await
        .unwrap();
    assert_eq!(all.len(), 500);
    assert_eq!(all, per_hop);
    assert_eq!(all[7].items.get().unwrap().len(), 200);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_interrupts_a_hop_on_a_multi_thread_runtime() {
    deadline_in_a_hop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_deadline_interrupts_a_hop_on_a_current_thread_runtime() {
    deadline_in_a_hop().await;
}

/// The model's fields as per-hop batching reads them: the stepped columns
/// give the same `f64` bits, an `i64` key at both extremes, and NULL.
#[tokio::test(flavor = "current_thread")]
async fn stepped_columns_read_as_sqlx_reads_them() {
    let db = unokit_fixtures::counting::sqlite().await;
    sqlx::raw_sql(
        "CREATE TABLE hop_owners (id BIGINT PRIMARY KEY, name TEXT);
         CREATE TABLE hop_items (id BIGINT PRIMARY KEY, owner_id BIGINT NOT NULL,
             weight DOUBLE PRECISION NOT NULL);
         INSERT INTO hop_owners VALUES (-9223372036854775808, ''), (9223372036854775807, NULL);
         INSERT INTO hop_items VALUES (1, 9223372036854775807, 0.1 + 0.2),
             (2, 9223372036854775807, -0.0), (3, -9223372036854775808, 5e-324),
             (4, -9223372036854775808, 3);",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let session = db.session();
    let nested = session
        .query::<Owner>()
        .include(Owner::ITEMS)
        .nested()
        .all()
        .await
        .unwrap();
    let per_hop = session
        .query::<Owner>()
        .include(Owner::ITEMS)
        .all()
        .await
        .unwrap();
    assert_eq!(nested, per_hop);
    let bits = |owners: &[Owner]| -> Vec<u64> {
        owners
            .iter()
            .flat_map(|owner| {
                owner
                    .items
                    .get()
                    .unwrap()
                    .iter()
                    .map(|item| item.weight.to_bits())
            })
            .collect()
    };
    assert_eq!(bits(&nested), bits(&per_hop));
    assert_eq!(nested[0].name.as_deref(), Some(""));
    assert_eq!(nested[1].items.get().unwrap()[0].weight, 0.1 + 0.2);
    // An integer stored in a float column (SQLite's affinity makes it 3.0).
    assert_eq!(nested[0].items.get().unwrap()[1].weight, 3.0);
    db.finish().await;
}
