//! A list endpoint end to end over HTTP, in one run: `GET
//! /posts?title=post&sort=newest&limit=50` on an axum server on loopback,
//! answered with the 50 newest posts whose title starts with "post", each
//! with its author, as JSON — the same bytes from each handler:
//!
//! - `naive`: hand-written SQL, the author of each post by its own statement
//!   (51 statements);
//! - `unokit`: `#[derive(Filter)]`, `#[derive(Sort)]`, a page and
//!   `include(Post::AUTHOR)` (2 statements);
//! - `unokit cached`: the same query through `.cached(&cache)` (a watcher
//!   running, the tables unchanged: no statement).
//!
//! One keep-alive connection sends the requests one after another. On a
//! seeded SQLite file (WAL).
//!
//! `cargo bench -p unokit-benches --bench list_endpoint`.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use unokit::cache::CacheConfig;
use unokit::db::query::Page;
use unokit::db::sqlx::{self, Row, SqlitePool};
use unokit::db::{Changes, QueryCache, Session};
use unokit::http::FilterQuery;
use unokit_benches::{measure, print_ratios};
use unokit_fixtures::blog::Post;
use unokit_fixtures::file_blog;

#[derive(unokit::Filter, serde::Deserialize, Clone, PartialEq, Eq, Hash)]
#[filter(model = Post)]
struct PostFilter {
    #[filter(op = "starts_with")]
    title: Option<String>,
}

#[derive(unokit::Sort, serde::Deserialize, Clone, Copy)]
#[sort(model = Post)]
#[serde(rename_all = "snake_case")]
enum PostSort {
    #[sort(desc = "id")]
    Newest,
}

#[derive(serde::Deserialize)]
struct List {
    sort: PostSort,
    limit: u32,
}

/// What every handler answers: a post and its author.
#[derive(serde::Serialize, PartialEq, Debug)]
struct View {
    id: i64,
    title: String,
    author: String,
}

#[derive(Clone)]
struct App {
    pool: SqlitePool,
    cache: QueryCache,
}

async fn naive(State(app): State<App>, FilterQuery(filter): FilterQuery<PostFilter>) -> String {
    let prefix = format!("{}%", filter.title.unwrap_or_default());
    let posts = sqlx::query(
        "SELECT id, title, author_id FROM posts WHERE title LIKE ? ORDER BY id DESC LIMIT ?",
    )
    .bind(prefix)
    .bind(50_i64)
    .fetch_all(&app.pool)
    .await
    .expect("the posts");
    let mut views = Vec::with_capacity(posts.len());
    for post in posts {
        let author_id: i64 = post.get(2);
        let author: String = sqlx::query_scalar("SELECT name FROM authors WHERE id = ?")
            .bind(author_id)
            .fetch_one(&app.pool)
            .await
            .expect("the author");
        views.push(View {
            id: post.get(0),
            title: post.get(1),
            author,
        });
    }
    serde_json::to_string(&views).expect("JSON")
}

fn views(posts: &[Post]) -> String {
    let views: Vec<View> = posts
        .iter()
        .map(|post| View {
            id: post.id,
            title: post.title.clone(),
            author: post.author.get().expect("included").name.clone(),
        })
        .collect();
    serde_json::to_string(&views).expect("JSON")
}

/// The unokit handler, its rows from `cache` when given.
async fn list(app: &App, filter: &PostFilter, list: &List, cache: Option<&QueryCache>) -> String {
    let session = Session::new(app.pool.clone());
    let query = session
        .query::<Post>()
        .filter(filter)
        .sort(list.sort)
        .page(Page {
            limit: list.limit,
            offset: 0,
        })
        .include(Post::AUTHOR);
    let posts = match cache {
        Some(cache) => query.cached(cache).await,
        None => query.all().await,
    };
    views(&posts.expect("the posts"))
}

async fn unokit(
    State(app): State<App>,
    FilterQuery(filter): FilterQuery<PostFilter>,
    FilterQuery(params): FilterQuery<List>,
) -> String {
    list(&app, &filter, &params, None).await
}

async fn unokit_cached(
    State(app): State<App>,
    FilterQuery(filter): FilterQuery<PostFilter>,
    FilterQuery(params): FilterQuery<List>,
) -> String {
    list(&app, &filter, &params, Some(&app.cache)).await
}

/// A keep-alive HTTP/1.1 client of one connection.
struct Client {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Client {
    async fn get(&mut self, path: &str) -> String {
        let request = format!("GET {path} HTTP/1.1\r\nhost: bench\r\n\r\n");
        self.stream
            .write_all(request.as_bytes())
            .await
            .expect("sent");
        self.buffer.clear();
        loop {
            let mut chunk = [0_u8; 16 * 1024];
            let read = self.stream.read(&mut chunk).await.expect("read");
            assert!(read > 0, "the server closed the connection");
            self.buffer.extend_from_slice(&chunk[..read]);
            let text = String::from_utf8_lossy(&self.buffer);
            if let Some(head_end) = text.find("\r\n\r\n") {
                let length: usize = text[..head_end]
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length: "))
                    .expect("a content-length")
                    .parse()
                    .expect("a length");
                if self.buffer.len() >= head_end + 4 + length {
                    return text[head_end + 4..head_end + 4 + length].to_owned();
                }
            }
        }
    }
}

fn list_endpoint(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let pool = runtime.block_on(file_blog::database());
    let changes = Changes::new();
    let watcher = runtime
        .block_on(changes.watch(&pool, &["posts", "authors"]))
        .expect("a watcher");
    let app = App {
        pool: pool.clone(),
        cache: QueryCache::new(&changes, CacheConfig::new().with_capacity(1_000)),
    };
    let router = Router::new()
        .route("/naive", get(naive))
        .route("/unokit", get(unokit))
        .route("/cached", get(unokit_cached))
        .with_state(app);
    let listener = runtime
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("a port");
    let address = listener.local_addr().expect("an address");
    runtime.spawn(async move { axum::serve(listener, router).await });
    let mut client = runtime.block_on(async {
        Client {
            stream: TcpStream::connect(address).await.expect("connected"),
            buffer: Vec::new(),
        }
    });
    let query = "?title=post&sort=newest&limit=50";
    let paths = [
        ("naive, 51 statements", format!("/naive{query}")),
        ("unokit, 2 statements", format!("/unokit{query}")),
        ("unokit cached", format!("/cached{query}")),
    ];
    let bodies: Vec<String> = paths
        .iter()
        .map(|(_, path)| runtime.block_on(client.get(path)))
        .collect();
    assert!(
        bodies.iter().all(|body| *body == bodies[0]),
        "the same answer"
    );
    assert_eq!(bodies[0].matches("\"id\"").count(), 50);
    for (name, path) in &paths {
        measure(c, "list_endpoint", name, || {
            runtime.block_on(client.get(path));
        });
    }
    print_ratios(
        "list_endpoint: time per request, ratio to the naive handler",
        &[
            ("SQLite", "naive, 51 statements", "naive, 51 statements"),
            ("SQLite", "unokit, 2 statements", "naive, 51 statements"),
            ("SQLite", "unokit cached", "naive, 51 statements"),
        ],
    );
    drop(watcher);
    runtime.block_on(file_blog::remove(pool));
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = list_endpoint
}
criterion_main!(benches);
