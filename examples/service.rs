//! The pieces together in one axum service, on embedded SQLite: posts, their
//! authors and comments as `#[derive(Model)]` + `#[partial_response]` models,
//! served with `?fields=` selection pushed down to SQL (only the selected
//! columns, only the named relations, each relation one batched statement),
//! behind the response cache; the pool and a per-request session from an
//! `#[injectable]`/`#[container]` container, through the axum
//! `RequestScopeLayer` and `Injected`; a `#[cached]` function for a count.
//!
//! ```sh
//! cargo run --example service --features axum   # serves on 127.0.0.1:3000
//! ```
//!
//! Then, from another terminal (`x-statements` is how many statements the
//! request ran, from the session's detector scope; debug builds only):
//!
//! ```sh
//! curl -i 'http://127.0.0.1:3000/posts?fields=id,title'                        # x-statements: 1
//! curl -i 'http://127.0.0.1:3000/posts?fields=id,author(name)'                 # x-statements: 2
//! curl -i 'http://127.0.0.1:3000/posts?fields=id,comments(body,author(name))'  # x-statements: 3
//! curl -i 'http://127.0.0.1:3000/posts'                                        # everything: 4
//! curl -i 'http://127.0.0.1:3000/posts?fields=title,id'                        # x-cache: HIT
//! curl 'http://127.0.0.1:3000/authors/1/post-count'                            # #[cached]: 2
//! ```
//!
//! With the `metrics` feature (`--features axum,metrics`) it also serves
//! Prometheus text on `/metrics`, JSON on `/metrics/json` and a live dashboard
//! on `/metrics/dashboard`.
//!
//! `tests/service.rs` runs this service over a real server and checks those
//! counts; `tests/metrics_dashboard.rs` loads its dashboard in Chromium.

use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{StatusCode, header};
use std::sync::Arc;
use unokit::db::detect::Scope;
use unokit::db::sqlx::sqlite::{SqlitePool, SqlitePoolOptions};
use unokit::db::sqlx::{self, Sqlite};
use unokit::db::{DbError, Related, Session};
use unokit::di::axum::{Injected, RequestScopeLayer};
use unokit::http::{ResponseCache, SelectionQuery};
use unokit::select::Selectable;
use unokit::{Model, cached, container, injectable, partial_response};

/// An author, as stored and as served.
#[partial_response]
#[derive(Model, serde::Serialize, Clone, Debug)]
#[model(table = "authors")]
pub struct Author {
    #[model(primary_key)]
    pub id: i64,
    pub name: String,
    pub bio: String,
}

/// A post: `?fields=` picks among its columns and relations.
#[partial_response]
#[derive(Model, serde::Serialize, Clone, Debug)]
#[model(table = "posts")]
pub struct Post {
    #[model(primary_key)]
    pub id: i64,
    pub title: String,
    pub body: String,
    #[serde(skip)]
    pub author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    #[serde(skip_serializing_if = "Related::is_unloaded")]
    pub author: Related<Author>,
    #[model(has_many(Comment, foreign_key = post_id))]
    #[serde(skip_serializing_if = "Related::is_unloaded")]
    pub comments: Related<Vec<Comment>>,
}

/// A comment on a post, by an author.
#[partial_response]
#[derive(Model, serde::Serialize, Clone, Debug)]
#[model(table = "comments")]
pub struct Comment {
    #[model(primary_key)]
    pub id: i64,
    #[serde(skip)]
    pub post_id: i64,
    pub body: String,
    #[serde(skip)]
    pub author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    #[serde(skip_serializing_if = "Related::is_unloaded")]
    pub author: Related<Author>,
}

const SCHEMA: &str = "
    CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, bio TEXT NOT NULL);
    CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,
                        author_id INTEGER NOT NULL REFERENCES authors (id));
    CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id),
                           body TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES authors (id));
    CREATE INDEX comments_by_post ON comments (post_id);
    INSERT INTO authors VALUES (1, 'Ada', 'Counts things.'), (2, 'Grace', 'Compiles things.');
    INSERT INTO posts VALUES
        (1, 'Notes on the engine', 'A long body a list view does not need.', 1),
        (2, 'Finding the moth', 'Another long body.', 2),
        (3, 'More notes', 'A third body.', 1);
    INSERT INTO comments VALUES
        (1, 1, 'First!', 2), (2, 1, 'Thanks.', 1), (3, 2, 'A real bug.', 1), (4, 3, 'Indeed.', 2);
