use std::sync::Arc;
use unokit::{container, injectable};

#[injectable(scoped)]
struct UnitOfWork;

#[container(UnitOfWork)]
struct App;

fn main() {
    // Only singletons can be replaced by an instance.
    let _ = App::builder().replace(Arc::new(UnitOfWork));
}
