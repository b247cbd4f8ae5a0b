#[container(Config, UnitOfWork, dyn Repo = PgRepo)]
pub struct App;
