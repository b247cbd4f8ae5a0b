use unokit::db::Session;
use unokit::select::Selection;
use unokit::{Model, partial_response};

#[partial_response]
#[derive(Model, serde::Serialize, Clone)]
#[model(table = "counters")]
struct Counter {
    #[model(primary_key)]
    id: i64,
    // SQLite decodes a `u64` but cannot bind one.
    hits: u64,
}

async fn counters(session: &Session<unokit::db::sqlx::Sqlite>, selection: &Selection<Counter>) {
    let _ = session.query::<Counter>().select(selection).all().await;
}

fn main() {
    let _ = counters;
}
