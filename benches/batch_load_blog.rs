//! The blog fixture of `batch_load.rs`: 100 posts, each with an author and 10
//! comments, each comment with an author, in a SQLite file database; and the
//! three ways of loading it that do not use unokit's relations.

use futures::future::join_all;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use std::collections::HashMap;
use unokit::Model;
use unokit::db::{Engine as _, ModelRow, Related, Session};

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

const SCHEMA: &str = "
    DROP TABLE IF EXISTS authors; DROP TABLE IF EXISTS posts; DROP TABLE IF EXISTS comments;
    CREATE TABLE authors (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE posts (id BIGINT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, author_id BIGINT NOT NULL);
    CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, author_id BIGINT NOT NULL, body TEXT NOT NULL);
    CREATE INDEX comments_by_post ON comments (post_id);
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 40)
        INSERT INTO authors SELECT x, 'author ' || x FROM n;
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100)
        INSERT INTO posts SELECT x, 'post ' || x, 'body of post ' || x, x % 40 + 1 FROM n;
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000)
        INSERT INTO comments SELECT x, (x - 1) / 10 + 1, x * 7 % 40 + 1, 'comment ' || x FROM n;
";

fn path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("unokit-bench-blog-{}.db", std::process::id()))
}

/// Closes `pool` and removes its database files.
pub async fn remove(pool: SqlitePool) {
    pool.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

/// A fresh, seeded SQLite file database in the temporary directory.
pub async fn database() -> SqlitePool {
    let path = path();
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .expect("a SQLite file database");
    sqlx::raw_sql(SCHEMA)
        .execute(&pool)
        .await
        .expect("the schema and seed");
    pool
}

fn rows<M: ModelRow<Sqlite>>(rows: &[sqlx::sqlite::SqliteRow]) -> Vec<M> {
    rows.iter()
        .map(|row| M::from_row(row, 0).expect("a row"))
        .collect()
}

/// The N+1 loop: a statement per post for its author and its comments, one per
/// comment for its author (1 + 100 + 100 + 1000 statements).
pub async fn naive(pool: &SqlitePool) -> Vec<Post> {
    let statements = Sqlite::statements::<Post>();
    let mut posts: Vec<Post> = rows(
        &sqlx::query(statements.select_all)
            .fetch_all(pool)
            .await
            .unwrap(),
    );
    let comments_sql = format!(
        "{} WHERE \"post_id\" = ? ORDER BY \"id\"",
        Sqlite::statements::<Comment>().select
    );
    for post in &mut posts {
        let author = sqlx::query(Sqlite::statements::<Author>().by_key)
            .bind(post.author_id)
            .fetch_one(pool)
            .await
            .unwrap();
        post.author
            .set(<Author as ModelRow<Sqlite>>::from_row(&author, 0).unwrap());
        let mut comments: Vec<Comment> = rows(
            &sqlx::query(&comments_sql)
                .bind(post.id)
                .fetch_all(pool)
                .await
                .unwrap(),
        );
        for comment in &mut comments {
            let author = sqlx::query(Sqlite::statements::<Author>().by_key)
                .bind(comment.author_id)
                .fetch_one(pool)
                .await
                .unwrap();
            comment
                .author
                .set(<Author as ModelRow<Sqlite>>::from_row(&author, 0).unwrap());
        }
        post.comments.set(comments);
    }
    posts
}

/// What an expert writes by hand: one `IN (...)` statement per hop, grouped in maps.
pub async fn hand_batched(pool: &SqlitePool) -> Vec<Post> {
    let mut posts: Vec<Post> = rows(
        &sqlx::query(Sqlite::statements::<Post>().select_all)
            .fetch_all(pool)
            .await
            .unwrap(),
    );
    let post_ids: Vec<i64> = posts.iter().map(|post| post.id).collect();
    let mut comments: Vec<Comment> = rows(
        &where_in(
            pool,
            Sqlite::statements::<Comment>().select,
            "post_id",
            &post_ids,
        )
        .await,
    );
    let mut author_ids: Vec<i64> = posts.iter().map(|post| post.author_id).collect();
    let post_authors = authors(pool, &author_ids).await;
    author_ids = comments.iter().map(|comment| comment.author_id).collect();
    let comment_authors = authors(pool, &author_ids).await;
    let mut by_post: HashMap<i64, Vec<Comment>> = HashMap::new();
    for mut comment in comments.drain(..) {
        comment
            .author
            .set(comment_authors[&comment.author_id].clone());
        by_post.entry(comment.post_id).or_default().push(comment);
    }
    for post in &mut posts {
        post.author.set(post_authors[&post.author_id].clone());
        post.comments
            .set(by_post.remove(&post.id).unwrap_or_default());
    }
    posts
}

async fn authors(pool: &SqlitePool, ids: &[i64]) -> HashMap<i64, Author> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    rows::<Author>(&where_in(pool, Sqlite::statements::<Author>().select, "id", &ids).await)
        .into_iter()
        .map(|author| (author.id, author))
        .collect()
}

async fn where_in(
    pool: &SqlitePool,
    select: &str,
    column: &str,
    keys: &[i64],
) -> Vec<sqlx::sqlite::SqliteRow> {
    let mut query = QueryBuilder::<Sqlite>::new(format!("{select} WHERE \"{column}\" IN ("));
    let mut list = query.separated(", ");
    for key in keys {
        list.push_bind(*key);
    }
    query.push(") ORDER BY \"id\"");
    query.build().fetch_all(pool).await.unwrap()
}

/// unokit, eagerly: four statements.
pub async fn eager(pool: &SqlitePool) -> Vec<Post> {
    Session::new(pool.clone())
        .query::<Post>()
        .include(Post::AUTHOR)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .all()
        .await
        .unwrap()
}

/// unokit, lazily, from a task per post: four statements too.
pub async fn lazy_concurrent(pool: &SqlitePool) -> Vec<Post> {
    let session = Session::new(pool.clone());
    let posts = session.all::<Post>().await.unwrap();
    let tasks: Vec<_> = posts
        .into_iter()
        .map(|mut post| {
            let session = session.clone();
            tokio::spawn(async move {
                Post::AUTHOR.load(&session, &mut post).await.unwrap();
                Post::COMMENTS.load(&session, &mut post).await.unwrap();
                let comments = post.comments.get_mut().unwrap();
                join_all(
                    comments
                        .iter_mut()
                        .map(|comment| Comment::AUTHOR.load(&session, comment)),
                )
                .await;
                post
            })
        })
        .collect();
    let mut loaded = Vec::with_capacity(tasks.len());
    for task in tasks {
        loaded.push(task.await.unwrap());
    }
    loaded
}

/// Checks, before measuring, that every way loads the same posts.
pub async fn check_all_equal(pool: &SqlitePool) {
    let naive = naive(pool).await;
    assert_eq!(naive.len(), 100);
    assert_eq!(hand_batched(pool).await, naive);
    assert_eq!(eager(pool).await, naive);
    assert_eq!(lazy_concurrent(pool).await, naive);
}
