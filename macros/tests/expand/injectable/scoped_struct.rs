#[injectable(scoped, dispose)]
struct UnitOfWork {
    db: Arc<Db>,
    #[inject(default)]
    changes: Mutex<Vec<String>>,
}
