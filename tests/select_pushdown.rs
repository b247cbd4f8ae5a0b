//! The selection pushed down to SQL: `query.select(&selection)` reads only the
//! columns the selection serializes (and the keys its relations need), and
//! loads only the relations it names, to any depth. Statements are counted and
//! read back from the session's detector scope, on SQLite and PostgreSQL, on a
//! multi-thread runtime.
#![cfg(feature = "sqlite")]

use serde_json::{Value, json};
use unokit::db::detect::Scope;
use unokit::db::query::Page;
use unokit::db::{Column, DbError, Engine, Related, SelectModel, Session};
use unokit::select::{Selectable, Selection};
use unokit::{Model, partial_response};
use unokit_fixtures::counting::{self, TestDb};

#[path = "select_pushdown/graphs.rs"]
mod graphs;
use graphs::{cyclic, tagged, unsigned};

#[partial_response]
#[derive(Model, serde::Serialize, Clone, Debug)]
#[model(table = "authors")]
struct Author {
    #[model(primary_key)]
    id: i64,
    name: String,
    bio: String,
}

#[partial_response]
#[derive(Model, serde::Serialize, Clone, Debug)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
    body: String,
    #[serde(skip)]
    author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    #[serde(skip_serializing_if = "Related::is_unloaded")]
    author: Related<Author>,
    #[model(has_many(Comment, foreign_key = post_id))]
    #[serde(skip_serializing_if = "Related::is_unloaded")]
    comments: Related<Vec<Comment>>,
}

#[partial_response]
#[derive(Model, serde::Serialize, Clone, Debug)]
#[model(table = "comments")]
struct Comment {
    #[model(primary_key)]
    id: i64,
    #[serde(skip)]
    post_id: i64,
    body: String,
    #[serde(skip)]
    author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    #[serde(skip_serializing_if = "Related::is_unloaded")]
    author: Related<Author>,
}

const SCHEMA: &str = "
    CREATE TABLE authors (id BIGINT PRIMARY KEY, name TEXT NOT NULL, bio TEXT NOT NULL, rank BIGINT NOT NULL);
    CREATE TABLE posts (id BIGINT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, author_id BIGINT NOT NULL);
    CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, body TEXT NOT NULL, author_id BIGINT NOT NULL);
    INSERT INTO authors VALUES (1, 'Ada', 'counts', 7), (2, 'Grace', 'compiles', 9);
    INSERT INTO posts VALUES (1, 'Notes', 'long', 1), (2, 'Bugs', 'longer', 2);
    INSERT INTO comments VALUES (1, 1, 'first', 2), (2, 1, 'second', 1), (3, 2, 'third', 1);
    CREATE TABLE tags (id BIGINT PRIMARY KEY, name TEXT NOT NULL, note TEXT NOT NULL);
    CREATE TABLE post_tags (post_id BIGINT NOT NULL, tag_id BIGINT NOT NULL);
    INSERT INTO tags VALUES (1, 'rust', 'a language'), (2, 'sql', 'a query language');
    INSERT INTO post_tags VALUES (1, 1), (1, 2), (2, 2);
";

/// What one `fields` value gives: the response, the `SELECT`s run, and their
/// texts (each distinct text once).
async fn run<DB: Engine>(db: &TestDb<DB>, fields: &str) -> (Value, u64, Vec<String>)
where
    Post: SelectModel<DB>,
    i64: Column<DB>,
{
    let scope = Scope::new().with_threshold(0);
    let session = Session::new(db.pool.clone()).with_scope(scope.clone());
    let selection = Selection::<Post>::parse(fields).unwrap();
    let posts = session
        .query::<Post>()
        .select(&selection)
        .all()
        .await
        .unwrap();
    let json = serde_json::to_value(posts.select(&selection)).unwrap();
    let statements: Vec<String> = scope
        .findings()
        .into_iter()
        .map(|finding| finding.statement)
        .collect();
    (json, scope.selects(), statements)
}

