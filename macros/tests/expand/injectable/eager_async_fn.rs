#[injectable(singleton, eager)]
async fn connect(config: Arc<Config>) -> Result<Db, Error> {
    Db::open(&config.url).await
}
