//! Nested loading (`query().include(..).nested()`): each hop's statement on
//! one connection (`all()`; on SQLite stepped in place, see `nested_hops.rs`)
//! or one JSON document (`one_statement()`, `find_many`), the same models as
//! per-hop batching and the naive loop, on both engines; NULLs, unicode, large
//! text, floats bit for bit, booleans, i64 extremes, text keys and empty
//! relations.

use unokit::Model;
use unokit::db::{DbError, NestedEngine, NestedRow, Related, Session};
use unokit_fixtures::counting::TestDb;
use unokit_fixtures::{blog, on_both_engines};

use blog::{Comment, Post, Tag};

on_both_engines! {
    async fn a_nested_load_equals_the_naive_loop_per_hop_or_in_one_statement(db, session) {
        let naive = blog::naive(&session).await.unwrap();
        db.reset_count();
        let nested = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .nested()
            .all()
            .await
            .unwrap();
        assert_eq!(db.selects(), 4, "the posts and three hops");
        // The naive loop leaves tags unloaded; the nested load was not asked for them.
        assert_eq!(nested, naive);
        db.reset_count();
        let document = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .nested()
            .one_statement()
            .all()
            .await
            .unwrap();
        assert_eq!(db.selects(), 1, "the whole tree in one statement");
        assert_eq!(document, naive);
    }

    async fn nested_many_to_many_and_find_many_equal_per_hop_batching(db, session) {
        let keys = [7, 3, 1_000_000, 3, 42];
        let per_hop = db
            .session()
            .query::<Post>()
            .include(Post::TAGS)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .find_many(keys)
            .await
            .unwrap();
        db.reset_count();
        let nested = session
            .query::<Post>()
            .include(Post::TAGS)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .nested()
            .find_many(keys)
            .await
            .unwrap();
        assert_eq!(db.selects(), 1);
        assert_eq!(nested.iter().map(|post| post.id).collect::<Vec<_>>(), [7, 3, 3, 42]);
        assert_eq!(nested, per_hop);
        let tags: &Vec<Tag> = nested[0].tags.get().unwrap();
        assert!(!tags.is_empty() && tags.windows(2).all(|pair| pair[0].id < pair[1].id));
        let none = session.query::<Post>().nested().find(1_000_000).await.unwrap();
        assert_eq!(none, None);
    }

    async fn concurrent_nested_loads_each_get_the_whole_tree(db, session) {
        let naive = blog::naive(&session).await.unwrap();
        let loads = (0..32).map(|_| {
            let session = db.session();
            tokio::spawn(async move {
                session
                    .query::<Post>()
                    .include(Post::AUTHOR)
                    .include(Post::COMMENTS.with(Comment::AUTHOR))
                    .nested()
                    .all()
                    .await
                    .unwrap()
            })
        });
        for load in loads.collect::<Vec<_>>() {
            assert_eq!(load.await.unwrap(), naive);
        }
    }

    // Text keys, bound from the parents' rows (on SQLite as SQLite returned
    // them, on PostgreSQL as one `text[]`): unicode, empty, a parent without
    // children, and parents sharing a `belongs_to` row.
    async fn text_keys_are_bound_back_as_read(db, session) {
        unokit::db::sqlx::raw_sql(TEXT_KEYS).execute(&db.pool).await.unwrap();
        let per_hop = session
            .query::<Country>()
            .include(Country::CITIES)
            .all()
            .await
            .unwrap();
        db.reset_count();
        let nested = session
            .query::<Country>()
            .include(Country::CITIES)
            .nested()
            .all()
            .await
            .unwrap();
        assert_eq!(db.selects(), 2);
        assert_eq!(nested, per_hop);
        let cities = |code: &str| -> Vec<i64> {
            let country = nested.iter().find(|country| country.code == code).unwrap();
            let cities = country.cities.get().unwrap();
            cities.iter().map(|city| city.id).collect()
        };
        assert_eq!(cities("fr"), [1, 4]);
        assert_eq!(cities("日本"), [2, 5]);
        assert_eq!(cities(""), [3]);
        assert!(cities("zz").is_empty());
        let per_hop = session
            .query::<City>()
            .include(City::OF.with(Country::CITIES))
            .all()
            .await
            .unwrap();
        db.reset_count();
        let nested = session
            .query::<City>()
            .include(City::OF.with(Country::CITIES))
            .nested()
            .all()
            .await
            .unwrap();
        assert_eq!(db.selects(), 3, "the cities, their countries (three), theirs");
        assert_eq!(nested, per_hop);
        assert_eq!(nested[1].of.get().unwrap().name, "Japan");
    }
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "nested_owners")]
struct Owner {
    #[model(primary_key)]
    id: i64,
    name: Option<String>,
    score: f64,
    ratio: Option<f64>,
    flag: bool,
    maybe: Option<bool>,
    small: i32,
    #[model(has_many(Item, foreign_key = owner_id))]
    items: Related<Vec<Item>>,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "nested_items")]
