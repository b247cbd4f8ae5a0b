use unokit::db::{Engine, ModelRow, Session};
use unokit::select::{Selectable, Selection};

// A helper generic over the model must ask for `SelectModel<DB>` too:
// `where M: SelectModel<DB> + Selectable<Root = M>`.
#[allow(dead_code)]
async fn listed<M, DB>(session: &Session<DB>, selection: &Selection<M>)
where
    M: ModelRow<DB> + Selectable<Root = M>,
    DB: Engine,
{
    let _ = session.query::<M>().select(selection);
}

fn main() {}
