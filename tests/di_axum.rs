//! The container in axum over a real HTTP/1.1 server on 127.0.0.1 and hyper's
//! client: one scope per request, shared by the request's extractors, closed
//! (its async cleanup run) after the response is sent, after a handler fails
//! or panics, and after the client goes away mid-response.
#![cfg(feature = "axum")]

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::routing::get;
use bytes::Bytes;
use http::{StatusCode, header};
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use unokit::di::Dispose;
use unokit::di::axum::{ContainerState, Injected, RequestScope, RequestScopeLayer};
use unokit::{container, injectable};

/// Each test's own counts: replaced into its container, so that tests running
/// side by side do not see each other's services.
#[injectable(singleton, default)]
struct Counters {
    made: AtomicU64,
    disposed: watch::Sender<u64>,
}

impl Default for Counters {
    fn default() -> Self {
        Self {
            made: AtomicU64::new(0),
            disposed: watch::Sender::new(0),
        }
    }
}

/// The request's unit of work: numbered when made, counted when disposed.
struct Unit {
    id: u64,
    counters: Arc<Counters>,
}

#[injectable(scoped, dispose)]
fn unit(counters: Arc<Counters>) -> Unit {
    Unit {
        id: counters.made.fetch_add(1, SeqCst) + 1,
        counters,
    }
}

impl Dispose for Unit {
    async fn dispose(&self) {
        // Async cleanup that really suspends, as a flush or a rollback would.
        tokio::task::yield_now().await;
        self.counters.disposed.send_modify(|count| *count += 1);
    }
}

/// A transient service over the scoped one: made anew, sharing the request's unit.
#[injectable(transient)]
struct Stamp {
    unit: Arc<Unit>,
}

#[container(Counters, Unit, Stamp)]
struct App;

async fn app() -> (Arc<App>, Arc<Counters>) {
    let counters = Arc::new(Counters::default());
    let app = App::builder()
        .replace(Arc::clone(&counters))
        .build()
        .await
        .unwrap();
    (app, counters)
}

/// Waits, with a deadline, until `count` units have been disposed of.
async fn disposed(counters: &Counters, count: u64) {
    let mut seen = counters.disposed.subscribe();
    tokio::time::timeout(Duration::from_secs(10), seen.wait_for(|n| *n >= count))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{} of {count} units disposed after 10 s",
                *counters.disposed.borrow()
            )
        })
        .unwrap();
    assert_eq!(*counters.disposed.borrow(), count, "disposed once each");
}

async fn twice(
    State(app): State<Arc<App>>,
    Injected(first): Injected<Arc<Unit>>,
    Injected(second): Injected<Arc<Unit>>,
    Injected(stamp): Injected<Stamp>,
    Injected(counters): Injected<Arc<Counters>>,
) -> String {
    json!({
        "first": first.id,
        "second": second.id,
        "same": Arc::ptr_eq(&first, &second),
        "stamp_same": Arc::ptr_eq(&stamp.unit, &first),
        "singleton_same": Arc::ptr_eq(&counters, &app.resolve::<Arc<Counters>>()),
    })
    .to_string()
}

async fn fail(Injected(unit): Injected<Arc<Unit>>) -> Result<String, (StatusCode, String)> {
    Err((
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("unit {} failed", unit.id),
    ))
}

async fn panics(Injected(unit): Injected<Arc<Unit>>) -> String {
    panic!("handler panics holding unit {}", unit.id);
}

/// Ticks forever, every 5 ms: only the client going away ends it.
async fn endless(Injected(unit): Injected<Arc<Unit>>) -> Body {
    let first = format!("unit {}\n", unit.id);
    let ticks = futures::stream::unfold(Some(first), |first| async move {
        if first.is_none() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let chunk = first.unwrap_or_else(|| "tick\n".to_owned());
        Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), None))
    });
    Body::from_stream(ticks)
}

/// Sends a first chunk, then the last one once `gate` opens.
fn gated(gate: Arc<Notify>) -> Router<Arc<App>> {
    Router::new().route(
        "/gated",
        get(move |Injected(unit): Injected<Arc<Unit>>| {
            let gate = Arc::clone(&gate);
            async move {
                let chunks = futures::stream::unfold(0, move |step| {
                    let gate = Arc::clone(&gate);
                    async move {
                        match step {
                            0 => Some((Bytes::from("first\n"), 1)),
                            1 => {
                                gate.notified().await;
                                Some((Bytes::from("last\n"), 2))
                            }
                            _ => None,
                        }
                    }
                });
                drop(unit);
                Body::from_stream(futures::StreamExt::map(chunks, Ok::<_, std::io::Error>))
            }
        }),
    )
}

fn routes(app: &Arc<App>, gate: Arc<Notify>) -> Router {
    Router::new()
        .route("/twice", get(twice))
        .route("/fail", get(fail))
        .route("/panic", get(panics))
        .route("/endless", get(endless))
        .merge(gated(gate))
        .layer(RequestScopeLayer::new(Arc::clone(app)))
        .with_state(Arc::clone(app))
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// Sends a GET on a fresh connection; returns the response, its body unread,
/// and the connection's task, which the caller may abort to hang up.
async fn send(addr: SocketAddr, path: &str) -> (http::Response<Incoming>, JoinHandle<()>) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    let connection = tokio::spawn(async move {
        let _ = connection.await;
    });
    let request = http::Request::get(path)
        .header(header::HOST, "127.0.0.1")
        .body(Empty::<Bytes>::new())
        .unwrap();
    let response = tokio::time::timeout(Duration::from_secs(10), sender.send_request(request))
        .await
        .expect("a response within 10 s")
        .unwrap();
    (response, connection)
}

