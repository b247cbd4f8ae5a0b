//! An axum server on 127.0.0.1 with `#[partial_response]`: a seeded in-memory
//! data set served with `?fields=` selection, a streamed NDJSON endpoint, and
//! the response cache (canonical keys, tags, ETags).
//!
//! ```sh
//! cargo run --example api --features axum                  # serves on 127.0.0.1:3000
//! cargo run --example api --features axum -- --self-test   # asks itself, prints ratios
//! ```
//!
//! Then, from another terminal (see the README for what they return):
//!
//! ```sh
//! curl 'http://127.0.0.1:3000/users/7?fields=id,name,posts(title)'
//! curl 'http://127.0.0.1:3000/users/7?fields=id,nmae'                  # 400
//! curl -i 'http://127.0.0.1:3000/users?limit=2&fields=name,id'         # x-cache: MISS, then HIT
//! curl -s 'http://127.0.0.1:3000/users.ndjson?fields=id' | wc -l       # 10000 lines
//! curl -X POST -H 'authorization: Bearer admin' 'http://127.0.0.1:3000/users/7/rename?name=Grace'
//! ```
//!
//! For load tests, `/load/{tags}` answers a 1 KiB tagged body behind the cache
//! and `/load-plain/{tags}` the same without it: a fixed URL measures hits, a
//! URL with a unique query parameter per request measures miss + store.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, http::Request};
use bytes::Bytes;
use http::{StatusCode, header};
use http_body_util::{BodyExt, Empty};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};
use std::time::Instant;
use unokit::http::{CacheTags, ResponseCache, SelectionQuery, short_circuit};
use unokit::partial_response;
use unokit::select::Selectable;
use unokit::select::stream::JsonStream;

/// What clients see of a user; `?fields=` picks from it by these names.
#[partial_response]
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct UserOut {
    id: u64,
    name: String,
    email_address: String,
    bio: String,
    follower_count: u32,
    posts: Vec<PostOut>,
}

#[partial_response]
#[derive(Serialize, Clone)]
struct PostOut {
    title: String,
    body: String,
    likes: u32,
}

#[derive(Clone)]
struct App {
    users: Arc<RwLock<Vec<Arc<UserOut>>>>,
    cache: ResponseCache,
}

/// 10 000 users with three posts each, the same on every run.
fn seed() -> Vec<Arc<UserOut>> {
    (0..10_000_u32)
        .map(|i| {
            Arc::new(UserOut {
                id: u64::from(i),
                name: format!("User {i}"),
                email_address: format!("user{i}@example.com"),
                bio: "Writes about query plans, caches and the joy of small payloads.".repeat(3),
                follower_count: i * 7 % 1000,
                posts: (0..3)
                    .map(|p| PostOut {
                        title: format!("Post {p} by user {i}"),
                        body: "A long body that a list view does not need. ".repeat(10),
                        likes: p * 10 + i % 10,
                    })
                    .collect(),
            })
        })
        .collect()
}

