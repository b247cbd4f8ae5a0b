// After an error in #[container], code that uses the container, its scope and
// its builder reports nothing more: the fallback emits the struct and stubs of
// `App`'s, `AppScope`'s and `AppBuilder`'s methods beside the one real error.
use std::sync::Arc;
use unokit::{container, injectable};

trait Repo: Send + Sync {}

#[injectable(singleton)]
struct Config;

#[injectable(singleton)]
struct PgRepo;
impl Repo for PgRepo {}

#[container(Config, Config, dyn Repo = PgRepo)]
pub struct App;

async fn run() -> Result<u64, unokit::di::BuildError> {
    let app: Arc<App> = App::builder()
        .replace(Arc::new(Config))
        .replace_binding::<dyn Repo>(Arc::new(PgRepo))
        .scope_pool(4)
        .build()
        .await?;
    let _config: Arc<Config> = app.resolve();
    let _borrowed: &Config = app.resolve_ref();
    let scope: AppScope = app.scope();
    let _repo: Arc<dyn Repo> = scope.resolve();
    let _same: &Config = scope.resolve_ref::<Config>();
    let _root: &Arc<App> = scope.container();
    scope.close().await;
    let created = app.scope_stats().created;
    app.close().await;
    let _again: Arc<App> = App::build().await?;
    let _builder: AppBuilder = App::builder();
    Ok(created)
}

fn main() {
    let _ = run;
}