";

/// The database: a pool on an embedded, in-memory SQLite database, seeded.
/// (A newtype: the container registers the application's own types.)
pub struct Db(pub SqlitePool);

/// Opened once, when the container is built.
#[injectable(singleton, eager)]
async fn database() -> Result<Db, sqlx::Error> {
    // One connection that never closes: an in-memory database lives in it.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect("sqlite::memory:")
        .await?;
    sqlx::raw_sql(SCHEMA).execute(&pool).await?;
    Ok(Db(pool))
}

/// One per request: a session, whose batch loaders the request's relation
/// loads share, recording its statements in a detector scope.
pub struct RequestDb {
    pub session: Session<Sqlite>,
    pub scope: Scope,
}

#[injectable(scoped)]
fn request_db(db: Arc<Db>) -> RequestDb {
    let scope = Scope::new();
    RequestDb {
        session: Session::new(db.0.clone()).with_scope(scope.clone()),
        scope,
    }
}

/// The application's services.
#[container(Db, RequestDb)]
pub struct Services;

/// Posts with what `?fields=` selects: only those columns and relations are
/// read. No `fields`: everything.
async fn posts(
    Injected(db): Injected<Arc<RequestDb>>,
    SelectionQuery(selection): SelectionQuery<Post>,
) -> Result<Response, (StatusCode, String)> {
    let posts = db
        .session
        .query::<Post>()
        .select(&selection)
        .all()
        .await
        .map_err(|error: DbError| (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?;
    let body = serde_json::to_vec(&posts.select(&selection)).expect("models serialize");
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::HeaderName::from_static("x-statements"),
                db.scope.statements().to_string(),
            ),
        ],
        body,
    )
        .into_response())
}

/// How many posts an author wrote: cached for 30 s per author.
#[cached(ttl = "30s")]
pub async fn post_count(#[cache(skip)] pool: &SqlitePool, author: i64) -> Result<i64, String> {
    sqlx::query_scalar("SELECT COUNT(*) FROM posts WHERE author_id = ?")
        .bind(author)
        .fetch_one(pool)
        .await
        .map_err(|error| error.to_string())
}

async fn author_post_count(
    Injected(db): Injected<Arc<Db>>,
    Path(author): Path<i64>,
) -> Result<String, (StatusCode, String)> {
    post_count(&db.0, author)
        .await
        .map(|count| count.to_string())
        .map_err(|error| (StatusCode::INTERNAL_SERVER_ERROR, error))
}

/// The service: the posts behind the response cache (keyed by the canonical
/// `fields`), one container scope per request.
///
/// # Errors
///
/// When the database cannot be opened.
pub async fn app() -> Result<Router, unokit::di::BuildError> {
    let services = Services::builder().build().await?;
    let cache = ResponseCache::builder().max_bytes(8 << 20).build();
    let cached = Router::new()
        .route("/posts", get(posts))
        .layer(cache.layer());
    #[cfg(feature = "metrics")]
    let metrics = {
        // The figures of the caches, on routes apart from the request scopes.
        let exporter = unokit::metrics::Exporter::install().expect("the only metrics recorder");
        unokit::metrics::watch_cache("post_count", || post_count_cache().stats());
        unokit::metrics::watch_response_cache("posts", &cache);
        exporter.router()
    };
    // The state names the container `Injected` resolves from.
    let app = cached
        .route("/authors/{id}/post-count", get(author_post_count))
        .layer(RequestScopeLayer::new(Arc::clone(&services)))
        .with_state(services);
    #[cfg(feature = "metrics")]
    let app = app.merge(metrics);
    Ok(app)
}

#[tokio::main]
async fn main() {
    let app = app().await.expect("the database opens");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000")
        .await
        .unwrap();
    println!(
        "serving on http://{} (try the curl lines in the README)",
        listener.local_addr().unwrap()
    );
    axum::serve(listener, app).await.unwrap();
}
