use std::sync::Arc;
use unokit::{container, injectable};

#[injectable(scoped)]
struct UnitOfWork;

#[injectable(transient)]
struct Clock;

// A singleton outlives every scope: holding one scope's UnitOfWork is a bug.
#[injectable(singleton)]
struct Cache {
    uow: Arc<UnitOfWork>,
}

#[injectable(singleton, eager)]
struct Metrics {
    clock: Clock,
}

#[container(UnitOfWork, Clock, Cache, Metrics)]
struct App;

fn main() {}
