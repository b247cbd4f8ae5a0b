use std::sync::Arc;
use unokit::{container, injectable};

#[injectable(singleton, eager, factory = async Config::load)]
struct Config {
    name: String,
}
impl Config {
    async fn load() -> Result<Self, std::io::Error> {
        Ok(Self { name: "app".into() })
    }
}

#[injectable(singleton)]
struct Db {
    config: Arc<Config>,
}

#[injectable(scoped)]
struct Uow {
    db: Arc<Db>,
    #[inject(default)]
    log: std::sync::Mutex<Vec<String>>,
}

#[injectable(transient)]
struct Handler {
    uow: Arc<Uow>,
    config: Arc<Config>,
}

trait Repo: Send + Sync {
    fn find(&self) -> &'static str;
}
#[injectable(singleton)]
struct PgRepo;
impl Repo for PgRepo {
    fn find(&self) -> &'static str {
        "pg"
    }
}

#[container(Config, Db, Uow, Handler, dyn Repo = PgRepo)]
pub struct App;

#[tokio::test]
async fn smoke() {
    let app = App::build().await.unwrap();
    assert_eq!(app.resolve_ref::<Config>().name, "app");
    let scope = app.scope();
    let h: Handler = scope.resolve();
    h.uow.log.lock().unwrap().push("x".into());
    assert!(Arc::ptr_eq(&h.config, &h.uow.db.config));
    let repo: Arc<dyn Repo> = scope.resolve();
    assert_eq!(repo.find(), "pg");
    scope.close().await;
}
