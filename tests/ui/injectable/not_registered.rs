use std::sync::Arc;
use unokit::{container, injectable};

#[injectable(singleton)]
struct Db;

#[injectable(scoped)]
struct Orders {
    db: Arc<Db>,
}

// `Db` is missing from the list.
#[container(Orders)]
struct App;

fn main() {}
