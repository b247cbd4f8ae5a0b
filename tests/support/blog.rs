//! The blog fixture: 100 posts, each with an author, 10 comments and 3 tags;
//! each comment with an author. Models, schema, seed, and the naive N+1 loop.

use unokit::Model;
use unokit::db::sqlx::Arguments;
use unokit::db::{Column, DbError, Engine, ModelRow, Related, Session};

pub const POSTS: i64 = 100;
pub const COMMENTS_PER_POST: i64 = 10;
pub const AUTHORS: i64 = 40;
pub const TAGS: i64 = 12;

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "authors")]
pub struct Author {
    #[model(primary_key)]
    pub id: i64,
    pub name: String,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "posts")]
pub struct Post {
    #[model(primary_key)]
    pub id: i64,
    pub title: String,
    pub body: String,
    pub author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    pub author: Related<Author>,
    #[model(has_many(Comment, foreign_key = post_id))]
    pub comments: Related<Vec<Comment>>,
    #[model(many_to_many(Tag, through = "post_tags", local = post_id, remote = tag_id))]
    pub tags: Related<Vec<Tag>>,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "comments")]
pub struct Comment {
    #[model(primary_key)]
    pub id: i64,
    pub post_id: i64,
    pub author_id: i64,
    pub body: String,
    #[model(belongs_to(Author, key = author_id))]
    pub author: Related<Author>,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "tags")]
pub struct Tag {
    #[model(primary_key)]
    pub id: i64,
    pub name: String,
}

/// Selective loading: a post's title and its comments' bodies, nothing else.
#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "posts", partial_of = Post)]
pub struct PostTitle {
    #[model(primary_key)]
    pub id: i64,
    pub title: String,
    #[model(has_many(CommentBody, foreign_key = post_id))]
    pub comments: Related<Vec<CommentBody>>,
}

#[derive(Model, Clone, Debug, PartialEq)]
#[model(table = "comments", partial_of = Comment)]
pub struct CommentBody {
    #[model(primary_key)]
    pub id: i64,
    pub post_id: i64,
    pub body: String,
}

pub const SCHEMA: &str = "
    CREATE TABLE authors (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE posts (id BIGINT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, author_id BIGINT NOT NULL);
    CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, author_id BIGINT NOT NULL, body TEXT NOT NULL);
    CREATE INDEX comments_by_post ON comments (post_id);
    CREATE TABLE tags (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE post_tags (post_id BIGINT NOT NULL, tag_id BIGINT NOT NULL, PRIMARY KEY (post_id, tag_id));
";

pub fn post_author(post: i64) -> i64 {
    post % AUTHORS + 1
}

pub fn comment_author(comment: i64) -> i64 {
    (comment * 7) % AUTHORS + 1
}

/// The tags of a post: three, by a rule that gives tags different posts.
pub fn post_tags(post: i64) -> [i64; 3] {
    [
        post % TAGS + 1,
        (post + 3) % TAGS + 1,
        (post * 5 + 7) % TAGS + 1,
    ]
}

/// Fills the tables through the session's generated insert helpers.
pub async fn seed<DB: Engine>(session: &Session<DB>) -> Result<(), DbError>
where
    Author: ModelRow<DB>,
    Post: ModelRow<DB>,
    Comment: ModelRow<DB>,
    Tag: ModelRow<DB>,
    i64: Column<DB>,
{
    for id in 1..=AUTHORS {
        session
            .insert(&Author {
                id,
                name: format!("author {id}"),
            })
            .await?;
    }
    for id in 1..=TAGS {
        session
            .insert(&Tag {
                id,
                name: format!("tag {id}"),
            })
            .await?;
    }
    for post in 1..=POSTS {
        session
            .insert(&Post {
                id: post,
                title: format!("post {post}"),
                body: format!("body of post {post}"),
                author_id: post_author(post),
                author: Related::default(),
                comments: Related::default(),
                tags: Related::default(),
            })
            .await?;
        for comment in (post - 1) * COMMENTS_PER_POST + 1..=post * COMMENTS_PER_POST {
            session
                .insert(&Comment {
                    id: comment,
                    post_id: post,
                    author_id: comment_author(comment),
                    body: format!("comment {comment} on post {post}"),
                    author: Related::default(),
                })
                .await?;
        }
        let mut tags = post_tags(post).to_vec();
        tags.sort_unstable();
        tags.dedup();
        for tag in tags {
            let mut sql = String::from("INSERT INTO post_tags (post_id, tag_id) VALUES (");
            DB::push_placeholder(&mut sql, 1);
            sql.push_str(", ");
            DB::push_placeholder(&mut sql, 2);
            sql.push(')');
            let mut arguments = <DB::Arguments<'_>>::default();
            arguments.add(post).unwrap();
            arguments.add(tag).unwrap();
            DB::execute(session.pool(), &sql, arguments).await?;
        }
    }
    Ok(())
}

/// What an application does without batching: a statement per post for its
/// author and its comments, and one per comment for its author.
pub async fn naive<DB: Engine>(session: &Session<DB>) -> Result<Vec<Post>, DbError>
where
    Author: ModelRow<DB>,
    Post: ModelRow<DB>,
    Comment: ModelRow<DB>,
    i64: Column<DB>,
{
    let pool = session.pool();
    let rows = DB::fetch_all(
        pool,
        DB::statements::<Post>().select_all,
        Default::default(),
    )
    .await?;
    let mut posts = rows
        .iter()
        .map(|row| Post::from_row(row, 0))
        .collect::<Result<Vec<_>, _>>()?;
    let mut comments_sql = format!(
        "{} WHERE \"post_id\" = ",
        DB::statements::<Comment>().select
    );
    DB::push_placeholder(&mut comments_sql, 1);
    comments_sql.push_str(" ORDER BY \"id\"");
    for post in &mut posts {
        post.author
            .set(author_by_id(session, post.author_id).await?);
        let mut arguments = <DB::Arguments<'_>>::default();
        arguments.add(post.id).unwrap();
        let rows = DB::fetch_all(pool, &comments_sql, arguments).await?;
        let mut comments = rows
            .iter()
            .map(|row| Comment::from_row(row, 0))
            .collect::<Result<Vec<_>, _>>()?;
        for comment in &mut comments {
            comment
                .author
                .set(author_by_id(session, comment.author_id).await?);
        }
        post.comments.set(comments);
    }
    Ok(posts)
}

async fn author_by_id<DB: Engine>(session: &Session<DB>, id: i64) -> Result<Author, DbError>
where
    Author: ModelRow<DB>,
    i64: Column<DB>,
{
    let mut arguments = <DB::Arguments<'_>>::default();
    arguments.add(id).unwrap();
    let rows = DB::fetch_all(session.pool(), DB::statements::<Author>().by_key, arguments).await?;
    Ok(Author::from_row(&rows[0], 0)?)
}
