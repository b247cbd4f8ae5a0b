use axum::extract::FromRequestParts;
use std::sync::Arc;
use unokit::di::axum::{Injected, RequestScopeLayer};
use unokit::{container, injectable};

#[injectable(singleton, default)]
#[derive(Default)]
struct Config;

#[injectable(singleton, default)]
#[derive(Default)]
struct Unlisted;

#[container(Config)]
struct App;

fn extracts<T: FromRequestParts<S>, S: Send + Sync>() {}

fn layer(app: Arc<Arc<App>>) {
    // The layer takes the container type, not an `Arc` of it.
    let _ = RequestScopeLayer::new(app);
}

fn main() {
    // A router state that names no container.
    extracts::<Injected<Arc<Config>>, ()>();
    // A service the container does not list.
    extracts::<Injected<Arc<Unlisted>>, Arc<App>>();
}
