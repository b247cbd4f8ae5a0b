//! A real HTTP/1.1 server on 127.0.0.1 and a real client (hyper's), each
//! request under a deadline.

use axum::Router;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;

/// No request of these tests takes longer.
const DEADLINE: Duration = Duration::from_secs(20);

/// Starts `app` on an ephemeral port of 127.0.0.1.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Result<Bytes, hyper::Error>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(self.body.as_ref().unwrap()).unwrap()
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.as_ref().unwrap().to_vec()).unwrap()
    }

    /// The `x-cache` header, or `""` without one.
    pub fn cache(&self) -> &str {
        self.headers
            .get("x-cache")
            .map_or("", |value| value.to_str().unwrap())
    }
}

/// One request on a fresh connection, or `None` when the server closed it
/// without a response.
pub async fn try_get(
    addr: SocketAddr,
    path: &str,
    headers: Vec<(HeaderName, HeaderValue)>,
) -> Option<Reply> {
    let exchange = async {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        let mut request = http::Request::get(path).header(header::HOST, "127.0.0.1");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = sender
            .send_request(request.body(Empty::<Bytes>::new()).unwrap())
            .await
            .ok()?;
        let (parts, body) = response.into_parts();
        Some(Reply {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.map(|body| body.to_bytes()),
        })
    };
    tokio::time::timeout(DEADLINE, exchange)
        .await
        .expect("the server answers within the deadline")
}

/// One request on a fresh connection, with raw header values.
pub async fn get_raw(
    addr: SocketAddr,
    path: &str,
    headers: Vec<(HeaderName, HeaderValue)>,
) -> Reply {
    try_get(addr, path, headers)
        .await
        .expect("a response, not a closed connection")
}

/// One request on a fresh connection.
pub async fn get_with(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Reply {
    let headers = headers
        .iter()
        .map(|(name, value)| {
            (
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            )
        })
        .collect();
    get_raw(addr, path, headers).await
}

pub async fn fetch(addr: SocketAddr, path: &str) -> Reply {
    get_with(addr, path, &[]).await
}
