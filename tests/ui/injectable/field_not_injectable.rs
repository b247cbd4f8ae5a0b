use std::sync::Arc;
use unokit::{container, injectable};

#[injectable(singleton)]
struct Config;

#[injectable(scoped)]
struct Counter {
    config: Arc<Config>,
    count: u32,
}

#[container(Config, Counter)]
struct App;

fn main() {}
