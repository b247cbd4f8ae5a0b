use unokit::Model;
use unokit::db::{Related, Session};

#[derive(Model, Clone)]
#[model(table = "files")]
struct File {
    #[model(primary_key)]
    id: i64,
    owner_id: i64,
    // Bytes have no JSON form: a nested load cannot read them.
    contents: Vec<u8>,
}

#[derive(Model, Clone)]
#[model(table = "owners")]
struct Owner {
    #[model(primary_key)]
    id: i64,
    #[model(has_many(File, foreign_key = owner_id))]
    files: Related<Vec<File>>,
}

async fn owners(session: &Session<unokit::db::sqlx::Sqlite>) {
    // Per-hop loading reads them: fine.
    let _ = session.query::<Owner>().include(Owner::FILES).all().await;
    let _ = session.query::<Owner>().include(Owner::FILES).nested().all().await;
}

fn main() {
    let _ = owners;
}