/// One user, with only the selected fields. Tagged so that a rename drops it.
async fn user(
    State(app): State<App>,
    Path(id): Path<usize>,
    SelectionQuery(selection): SelectionQuery<UserOut>,
) -> Response {
    let Some(user) = app.users.read().unwrap().get(id).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let body = serde_json::to_vec(&user.select(&selection)).unwrap();
    let tags = CacheTags::new([format!("user:{id}"), "users".to_owned()]);
    (tags, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[derive(Deserialize)]
struct Page {
    limit: Option<usize>,
}

/// The first `limit` users (default 100), selected.
async fn users(
    State(app): State<App>,
    Query(page): Query<Page>,
    SelectionQuery(selection): SelectionQuery<UserOut>,
) -> Response {
    let users: Vec<Arc<UserOut>> = {
        let all = app.users.read().unwrap();
        all.iter()
            .take(page.limit.unwrap_or(100))
            .cloned()
            .collect()
    };
    let body = serde_json::to_vec(&users.select(&selection)).unwrap();
    (
        CacheTags::new(["users"]),
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// Every user, one selected object per line, streamed in bounded memory.
async fn users_ndjson(
    State(app): State<App>,
    SelectionQuery(selection): SelectionQuery<UserOut>,
) -> Response {
    let snapshot = app.users.read().unwrap().clone();
    let rows = futures::stream::iter(snapshot.into_iter().map(Ok::<_, std::io::Error>));
    JsonStream::ndjson(rows, selection).into_response()
}

#[derive(Deserialize)]
struct Rename {
    name: String,
}

/// A write: changes the data, then invalidates what the cache holds of it.
async fn rename(
    State(app): State<App>,
    Path(id): Path<usize>,
    Query(rename): Query<Rename>,
) -> StatusCode {
    {
        let mut users = app.users.write().unwrap();
        let Some(user) = users.get_mut(id) else {
            return StatusCode::NOT_FOUND;
        };
        Arc::make_mut(user).name = rename.name;
    }
    app.cache.invalidate_tag(&format!("user:{id}"));
    app.cache.invalidate_tag("users");
    StatusCode::NO_CONTENT
}

/// A 1 KiB body with `tags` tags (the request's own, then shared ones), for
/// load tests.
async fn load(Path(tags): Path<usize>, uri: http::Uri) -> Response {
    let query = uri.query().unwrap_or_default().to_owned();
    let names = (0..tags.min(64)).map(|level| match level {
        0 => format!("load:{query}"),
        1 => "load".to_owned(),
        _ => format!("load{level}:{}", query.len() % (level * 10)),
    });
    (CacheTags::new(names), "x".repeat(1024)).into_response()
}

fn router() -> (Router, ResponseCache) {
    let cache = ResponseCache::builder().max_bytes(32 << 20).build();
    let app = App {
        users: Arc::new(RwLock::new(seed())),
        cache: cache.clone(),
    };
    // Writes need the admin token; the check answers 401 before the handler.
    let admin = Router::new()
        .route("/users/{id}/rename", post(rename))
        .layer(short_circuit(|request: &mut Request<Body>| {
            match request.headers().get(header::AUTHORIZATION) {
                Some(token) if token == "Bearer admin" => None,
                _ => Some((StatusCode::UNAUTHORIZED, "admin token required").into_response()),
            }
        }));
    let reads = Router::new()
        .route("/users/{id}", get(user))
        .route("/users", get(users))
        .route("/users.ndjson", get(users_ndjson))
        .route("/load/{tags}", get(load))
        .layer(cache.layer());
    let plain = Router::new().route("/load-plain/{tags}", get(load));
    (reads.merge(admin).merge(plain).with_state(app), cache)
}

#[tokio::main]
async fn main() {
    let (app, cache) = router();
    let self_test = std::env::args().any(|arg| arg == "--self-test");
    let address = if self_test {
        "127.0.0.1:0"
    } else {
        "127.0.0.1:3000"
    };
    let listener = tokio::net::TcpListener::bind(address).await.unwrap();
    let addr = listener.local_addr().unwrap();
    if !self_test {
        println!("serving on http://{addr} (try the curl lines in the README)");
        axum::serve(listener, app).await.unwrap();
        return;
    }
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    run_self_test(addr, &cache).await;
}

/// Asks the server what the README's curl lines ask, and prints what came back.
async fn run_self_test(addr: std::net::SocketAddr, cache: &ResponseCache) {
    let full = fetch(addr, "GET", "/users/7", &[]).await;
    let small = fetch(addr, "GET", "/users/7?fields=id,name,posts(title)", &[]).await;
    println!(
        "GET /users/7?fields=id,name,posts(title) -> {}",
        String::from_utf8_lossy(&small.2)
    );
    #[allow(clippy::cast_precision_loss)]
    let ratio = full.2.len() as f64 / small.2.len() as f64;
    println!(
        "  {} bytes instead of {} ({ratio:.1}x smaller)",
        small.2.len(),
        full.2.len()
    );

    let bad = fetch(addr, "GET", "/users/7?fields=id,nmae", &[]).await;
    println!(
        "GET /users/7?fields=id,nmae -> {} {}",
        bad.0,
        String::from_utf8_lossy(&bad.2)
    );

    let started = Instant::now();
    let miss = fetch(addr, "GET", "/users?limit=1000&fields=name,id", &[]).await;
    let miss_time = started.elapsed();
    let started = Instant::now();
    let hit = fetch(addr, "GET", "/users?fields=id,name&limit=1000", &[]).await;
    let hit_time = started.elapsed();
    println!(
        "GET /users?limit=1000&fields=name,id -> x-cache {}, {miss_time:.2?}; with fields=id,name -> x-cache {}, {hit_time:.2?} ({:.1}x faster)",
        miss.1,
        hit.1,
        miss_time.as_secs_f64() / hit_time.as_secs_f64()
    );

    let etag = fetch(addr, "GET", "/users/7?fields=id", &[]).await.3;
    let not_modified = fetch(
        addr,
        "GET",
        "/users/7?fields=id",
        &[("if-none-match", &etag)],
    )
    .await;
    println!(
        "GET /users/7?fields=id with If-None-Match: {etag} -> {}",
        not_modified.0
    );

    let started = Instant::now();
    let lines = fetch(addr, "GET", "/users.ndjson?fields=id", &[]).await.2;
    let count = lines.iter().filter(|&&b| b == b'\n').count();
    println!(
        "GET /users.ndjson?fields=id -> {count} lines in {:.2?}",
        started.elapsed()
    );

    let denied = fetch(addr, "POST", "/users/7/rename?name=Grace", &[]).await;
    let renamed = fetch(
        addr,
        "POST",
        "/users/7/rename?name=Grace",
        &[("authorization", "Bearer admin")],
    )
    .await;
    let after = fetch(addr, "GET", "/users/7?fields=name", &[]).await;
    println!(
        "POST rename -> {} without the token, {} with it; GET /users/7?fields=name -> {} (x-cache {})",
        denied.0,
        renamed.0,
        String::from_utf8_lossy(&after.2),
        after.1
    );
    let stats = cache.stats();
    println!(
        "cache: {} hits, {} misses, {} stored",
        stats.hits, stats.misses, stats.stores
    );
}

/// One request with hyper's client: status, x-cache, body, ETag.
async fn fetch(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, String, Bytes, String) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "127.0.0.1");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = sender
        .send_request(request.body(Empty::<Bytes>::new()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let header_text = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_else(|| "-".to_owned())
    };
    let (cache_status, etag) = (header_text("x-cache"), header_text("etag"));
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, cache_status, body, etag)
}
