//! The blog of `unokit_fixtures::file_blog` on PostgreSQL, in a schema of its
//! own, and the ways of loading it: the naive loop, hand-written batching
//! (`= ANY($1)` with the keys bound as one array, as one writes it for
//! PostgreSQL) and its equivalents with the four statements sent at once
//! (in one task, or a task each), unokit per-hop, nested (on one connection,
//! or as one statement's document) and concurrent hops.

use std::collections::HashMap;
use unokit::db::sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use unokit::db::sqlx::{self, Postgres};
use unokit::db::{Engine as _, ModelRow, Session};
use unokit_fixtures::file_blog::{Author, Comment, Post};

const SEED: &str = "
    CREATE TABLE authors (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE posts (id BIGINT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, author_id BIGINT NOT NULL);
    CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, author_id BIGINT NOT NULL, body TEXT NOT NULL);
    CREATE INDEX comments_by_post ON comments (post_id);
    INSERT INTO authors SELECT x, 'author ' || x FROM generate_series(1, 40) x;
    INSERT INTO posts SELECT x, 'post ' || x, 'body of post ' || x, x % 40 + 1 FROM generate_series(1, 100) x;
    INSERT INTO comments SELECT x, (x - 1) / 10 + 1, x * 7 % 40 + 1, 'comment ' || x FROM generate_series(1, 1000) x;
    ANALYZE;
";

fn schema() -> String {
    format!("unokit_bench_nested_{}", std::process::id())
}

/// A fresh schema, seeded, and a pool of four whose search path is it.
pub async fn database(url: &str) -> PgPool {
    let schema = schema();
    let admin = PgPool::connect(url).await.expect("PostgreSQL");
    sqlx::raw_sql(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    ))
    .execute(&admin)
    .await
    .expect("the schema");
    admin.close().await;
    let pool = connect(url).await;
    sqlx::raw_sql(SEED).execute(&pool).await.expect("the seed");
    pool
}

/// Another pool of four on the schema [`database`] made, for another runtime
/// (a pool's connections are driven by the runtime that opened them).
pub async fn connect(url: &str) -> PgPool {
    let options: PgConnectOptions = url.parse().expect("a PostgreSQL URL");
    PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options.options([("search_path", schema().as_str())]))
        .await
        .expect("PostgreSQL")
}

/// Closes `pool` and drops its schema.
pub async fn remove(pool: PgPool, url: &str) {
    pool.close().await;
    let admin = PgPool::connect(url).await.expect("PostgreSQL");
    sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {} CASCADE", schema()))
        .execute(&admin)
        .await
        .expect("dropped");
    admin.close().await;
}

fn rows<M: ModelRow<Postgres>>(rows: &[PgRow]) -> Vec<M> {
    rows.iter()
        .map(|row| M::from_row(row, 0).expect("a row"))
        .collect()
}

async fn author(pool: &PgPool, id: i64) -> Author {
    let row = sqlx::query(Postgres::statements::<Author>().by_key)
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap();
    <Author as ModelRow<Postgres>>::from_row(&row, 0).unwrap()
}

/// The N+1 loop: 1 + 100 + 100 + 1000 statements.
pub async fn naive(pool: &PgPool) -> Vec<Post> {
    let select_all = Postgres::statements::<Post>().select_all;
    let mut posts: Vec<Post> = rows(&sqlx::query(select_all).fetch_all(pool).await.unwrap());
    let comments_sql = format!(
        "{} WHERE \"post_id\" = $1 ORDER BY \"id\"",
        Postgres::statements::<Comment>().select
    );
    for post in &mut posts {
        post.author.set(author(pool, post.author_id).await);
        let found = sqlx::query(&comments_sql)
            .bind(post.id)
            .fetch_all(pool)
            .await
            .unwrap();
        let mut comments: Vec<Comment> = rows(&found);
        for comment in &mut comments {
            comment.author.set(author(pool, comment.author_id).await);
        }
        post.comments.set(comments);
    }
    posts
}

