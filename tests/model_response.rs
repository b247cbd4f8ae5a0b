//! A `#[derive(Model)]` struct as a `#[partial_response]` type: loaded
//! relations serialize as their values, the selection picks fields through
//! them, and a selected relation that was not loaded is an error naming it.
#![cfg(feature = "sqlite")]

use serde_json::{Value, json};
use unokit::db::Related;
use unokit::select::{Selectable, Selection};
use unokit::{Model, partial_response};

#[partial_response]
#[derive(Model, serde::Serialize, Clone, Debug)]
#[model(table = "authors")]
struct Author {
    #[model(primary_key)]
    id: i64,
    name: String,
}

#[partial_response]
#[derive(Model, serde::Serialize, Clone, Debug)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
    #[serde(skip)]
    author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
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
}

fn json_of<T: Selectable<Root = T> + serde::Serialize>(value: &T, fields: &str) -> Value {
    let selection = Selection::<T>::parse(fields).unwrap();
    serde_json::to_value(value.select(&selection)).unwrap()
}

async fn database() -> unokit_fixtures::counting::TestDb<unokit::db::sqlx::Sqlite> {
    let db = unokit_fixtures::counting::sqlite().await;
    unokit::db::sqlx::raw_sql(
        "CREATE TABLE authors (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE posts (id BIGINT PRIMARY KEY, title TEXT NOT NULL, author_id BIGINT NOT NULL);
         CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, body TEXT NOT NULL);
         INSERT INTO authors VALUES (1, 'Ada');
         INSERT INTO posts VALUES (1, 'Notes', 1);
         INSERT INTO comments VALUES (1, 1, 'first'), (2, 1, 'second');",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loaded_relations_serialize_as_their_values_under_a_selection() {
    let db = database().await;
    let session = db.session();
    let posts = session
        .query::<Post>()
        .include(Post::AUTHOR)
        .include(Post::COMMENTS)
        .all()
        .await
        .unwrap();
    let post = &posts[0];
    assert_eq!(
        json_of(post, "id,author(name),comments/body"),
        json!({"id": 1, "author": {"name": "Ada"}, "comments": [{"body": "first"}, {"body": "second"}]})
    );
    assert_eq!(
        serde_json::to_value(post).unwrap(),
        json!({"id": 1, "title": "Notes", "author": {"id": 1, "name": "Ada"},
               "comments": [{"id": 1, "body": "first"}, {"id": 2, "body": "second"}]})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relation_that_was_not_loaded_is_skipped_unselected_and_an_error_selected() {
    let db = database().await;
    let session = db.session();
    let posts = session.all::<Post>().await.unwrap();
    let post = &posts[0];
    // Relations are loaded by their own statements: no column of the row.
    let selection = Selection::<Post>::parse("id,author(name),comments/body").unwrap();
    assert_eq!(selection.columns(), ["id"]);
    assert_eq!(Selection::<Post>::all().columns(), ["id", "title"]);
    // Not selected: never read, so it need not be loaded.
    assert_eq!(
        json_of(post, "id,title"),
        json!({"id": 1, "title": "Notes"})
    );
    // `skip_serializing_if = "Related::is_unloaded"` leaves it out.
    assert_eq!(json_of(post, "id,comments"), json!({"id": 1}));
    // Selected and not loaded: the query forgot an `include`.
    let selection = Selection::<Post>::parse("id,author(name)").unwrap();
    let error = serde_json::to_string(&post.select(&selection)).unwrap_err();
    assert!(
        error.to_string().contains(
            "`Related<model_response::Author>` was serialized but the relation was not loaded"
        ),
        "{error}"
    );
    assert!(serde_json::to_string(post).is_err());
}

/// Includes that follow what the request selected, on one query type: a
/// relation the selection does not name is not loaded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn includes_follow_the_selection_without_changing_the_query_type() {
    let db = database().await;
    for (fields, statements, expected) in [
        ("id,title", 1, json!({"id": 1, "title": "Notes"})),
        (
            "id,author(name)",
            2,
            json!({"id": 1, "author": {"name": "Ada"}}),
        ),
        (
            "author/name,comments/body",
            3,
            json!({"author": {"name": "Ada"}, "comments": [{"body": "first"}, {"body": "second"}]}),
        ),
    ] {
        let selection = Selection::<Post>::parse(fields).unwrap();
        db.reset_count();
        let posts = db
            .session()
            .query::<Post>()
            .include_if(selection.wants("author"), Post::AUTHOR)
            .include_if(selection.wants("comments"), Post::COMMENTS)
            .all()
            .await
            .unwrap();
        assert_eq!(db.selects(), statements, "{fields}");
        assert_eq!(
            serde_json::to_value(posts[0].select(&selection)).unwrap(),
            expected,
            "{fields}"
        );
    }
}