async fn get_json(addr: SocketAddr, path: &str) -> Value {
    let (response, _) = send(addr, path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scoped_service_is_one_per_request_and_disposed_after_each_response() {
    let (app, counters) = app().await;
    let addr = serve(routes(&app, Arc::default())).await;

    let mut ids = Vec::new();
    for request in 1..=3 {
        let reply = get_json(addr, "/twice").await;
        assert_eq!(reply["same"], true, "{reply}");
        assert_eq!(reply["stamp_same"], true, "{reply}");
        assert_eq!(reply["singleton_same"], true, "{reply}");
        assert_eq!(reply["first"], reply["second"]);
        ids.push(reply["first"].as_u64().unwrap());
        disposed(&counters, request).await;
    }
    assert_eq!(ids, [1, 2, 3], "a new unit per request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_each_get_their_own_scope() {
    let (app, counters) = app().await;
    let addr = serve(routes(&app, Arc::default())).await;

    let requests: Vec<_> = (0..64)
        .map(|_| tokio::spawn(async move { get_json(addr, "/twice").await }))
        .collect();
    let mut ids = Vec::new();
    for request in requests {
        let reply = request.await.unwrap();
        assert_eq!(reply["same"], true, "{reply}");
        assert_eq!(reply["first"], reply["second"]);
        ids.push(reply["first"].as_u64().unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 64, "64 requests, 64 units");
    assert_eq!(counters.made.load(SeqCst), 64);
    disposed(&counters, 64).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scope_stays_open_until_the_body_is_sent() {
    let (app, counters) = app().await;
    let gate = Arc::new(Notify::new());
    let addr = serve(routes(&app, Arc::clone(&gate))).await;

    let (response, _connection) = send(addr, "/gated").await;
    let mut body = response.into_body();
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first, "first\n");
    // The handler has returned; the body is still being sent.
    assert_eq!(counters.made.load(SeqCst), 1);
    assert_eq!(
        *counters.disposed.borrow(),
        0,
        "disposed before the body ended"
    );

    gate.notify_one();
    let rest = body.collect().await.unwrap().to_bytes();
    assert_eq!(rest, "last\n");
    disposed(&counters, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_handler_still_closes_its_scope() {
    let (app, counters) = app().await;
    let addr = serve(routes(&app, Arc::default())).await;

    let (response, _) = send(addr, "/fail").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "unit 1 failed");
    disposed(&counters, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_still_closes_its_scope() {
    let (app, counters) = app().await;
    let addr = serve(routes(&app, Arc::default())).await;

    // The server drops the connection: no response, and the scope is closed.
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = http::Request::get("/panic")
        .header(header::HOST, "127.0.0.1")
        .body(Empty::<Bytes>::new())
        .unwrap();
    let sent = tokio::time::timeout(Duration::from_secs(10), sender.send_request(request)).await;
    assert!(matches!(sent, Ok(Err(_))), "the connection is closed");
    assert_eq!(counters.made.load(SeqCst), 1);
    disposed(&counters, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_hanging_up_mid_response_closes_the_scope() {
    let (app, counters) = app().await;
    let addr = serve(routes(&app, Arc::default())).await;

    let (response, connection) = send(addr, "/endless").await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first, "unit 1\n");
    let tick = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(tick, "tick\n");
    assert_eq!(*counters.disposed.borrow(), 0, "still sending");

    drop(body);
    connection.abort();
    disposed(&counters, 1).await;

    // The server goes on serving, with new scopes.
    let reply = get_json(addr, "/twice").await;
    assert_eq!(reply["first"], 2);
    disposed(&counters, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scope_extractor_works_with_any_state() {
    let (app, counters) = app().await;
    let router = Router::new()
        .route(
            "/scope",
            get(|scope: RequestScope<App>| async move {
                let unit: Arc<Unit> = scope.resolve();
                let again: Arc<Unit> = scope.resolve();
                format!("{} {}", unit.id, Arc::ptr_eq(&unit, &again))
            }),
        )
        .layer(RequestScopeLayer::new(Arc::clone(&app)));
    let addr = serve(router).await;

    let (response, _) = send(addr, "/scope").await;
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "1 true");
    disposed(&counters, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_layer_the_extractor_is_a_500_that_says_so() {
    let (app, counters) = app().await;
    let router = Router::new()
        .route("/twice", get(twice))
        .with_state(Arc::clone(&app));
    let addr = serve(router).await;

    let (response, _) = send(addr, "/twice").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8(body.to_vec()).unwrap();
    assert!(
        body.starts_with(
            "no request scope of `di_axum::App`: add `.layer(RequestScopeLayer::new(container))`"
        ),
        "{body}"
    );
    assert_eq!(counters.made.load(SeqCst), 0);
}

/// A state of the service's own, naming the container for `Injected`.
#[derive(Clone)]
struct AppState {
    greeting: &'static str,
}

impl ContainerState for AppState {
    type Container = App;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_of_ones_own_names_the_container() {
    let (app, counters) = app().await;
    let router = Router::new()
        .route(
            "/hello",
            get(
                |State(state): State<AppState>,
                 Injected(unit): Injected<Arc<Unit>>,
                 Injected(stamp): Injected<Stamp>| async move {
                    assert!(Arc::ptr_eq(&unit, &stamp.unit));
                    format!("{} from unit {}", state.greeting, unit.id)
                },
            ),
        )
        .layer(RequestScopeLayer::new(app))
        .with_state(AppState { greeting: "hello" });
    let addr = serve(router).await;

    for request in 1..=2 {
        let (response, _) = send(addr, "/hello").await;
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, format!("hello from unit {request}"));
        disposed(&counters, request).await;
    }
}