async fn any<'c>(
    executor: impl sqlx::Executor<'c, Database = Postgres>,
    select: &str,
    column: &str,
    keys: &[i64],
) -> Vec<PgRow> {
    sqlx::query(&format!(
        "{select} WHERE \"{column}\" = ANY($1) ORDER BY \"id\""
    ))
    .bind(keys)
    .fetch_all(executor)
    .await
    .unwrap()
}

async fn authors<'c>(
    executor: impl sqlx::Executor<'c, Database = Postgres>,
    ids: impl Iterator<Item = i64>,
) -> Vec<Author> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    let select = Postgres::statements::<Author>().select;
    rows(&any(executor, select, "id", &ids).await)
}

/// What an expert writes by hand: one `= ANY($1)` statement per hop.
pub async fn hand_batched(pool: &PgPool) -> Vec<Post> {
    let select_all = Postgres::statements::<Post>().select_all;
    let posts: Vec<Post> = rows(&sqlx::query(select_all).fetch_all(pool).await.unwrap());
    let post_ids: Vec<i64> = posts.iter().map(|post| post.id).collect();
    let select = Postgres::statements::<Comment>().select;
    let comments: Vec<Comment> = rows(&any(pool, select, "post_id", &post_ids).await);
    let post_authors = authors(pool, posts.iter().map(|post| post.author_id)).await;
    let comment_authors = authors(pool, comments.iter().map(|comment| comment.author_id)).await;
    assemble(posts, comments, post_authors, comment_authors)
}

/// [`hand_batched`] on one connection taken from the pool once: the pool
/// checks a connection with a round trip each time it hands it out
/// (`test_before_acquire`, sqlx's default), and a statement sent to the pool
/// takes a connection for itself.
pub async fn hand_one_connection(pool: &PgPool) -> Vec<Post> {
    let mut connection = pool.acquire().await.unwrap();
    let select_all = Postgres::statements::<Post>().select_all;
    let posts: Vec<Post> = rows(
        &sqlx::query(select_all)
            .fetch_all(&mut *connection)
            .await
            .unwrap(),
    );
    let post_ids: Vec<i64> = posts.iter().map(|post| post.id).collect();
    let select = Postgres::statements::<Comment>().select;
    let comments: Vec<Comment> = rows(&any(&mut *connection, select, "post_id", &post_ids).await);
    let post_authors = authors(&mut *connection, posts.iter().map(|post| post.author_id)).await;
    let comment_authors = authors(
        &mut *connection,
        comments.iter().map(|comment| comment.author_id),
    )
    .await;
    assemble(posts, comments, post_authors, comment_authors)
}

/// The statements of [`hand_at_once`]: each hop names its parents by their
/// statement instead of binding their keys.
fn at_once_statements() -> [String; 4] {
    let authors = Postgres::statements::<Author>().select;
    [
        Postgres::statements::<Post>().select_all.to_owned(),
        format!(
            "{} WHERE \"post_id\" IN (SELECT \"id\" FROM \"posts\") ORDER BY \"id\"",
            Postgres::statements::<Comment>().select
        ),
        format!("{authors} WHERE \"id\" IN (SELECT \"author_id\" FROM \"posts\") ORDER BY \"id\""),
        format!(
            "{authors} WHERE \"id\" IN (SELECT \"author_id\" FROM \"comments\" \
             WHERE \"post_id\" IN (SELECT \"id\" FROM \"posts\")) ORDER BY \"id\""
        ),
    ]
}

