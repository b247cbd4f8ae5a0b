//! `#[derive(Model)]` in a user crate that shadows prelude names and denies
//! `clippy::pedantic` and missing docs.
#![deny(clippy::pedantic, missing_docs)]
#![allow(dead_code, non_camel_case_types)]

mod core {}
mod std {}
type Result = ();
type Option = ();
struct Some;
struct Ok;
struct Clone;
struct Default;
struct Vec;
struct String;

use unokit::db::Related;
use unokit::Model;

/// An author.
#[derive(Model, ::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
#[model(table = "authors")]
pub struct Author {
    /// The key.
    #[model(primary_key)]
    pub id: i64,
    /// The name.
    pub name: ::std::string::String,
}

/// A post.
#[derive(Model, ::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
#[model(table = "posts")]
pub struct Post {
    /// The key.
    #[model(primary_key)]
    pub id: i64,
    /// Who wrote it.
    pub author_id: i64,
    /// The author.
    #[model(belongs_to(Author, key = author_id))]
    pub author: Related<Author>,
    /// Its comments.
    #[model(has_many(Comment, foreign_key = post_id))]
    pub comments: Related<::std::vec::Vec<Comment>>,
    /// Its tags.
    #[model(many_to_many(Tag, through = "post_tags", local = post_id, remote = tag_id))]
    pub tags: Related<::std::vec::Vec<Tag>>,
}

/// A comment.
#[derive(Model, ::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
#[model(table = "comments")]
pub struct Comment {
    /// The key.
    #[model(primary_key)]
    pub id: i64,
    /// The post.
    pub post_id: i64,
}

/// A tag.
#[derive(Model, ::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
#[model(table = "tags")]
pub struct Tag {
    /// The key.
    #[model(primary_key)]
    pub id: i64,
}

/// A partial post.
#[derive(Model, ::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
#[model(table = "posts", partial_of = Post)]
pub(crate) struct PostAuthorId {
    #[model(primary_key)]
    id: i64,
    author_id: i64,
}

#[cfg(test)]
mod tests {
    use super::{Author, Comment, Post, Tag};
    use unokit::db::Session;

    #[tokio::test]
    async fn generated_models_work_here() {
        let pool = unokit::db::sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        unokit::db::sqlx::raw_sql(
            "CREATE TABLE authors (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE posts (id BIGINT PRIMARY KEY, author_id BIGINT NOT NULL);
             CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL);
             CREATE TABLE tags (id BIGINT PRIMARY KEY);
             CREATE TABLE post_tags (post_id BIGINT, tag_id BIGINT);
             INSERT INTO authors VALUES (1, 'ada');
             INSERT INTO posts VALUES (1, 1);
             INSERT INTO comments VALUES (1, 1), (2, 1);
             INSERT INTO tags VALUES (7);
             INSERT INTO post_tags VALUES (1, 7);",
        )
        .execute(&pool)
        .await
        .unwrap();
        let session = Session::new(pool);
        let posts = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::COMMENTS)
            .include(Post::TAGS)
            .all()
            .await
            .unwrap();
        ::core::assert_eq!(posts[0].author.get().unwrap().name, "ada");
        ::core::assert_eq!(posts[0].comments.get().unwrap().len(), 2);
        ::core::assert_eq!(posts[0].tags.get().unwrap()[0], Tag { id: 7 });
        let mut comment: Comment = session.find::<Comment>(2).await.unwrap().unwrap();
        comment.post_id = 1;
        ::core::assert_eq!(session.update(&comment).await.unwrap(), 1);
        let _: ::core::option::Option<Author> = session.find::<Author>(1).await.unwrap();
    }
}

/// A filter of posts, every operator kind.
#[derive(unokit::Filter)]
#[filter(model = Post)]
pub struct PostFilter {
    /// `author_id = ?`
    pub author_id: ::core::option::Option<i64>,
    /// `id IN (...)`
    #[filter(op = "in")]
    pub id: ::core::option::Option<::std::vec::Vec<i64>>,
    /// `id >= ?`
    #[filter(op = "gte", column = "id")]
    pub since: ::core::option::Option<i64>,
    /// An `OR` group.
    #[filter(op = "any_of")]
    pub any: ::core::option::Option<PostGroup>,
}

/// A group of post conditions.
#[derive(unokit::Filter)]
#[filter(model = Post)]
pub struct PostGroup {
    /// `id <> ?`
    #[filter(op = "ne", column = "id")]
    pub not_id: ::core::option::Option<i64>,
}

/// A filter of authors by name.
#[derive(unokit::Filter)]
#[filter(model = Author)]
pub struct AuthorFilter {
    /// `name LIKE ? ESCAPE '\'`
    #[filter(op = "contains")]
    pub name: ::core::option::Option<::std::string::String>,
}

/// The sort keys of posts.
#[derive(unokit::Sort, ::core::clone::Clone, ::core::marker::Copy)]
#[sort(model = Post)]
pub enum PostSort {
    /// Newest first.
    #[sort(desc = "id")]
    Newest,
    /// By author.
    #[sort(asc = "author_id")]
    Author,
}
