// A factory returning a type of another crate: the orphan rule forbids
// implementing the runtime's traits for it, so the macro says what to do
// instead of leaving rustc's E0117/E0210.
use std::sync::Arc;
use unokit::{container, injectable};

#[injectable(singleton)]
fn bytes() -> bytes::Bytes {
    bytes::Bytes::from_static(b"shop")
}

#[injectable(singleton)]
fn names() -> Vec<String> {
    Vec::new()
}

#[injectable(singleton)]
fn started() -> std::time::Instant {
    std::time::Instant::now()
}

/// The fix: a struct of this crate around it.
pub struct Started(pub std::time::Instant);

#[injectable(singleton)]
fn started_wrapped() -> Started {
    Started(std::time::Instant::now())
}

#[injectable(singleton)]
struct Uses {
    started: Arc<Started>,
}

#[container(Started, Uses)]
struct App;

fn main() {}