/// The posts with their authors and comments, the comments with theirs (of
/// every hand-written load).
fn assemble(
    mut posts: Vec<Post>,
    comments: Vec<Comment>,
    post_authors: Vec<Author>,
    comment_authors: Vec<Author>,
) -> Vec<Post> {
    let by_id = |found: Vec<Author>| -> HashMap<i64, Author> {
        found
            .into_iter()
            .map(|author| (author.id, author))
            .collect()
    };
    let (post_authors, comment_authors) = (by_id(post_authors), by_id(comment_authors));
    let mut by_post: HashMap<i64, Vec<Comment>> = HashMap::new();
    for mut comment in comments {
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

/// The hand-written equivalent of concurrent hops: the four statements go
/// out at once (`try_join!` in one task), each on a pool connection of its
/// own.
pub async fn hand_at_once(pool: &PgPool) -> Vec<Post> {
    let [posts, comments, post_authors, comment_authors] = at_once_statements();
    let (posts, comments, post_authors, comment_authors) = futures::try_join!(
        sqlx::query(&posts).fetch_all(pool),
        sqlx::query(&comments).fetch_all(pool),
        sqlx::query(&post_authors).fetch_all(pool),
        sqlx::query(&comment_authors).fetch_all(pool),
    )
    .unwrap();
    assemble(
        rows(&posts),
        rows(&comments),
        rows(&post_authors),
        rows(&comment_authors),
    )
}

/// [`hand_at_once`] with a task per statement, each decoding its rows into
/// the models, so that on a multi-thread runtime the hops decode in parallel
/// (as unokit's concurrent hops do).
pub async fn hand_tasks(pool: &PgPool) -> Vec<Post> {
    fn task<M: ModelRow<Postgres> + Send + 'static>(
        pool: &PgPool,
        sql: String,
    ) -> tokio::task::JoinHandle<Vec<M>> {
        let pool = pool.clone();
        tokio::spawn(async move { rows::<M>(&sqlx::query(&sql).fetch_all(&pool).await.unwrap()) })
    }
    let [posts, comments, post_authors, comment_authors] = at_once_statements();
    let posts = task::<Post>(pool, posts);
    let comments = task::<Comment>(pool, comments);
    let post_authors = task::<Author>(pool, post_authors);
    let comment_authors = task::<Author>(pool, comment_authors);
    assemble(
        posts.await.unwrap(),
        comments.await.unwrap(),
        post_authors.await.unwrap(),
        comment_authors.await.unwrap(),
    )
}

/// unokit per-hop: 4 statements.
pub async fn eager(pool: &PgPool) -> Vec<Post> {
    Session::new(pool.clone())
        .query::<Post>()
        .include(Post::AUTHOR)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .all()
        .await
        .unwrap()
}

/// unokit nested: 4 statements, on one connection.
pub async fn nested(pool: &PgPool) -> Vec<Post> {
    Session::new(pool.clone())
        .query::<Post>()
        .include(Post::AUTHOR)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .nested()
        .all()
        .await
        .unwrap()
}

/// unokit nested, one statement: the JSON document.
pub async fn nested_document(pool: &PgPool) -> Vec<Post> {
    Session::new(pool.clone())
        .query::<Post>()
        .include(Post::AUTHOR)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .nested()
        .one_statement()
        .all()
        .await
        .unwrap()
}

/// unokit concurrent hops: 4 statements, sent at once.
pub async fn concurrent(pool: &PgPool) -> Vec<Post> {
    Session::new(pool.clone())
        .query::<Post>()
        .include(Post::AUTHOR)
        .include(Post::COMMENTS.with(Comment::AUTHOR))
        .concurrent()
        .all()
        .await
        .unwrap()
}

/// Every way loads the same posts.
pub async fn check_all_equal(pool: &PgPool) {
    let naive = naive(pool).await;
    assert_eq!(naive.len(), 100);
    assert_eq!(hand_batched(pool).await, naive);
    assert_eq!(hand_one_connection(pool).await, naive);
    assert_eq!(hand_at_once(pool).await, naive);
    assert_eq!(hand_tasks(pool).await, naive);
    assert_eq!(eager(pool).await, naive);
    assert_eq!(nested(pool).await, naive);
    assert_eq!(nested_document(pool).await, naive);
    assert_eq!(concurrent(pool).await, naive);
}