/// The statements reading `table`, up to their `WHERE` (whose placeholders
/// differ between the engines).
fn reading<'a>(statements: &'a [String], table: &str) -> Vec<&'a str> {
    let from = format!(r#" FROM "{table}" WHERE "#);
    statements
        .iter()
        .filter_map(|statement| {
            let end = statement.find(&from)? + from.len();
            Some(&statement[..end])
        })
        .collect()
}

async fn pushes_the_selection_down<DB: Engine>(db: &TestDb<DB>)
where
    Post: SelectModel<DB>,
    i64: Column<DB>,
{
    // Two columns, one statement; the others are not read (their defaults
    // are not serialized either).
    let (json, selects, statements) = run(db, "id,title").await;
    assert_eq!(selects, 1);
    assert_eq!(
        statements,
        [r#"SELECT "id", "title" FROM "posts" ORDER BY "id""#]
    );
    assert_eq!(
        json,
        json!([{"id": 1, "title": "Notes"}, {"id": 2, "title": "Bugs"}])
    );

    // The key is read even when not selected.
    let (json, selects, statements) = run(db, "title").await;
    assert_eq!(selects, 1);
    assert_eq!(
        statements,
        [r#"SELECT "id", "title" FROM "posts" ORDER BY "id""#]
    );
    assert_eq!(json, json!([{"title": "Notes"}, {"title": "Bugs"}]));

    // A belongs_to: its foreign key is read, and its rows in one statement.
    let (json, selects, statements) = run(db, "id,author(name)").await;
    assert_eq!(selects, 2, "{statements:?}");
    assert!(
        statements.contains(&r#"SELECT "id", "author_id" FROM "posts" ORDER BY "id""#.to_owned()),
        "{statements:?}"
    );
    // Of the authors, only the key and `name` (not `bio`).
    assert_eq!(
        reading(&statements, "authors"),
        [r#"SELECT "id", "name" FROM "authors" WHERE "#],
        "{statements:?}"
    );
    assert_eq!(
        json,
        json!([{"id": 1, "author": {"name": "Ada"}}, {"id": 2, "author": {"name": "Grace"}}])
    );

    // Two hops: posts, their comments, the comments' authors.
    let (json, selects, statements) = run(db, "id,comments(body,author(name))").await;
    assert_eq!(selects, 3, "{statements:?}");
    assert!(
        statements.contains(&r#"SELECT "id" FROM "posts" ORDER BY "id""#.to_owned()),
        "{statements:?}"
    );
    // Comments: the key, the column they are matched to posts by, `body`, and
    // the key of the author they select; their authors: the key and `name`.
    assert_eq!(
        reading(&statements, "comments"),
        [r#"SELECT "id", "post_id", "body", "author_id" FROM "comments" WHERE "#],
        "{statements:?}"
    );
    assert_eq!(
        reading(&statements, "authors"),
        [r#"SELECT "id", "name" FROM "authors" WHERE "#],
        "{statements:?}"
    );
    assert_eq!(
        json,
        json!([
            {"id": 1, "comments": [
                {"body": "first", "author": {"name": "Grace"}},
                {"body": "second", "author": {"name": "Ada"}}
            ]},
            {"id": 2, "comments": [{"body": "third", "author": {"name": "Ada"}}]}
        ])
    );

    // Everything: every column, every relation, nested.
    // (The posts' and the comments' authors: two relations, two statements.)
    let (json, selects, statements) = run(db, "*").await;
    assert_eq!(selects, 4, "{statements:?}");
    assert!(
        statements.contains(
            &r#"SELECT "id", "title", "body", "author_id" FROM "posts" ORDER BY "id""#.to_owned()
        ),
        "{statements:?}"
    );
    assert_eq!(
        reading(&statements, "authors"),
        [r#"SELECT "id", "name", "bio" FROM "authors" WHERE "#],
        "{statements:?}"
    );
    assert_eq!(
        reading(&statements, "comments"),
        [r#"SELECT "id", "post_id", "body", "author_id" FROM "comments" WHERE "#],
        "{statements:?}"
    );
    assert_eq!(json[0]["body"], "long");
    assert_eq!(json[0]["author"]["bio"], "counts");
    assert_eq!(json[1]["comments"][0]["author"]["name"], "Ada");
}

/// Unselected columns hold defaults in the loaded models; a page is bound.
async fn unselected_columns_hold_defaults<DB: Engine>(db: &TestDb<DB>)
where
    Post: SelectModel<DB>,
    i64: Column<DB>,
{
    let session = db.session();
    let selection = Selection::<Post>::parse("title").unwrap();
    let query = session.query::<Post>().select(&selection).page(Page {
        limit: 1,
        offset: 1,
    });
    assert_eq!(query.columns(), ["id", "title"]);
    let posts = query.all().await.unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!((posts[0].id, posts[0].title.as_str()), (2, "Bugs"));
    assert_eq!((posts[0].body.as_str(), posts[0].author_id), ("", 0));
    assert!(posts[0].author.is_unloaded() && posts[0].comments.is_unloaded());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    let db = counting::sqlite().await;
    unokit::db::sqlx::raw_sql(SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    pushes_the_selection_down(&db).await;
    unselected_columns_hold_defaults(&db).await;
    follows_a_cyclic_graph(&db).await;
    follows_a_many_to_many(&db).await;
    // SQLite reads a `u32`.
    let (json, _) = run_unsigned(&db, "id,author(rank)").await.unwrap();
    assert_eq!(json[0], json!({"id": 1, "author": {"rank": 7}}));
    db.finish().await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    let Some(db) = counting::postgres("select_pushdown").await else {
        return;
    };
    unokit::db::sqlx::raw_sql(SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    pushes_the_selection_down(&db).await;
    unselected_columns_hold_defaults(&db).await;
    follows_a_cyclic_graph(&db).await;
    follows_a_many_to_many(&db).await;
    // PostgreSQL has no `u32`: the authors cannot be read from it, so a
    // selection naming them fails, saying which relation; one that does not
    // name them loads.
    let error = run_unsigned(&db, "id,author(rank)").await.unwrap_err();
    assert!(
        matches!(
            error,
            DbError::NotSelectable {
                relation: "Post.author"
            }
        ),
        "{error:?}"
    );
    let (json, selects) = run_unsigned(&db, "id").await.unwrap();
    assert_eq!((json[1].clone(), selects), (json!({"id": 2}), 1));
    db.finish().await;
}

/// What one `fields` value gives on the cyclic graph: the response, the
/// `SELECT`s run, and their texts.
async fn run_cyclic<DB: Engine>(db: &TestDb<DB>, fields: &str) -> (Value, u64, Vec<String>)
where
    cyclic::Post: SelectModel<DB>,
    i64: Column<DB>,
{
    let scope = Scope::new().with_threshold(0);
    let session = Session::new(db.pool.clone()).with_scope(scope.clone());
    let selection = Selection::<cyclic::Post>::parse(fields).unwrap();
    let posts = session
        .query::<cyclic::Post>()
        .select(&selection)
        .all()
        .await
        .unwrap();
    let json = serde_json::to_value(posts.select(&selection)).unwrap();
    let statements = scope.findings().into_iter().map(|f| f.statement).collect();
    (json, scope.selects(), statements)
}

/// Post → Author → Vec<Post>: followed as deep as the selection names.
async fn follows_a_cyclic_graph<DB: Engine>(db: &TestDb<DB>)
where
    cyclic::Post: SelectModel<DB>,
    i64: Column<DB>,
{
    let (json, selects, statements) = run_cyclic(db, "id,author(name,posts(title))").await;
    assert_eq!(selects, 3, "{statements:?}");
    assert_eq!(
        reading(&statements, "authors"),
        [r#"SELECT "id", "name" FROM "authors" WHERE "#],
        "{statements:?}"
    );
    assert_eq!(
        reading(&statements, "posts"),
        [r#"SELECT "id", "title", "author_id" FROM "posts" WHERE "#],
        "{statements:?}"
    );
    assert_eq!(
        json,
        json!([
            {"id": 1, "author": {"name": "Ada", "posts": [{"title": "Notes"}]}},
            {"id": 2, "author": {"name": "Grace", "posts": [{"title": "Bugs"}]}}
        ])
    );

    // Round again: posts, their authors, the authors' posts, their authors.
    let (json, selects, _) = run_cyclic(db, "id,author(posts(author(bio)))").await;
    assert_eq!(selects, 4);
    assert_eq!(
        json[0],
        json!({"id": 1, "author": {"posts": [{"author": {"bio": "counts"}}]}})
    );

    // `name` has no `Default`: read although not selected, and not written.
    let (json, selects, statements) = run_cyclic(db, "author(bio)").await;
    assert_eq!(selects, 2);
    assert_eq!(
        reading(&statements, "authors"),
        [r#"SELECT "id", "name", "bio" FROM "authors" WHERE "#],
        "{statements:?}"
    );
    assert_eq!(json[1], json!({"author": {"bio": "compiles"}}));

    // `*` names no depth: it stops where the graph comes back to a model
    // already loaded on the way down (the authors' posts stay unloaded).
    let (json, selects, statements) = run_cyclic(db, "*").await;
    assert_eq!(selects, 2, "{statements:?}");
    assert_eq!(
        json[0],
        json!({"id": 1, "title": "Notes", "author": {"id": 1, "name": "Ada", "bio": "counts"}})
    );
}

/// The response and the `SELECT`s run for `fields` on [`unsigned::Post`].
async fn run_unsigned<DB: Engine>(db: &TestDb<DB>, fields: &str) -> Result<(Value, u64), DbError>
where
    unsigned::Post: SelectModel<DB>,
    i64: Column<DB>,
{
    let scope = Scope::new().with_threshold(0);
    let session = Session::new(db.pool.clone()).with_scope(scope.clone());
    let selection = Selection::<unsigned::Post>::parse(fields).unwrap();
    let posts = session
        .query::<unsigned::Post>()
        .select(&selection)
        .all()
        .await?;
    let json = serde_json::to_value(posts.select(&selection)).unwrap();
    Ok((json, scope.selects()))
}

/// A `many_to_many`: the rows come with the join table's parent key first,
/// then only the selected columns of the tags.
async fn follows_a_many_to_many<DB: Engine>(db: &TestDb<DB>)
where
    tagged::Post: SelectModel<DB>,
    i64: Column<DB>,
{
    let scope = Scope::new().with_threshold(0);
    let session = Session::new(db.pool.clone()).with_scope(scope.clone());
    let selection = Selection::<tagged::Post>::parse("id,tags(name)").unwrap();
    let posts = session
        .query::<tagged::Post>()
        .select(&selection)
        .all()
        .await
        .unwrap();
    let json = serde_json::to_value(posts.select(&selection)).unwrap();
    assert_eq!(
        json,
        json!([
            {"id": 1, "tags": [{"name": "rust"}, {"name": "sql"}]},
            {"id": 2, "tags": [{"name": "sql"}]}
        ])
    );
    let statements: Vec<String> = scope.findings().into_iter().map(|f| f.statement).collect();
    assert_eq!(scope.selects(), 2, "{statements:?}");
    assert!(
        statements
            .iter()
            .any(|s| s
                .starts_with(r#"SELECT "j"."post_id", "t"."id", "t"."name" FROM "tags" t JOIN"#)),
        "{statements:?}"
    );
}
