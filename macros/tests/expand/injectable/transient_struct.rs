#[injectable(transient)]
struct Handler {
    uow: Arc<UnitOfWork>,
    repo: Arc<dyn Repo>,
}
