// After an error in #[injectable], the services and the container that use the
// service report nothing more: the fallback emits the item and stub impls
// beside the one real error, for a struct and for a factory function alike.
use std::sync::Arc;
use unokit::{container, injectable};

#[injectable(singelton)]
struct Config {
    #[inject(default)]
    name: String,
}

struct Db {
    url: String,
}

#[injectable(singleton)]
async fn connect(config: Arc<Config>) -> Db {
    Db {
        url: config.name.clone(),
    }
}

#[injectable(scoped)]
struct Orders {
    config: Arc<Config>,
    db: Arc<Db>,
}

#[injectable(transient)]
struct Handler {
    orders: Arc<Orders>,
}

#[container(Config, Db, Orders, Handler)]
struct App;

async fn handle(app: &Arc<App>) -> usize {
    let config: Arc<Config> = app.resolve();
    let scope = app.scope();
    let handler: Handler = scope.resolve();
    config.name.len() + handler.orders.db.url.len() + scope.resolve_ref::<Orders>().config.name.len()
}

fn main() {
    let _ = handle;
}
