//! The blog of `unokit_fixtures::file_blog`, loaded by Diesel the way its guide
//! says: `belonging_to` + `grouped_by` for the comments, `eq_any` for the
//! authors, one statement per hop on a synchronous connection (Diesel's SQLite
//! runs on the calling thread: no channel per row). The result is the same
//! `Vec<Post>` unokit gives, so that the benchmark checks equality.

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use std::collections::HashMap;
use unokit::db::Related;
use unokit_fixtures::file_blog::{Author, Comment, Post};

diesel::table! {
    authors (id) {
        id -> BigInt,
        name -> Text,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        title -> Text,
        body -> Text,
        author_id -> BigInt,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        post_id -> BigInt,
        author_id -> BigInt,
        body -> Text,
    }
}

diesel::joinable!(comments -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(authors, posts, comments);

#[derive(Queryable, Selectable, Identifiable)]
#[diesel(table_name = posts)]
struct DieselPost {
    id: i64,
    title: String,
    body: String,
    author_id: i64,
}

#[derive(Queryable, Selectable, Identifiable, Associations)]
#[diesel(belongs_to(DieselPost, foreign_key = post_id))]
#[diesel(table_name = comments)]
struct DieselComment {
    id: i64,
    post_id: i64,
    author_id: i64,
    body: String,
}

/// A connection to the blog's file database.
pub fn connect(path: &std::path::Path) -> SqliteConnection {
    SqliteConnection::establish(path.to_str().expect("a UTF-8 path")).expect("the blog database")
}

fn authors_by_id(
    connection: &mut SqliteConnection,
    ids: impl Iterator<Item = i64>,
) -> HashMap<i64, Author> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    authors::table
        .filter(authors::id.eq_any(ids))
        .select((authors::id, authors::name))
        .load::<(i64, String)>(connection)
        .expect("the authors")
        .into_iter()
        .map(|(id, name)| (id, Author { id, name }))
        .collect()
}

/// Posts, their authors, their comments, the comments' authors: 4 statements.
pub fn load(connection: &mut SqliteConnection) -> Vec<Post> {
    let posts: Vec<DieselPost> = posts::table
        .order(posts::id)
        .select(DieselPost::as_select())
        .load(connection)
        .expect("the posts");
    let comments: Vec<DieselComment> = DieselComment::belonging_to(&posts)
        .order(comments::id)
        .select(DieselComment::as_select())
        .load(connection)
        .expect("the comments");
    let post_authors = authors_by_id(connection, posts.iter().map(|post| post.author_id));
    let comment_authors =
        authors_by_id(connection, comments.iter().map(|comment| comment.author_id));
    let grouped = comments.grouped_by(&posts);
    posts
        .into_iter()
        .zip(grouped)
        .map(|(post, comments)| Post {
            id: post.id,
            title: post.title,
            body: post.body,
            author_id: post.author_id,
            author: Related::loaded(post_authors[&post.author_id].clone()),
            comments: Related::loaded(
                comments
                    .into_iter()
                    .map(|comment| Comment {
                        id: comment.id,
                        post_id: comment.post_id,
                        author_id: comment.author_id,
                        body: comment.body,
                        author: Related::loaded(comment_authors[&comment.author_id].clone()),
                    })
                    .collect(),
            ),
        })
        .collect()
}
