//! The check from the model derives on both engines: a `has_many` or
//! `many_to_many` whose lookup column no index leads with is a finding; an
//! indexed one, and a `belongs_to` (which searches a primary key), are not.

// The models are here for what their derives list, not to be read.
#![allow(dead_code)]

mod common;

use common::{DEADLINE, PgScratch, SqliteScratch, pg_base_url};
use unokit::Model;
use unokit::db::{Model as _, Related};
use unokit_advisor::{Database, Finding, FindingKind, unindexed_lookups};

#[derive(Model, Clone)]
#[model(table = "authors")]
struct Author {
    #[model(primary_key)]
    id: i64,
    #[model(has_many(Post, foreign_key = author_id))]
    posts: Related<Vec<Post>>,
}

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    author: Related<Author>,
    #[model(has_many(Comment, foreign_key = post_id))]
    comments: Related<Vec<Comment>>,
    #[model(many_to_many(Tag, through = "post_tags", local = post_id, remote = tag_id))]
    tags: Related<Vec<Tag>>,
}

#[derive(Model, Clone)]
#[model(table = "comments")]
struct Comment {
    #[model(primary_key)]
    id: i64,
    post_id: i64,
}

#[derive(Model, Clone)]
#[model(table = "tags")]
struct Tag {
    #[model(primary_key)]
    id: i64,
}

/// `posts.author_id` is indexed (second in a two-column index is not enough,
/// so the index leads with it); `comments.post_id` is not; the join table's
/// primary key leads with `tag_id`, which does not serve `post_id`.
const SCHEMA: &str = "
CREATE TABLE authors (id BIGINT PRIMARY KEY);
CREATE TABLE posts (id BIGINT PRIMARY KEY, author_id BIGINT NOT NULL);
CREATE INDEX posts_author ON posts (author_id, id);
CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL);
CREATE INDEX comments_id_post ON comments (id, post_id);
CREATE TABLE tags (id BIGINT PRIMARY KEY);
CREATE TABLE post_tags (tag_id BIGINT NOT NULL, post_id BIGINT NOT NULL, PRIMARY KEY (tag_id, post_id));
";

fn lookups() -> Vec<unokit::db::Lookup> {
    [
        Author::LOOKUPS,
        Post::LOOKUPS,
        Comment::LOOKUPS,
        Tag::LOOKUPS,
    ]
    .concat()
}

fn check(findings: &[Finding]) {
    let got: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| {
            assert_eq!(f.kind, FindingKind::UnindexedRelation);
            (f.step.as_str(), f.why.as_str())
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[0].0, "Post.comments: comments.post_id");
    assert!(
        got[0]
            .1
            .contains("CREATE INDEX comments_post_id_idx ON comments (post_id);"),
        "{}",
        got[0].1
    );
    assert_eq!(got[1].0, "Post.tags: post_tags.post_id");
}

#[test]
fn the_derive_lists_what_its_relations_search() {
    assert_eq!(Author::LOOKUPS.len(), 1);
    // belongs_to searches the primary key of `authors`: not listed.
    assert_eq!(Post::LOOKUPS.len(), 2);
    assert!(Comment::LOOKUPS.is_empty());
    assert_eq!(Post::LOOKUPS[1].table, "post_tags");
}

#[tokio::test]
async fn sqlite_unindexed_lookups() {
    let fx = SqliteScratch::new(SCHEMA).await;
    fx.close().await;
    let db = Database::connect(&fx.url(), DEADLINE).await.unwrap();
    check(&unindexed_lookups(&db, &lookups()).await.unwrap());
}

#[tokio::test]
async fn postgres_unindexed_lookups() {
    let Some(base) = pg_base_url() else { return };
    let fx = PgScratch::new(&base, SCHEMA).await;
    let db = Database::connect(&fx.url, DEADLINE).await.unwrap();
    check(&unindexed_lookups(&db, &lookups()).await.unwrap());
    if let Database::Postgres(p) = db {
        p.close().await;
    }
    fx.drop_schema().await;
}