struct Item {
    #[model(primary_key)]
    id: i64,
    owner_id: i64,
    text: String,
    value: Option<i64>,
    weight: f32,
    #[model(belongs_to(Owner, key = owner_id))]
    owner: Related<Owner>,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "nested_countries")]
struct Country {
    #[model(primary_key)]
    code: String,
    name: String,
    #[model(has_many(City, foreign_key = country))]
    cities: Related<Vec<City>>,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "nested_cities")]
struct City {
    #[model(primary_key)]
    id: i64,
    country: String,
    population: Option<f64>,
    #[model(belongs_to(Country, key = country))]
    of: Related<Country>,
}

const TEXT_KEYS: &str = "
    CREATE TABLE nested_countries (code TEXT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE nested_cities (id BIGINT PRIMARY KEY, country TEXT NOT NULL,
        population DOUBLE PRECISION);
    INSERT INTO nested_countries VALUES ('fr', 'France'), ('日本', 'Japan'), ('', 'Nowhere'),
        ('zz', 'No cities');
    INSERT INTO nested_cities VALUES (1, 'fr', 2.1e6), (2, '日本', NULL), (3, '', 0.5),
        (4, 'fr', NULL), (5, '日本', 1.4e7);
";

const SCHEMA: &str = "
    CREATE TABLE nested_owners (id BIGINT PRIMARY KEY, name TEXT, score DOUBLE PRECISION NOT NULL,
        ratio DOUBLE PRECISION, flag BOOLEAN NOT NULL, maybe BOOLEAN, small INTEGER NOT NULL);
    CREATE TABLE nested_items (id BIGINT PRIMARY KEY, owner_id BIGINT NOT NULL, text TEXT NOT NULL,
        value BIGINT, weight REAL NOT NULL);
";

/// Floats that a 15-digit rendering would not give back, and the edges.
fn floats() -> Vec<f64> {
    let mut floats = vec![
        0.1,
        1.0 / 3.0,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        5e-324,
        -2.5e-300,
        123_456_789.123_456_79,
        f64::EPSILON,
        1e22,
        0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    // Arbitrary bit patterns, from a fixed xorshift sequence.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    while floats.len() < 200 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let value = f64::from_bits(state);
        if value.is_finite() {
            floats.push(value);
        }
    }
    floats
}

fn owners() -> Vec<Owner> {
    let texts = [
        String::new(),
        "héllo wörld ✓ 🦀 \u{1F600} 日本語".to_owned(),
        "quotes \" and \\ backslashes / \n\t\r\u{1}\u{7f} and 'single'".to_owned(),
    ];
    // Large text in one owner and one item, so that the document stays small
    // where rows repeat (an item's owner, with that owner's items).
    let large = "x".repeat(300_000) + "é";
    floats()
        .into_iter()
        .enumerate()
        .map(|(position, score)| {
            let id = i64::try_from(position).unwrap();
            let items = (0..id % 4)
                .map(|n| Item {
                    id: id * 10 + n,
                    owner_id: id,
                    text: if id * 10 + n == 71 {
                        large.clone()
                    } else {
                        texts[usize::try_from((id + n) % 3).unwrap()].clone()
                    },
                    value: match n {
                        0 => None,
                        1 => Some(i64::MIN),
                        _ => Some(i64::MAX),
                    },
                    #[allow(clippy::cast_possible_truncation)]
                    weight: (score / 7.0) as f32,
                    owner: Related::default(),
                })
                .collect();
            Owner {
                // The extremes of i64 as keys, too.
                id: match id {
                    0 => i64::MIN,
                    1 => i64::MAX,
                    id => id,
                },
                name: match id {
                    7 => Some(large.clone()),
                    id => (id % 3 != 0).then(|| texts[usize::try_from(id % 3).unwrap()].clone()),
                },
                score,
                ratio: (id % 2 == 0).then_some(-score),
                flag: id % 2 == 1,
                maybe: [None, Some(true), Some(false)][usize::try_from(id % 3).unwrap()],
                small: i32::try_from(id).unwrap() * if id % 2 == 0 { 1 } else { i32::MIN / 400 },
                items: Related::loaded(items),
            }
        })
        .map(|mut owner: Owner| {
            let id = owner.id;
            for item in owner.items.get_mut().unwrap() {
                item.owner_id = id;
            }
            owner
        })
        .collect()
}

/// The schema is made: write, then load per hop and nested.
async fn extremes<DB: NestedEngine>(db: &TestDb<DB>, session: &Session<DB>)
where
    Owner: NestedRow<DB>,
    Item: NestedRow<DB>,
{
    let written = owners();
    for owner in &written {
        session.insert(owner).await.unwrap();
        for item in owner.items.get().unwrap() {
            session.insert(item).await.unwrap();
        }
    }
    let per_hop = db
        .session()
        .query::<Owner>()
        .include(Owner::ITEMS)
        .all()
        .await
        .unwrap();
    db.reset_count();
    let nested = db
        .session()
        .query::<Owner>()
        .include(Owner::ITEMS)
        .nested()
        .all()
        .await
        .unwrap();
    assert_eq!(db.selects(), 2, "the owners and their items");
    let document = db
        .session()
        .query::<Owner>()
        .include(Owner::ITEMS)
        .nested()
        .one_statement()
        .all()
        .await
        .unwrap();
    let mut expected = written.clone();
    expected.sort_by_key(|owner| owner.id);
    assert_eq!(
        per_hop, expected,
        "per-hop batching gives back what was written"
    );
    assert_eq!(nested, expected, "so does the nested load");
    assert_eq!(document, expected, "and its one statement");
    // Bit for bit, not just `==` (which takes -0.0 for 0.0), as per-hop batching reads them.
    for loaded in [&nested, &document] {
        for (nested, written) in loaded.iter().zip(&per_hop) {
            assert_eq!(
                nested.score.to_bits(),
                written.score.to_bits(),
                "{}",
                written.score
            );
            let (items, written_items) =
                (nested.items.get().unwrap(), written.items.get().unwrap());
            for (item, written) in items.iter().zip(written_items) {
                assert_eq!(item.weight.to_bits(), written.weight.to_bits());
            }
        }
    }
    assert!(
        nested
            .iter()
            .any(|owner| owner.items.get().unwrap().is_empty())
    );

    // Deeper: items with their owners, with their items.
    let per_hop = db
        .session()
        .query::<Item>()
        .include(Item::OWNER.with(Owner::ITEMS))
        .all()
        .await
        .unwrap();
    let nested = db
        .session()
        .query::<Item>()
        .include(Item::OWNER.with(Owner::ITEMS))
        .nested()
        .all()
        .await
        .unwrap();
    assert_eq!(nested, per_hop);

    // A `belongs_to` row that does not exist is the same error either way.
    let orphan = Item {
        id: -1,
        owner_id: 424_242,
        text: "orphan".to_owned(),
        value: None,
        weight: 0.5,
        owner: Related::default(),
    };
    session.insert(&orphan).await.unwrap();
    let error = db
        .session()
        .query::<Item>()
        .include(Item::OWNER)
        .nested()
        .all()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            DbError::MissingRow {
                relation: "Item.owner"
            }
        ),
        "{error}"
    );
    // Also where the missing row is spliced as text on SQLite (it has a
    // relation to many): `null`, not a NULL document.
    let error = db
        .session()
        .query::<Item>()
        .include(Item::OWNER.with(Owner::ITEMS))
        .nested()
        .all()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            DbError::MissingRow {
                relation: "Item.owner"
            }
        ),
        "{error}"
    );
    let error = db
        .session()
        .query::<Item>()
        .include(Item::OWNER)
        .all()
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        DbError::MissingRow {
            relation: "Item.owner"
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_values_round_trip_exactly_on_sqlite() {
    let db = unokit_fixtures::counting::sqlite().await;
    unokit::db::sqlx::raw_sql(SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    let session = db.session();
    extremes(&db, &session).await;
    db.finish().await;
}

/// On SQLite the statement is stepped on the caller's thread: its errors are
/// SQLite's, a session's deadline interrupts it, and the connection is left as
/// it was (the deadline's progress handler removed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_nested_loads_keep_errors_and_deadlines() {
    let db = unokit_fixtures::counting::sqlite().await;
    let error = db
        .session()
        .query::<Owner>()
        .nested()
        .all()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, DbError::Sqlx(sqlx) if sqlx.to_string().contains("no such table: nested_owners")),
        "{error}"
    );
    unokit::db::sqlx::raw_sql(SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    unokit::db::sqlx::raw_sql(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 50000)
         INSERT INTO nested_owners SELECT x, 'owner ' || x, x * 0.5, NULL, x % 2, NULL, 0 FROM n;
         INSERT INTO nested_items SELECT id, id, 'item', NULL, 0.25 FROM nested_owners;
         CREATE INDEX nested_items_by_owner ON nested_items (owner_id);",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let slow = db
        .session()
        .with_timeout(std::time::Duration::from_millis(5))
        .query::<Owner>()
        .include(Owner::ITEMS)
        .nested()
        .all()
        .await;
    assert!(
        matches!(slow, Err(DbError::Timeout(timeout)) if timeout.as_millis() == 5),
        "{slow:?}"
    );
    // Nothing of the deadline is left on the connection: sqlx's statements
    // and a load without one run to the end.
    let items: i64 = unokit::db::sqlx::query_scalar("SELECT count(*) FROM nested_items")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(items, 50_000);
    // Nor of the hops' read transaction: `BEGIN` cannot nest.
    unokit::db::sqlx::raw_sql("BEGIN; ROLLBACK")
        .execute(&db.pool)
        .await
        .unwrap();
    let all = db
        .session()
        .query::<Owner>()
        .include(Owner::ITEMS)
        .nested()
        .all()
        .await
        .unwrap();
    assert_eq!(all.len(), 50_000);
    assert_eq!(all[49_999].items.get().unwrap()[0].id, 50_000);
    db.finish().await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_values_round_trip_exactly_on_postgres() {
    let Some(db) = unokit_fixtures::counting::postgres("nested_extremes").await else {
        return;
    };
    unokit::db::sqlx::raw_sql(SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    let session = db.session();
    extremes(&db, &session).await;
    db.finish().await;
}

/// PostgreSQL's NaN and infinities come back as the floats they were.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_nan_comes_back_as_nan() {
    let Some(db) = unokit_fixtures::counting::postgres("nested_nan").await else {
        return;
    };
    unokit::db::sqlx::raw_sql(SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    let session = db.session();
    let owner = Owner {
        id: 1,
        name: None,
        score: f64::NAN,
        ratio: Some(f64::NEG_INFINITY),
        flag: true,
        maybe: None,
        small: 0,
        items: Related::default(),
    };
    session.insert(&owner).await.unwrap();
    let loaded = session.query::<Owner>().nested().all().await.unwrap();
    assert!(loaded[0].score.is_nan());
    assert_eq!(loaded[0].ratio, Some(f64::NEG_INFINITY));
    db.finish().await;
}
