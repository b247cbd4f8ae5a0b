// After an error in #[partial_response], code that serializes the struct under
// a selection, generically or not, reports nothing more: the fallback emits the
// struct and stub impls beside the one real error.
use unokit::partial_response;
use unokit::select::{Selectable, Selection};

#[partial_response]
#[derive(serde::Serialize)]
struct PostOut {
    title: String,
}

#[partial_response]
#[derive(serde::Serialize)]
struct UserOut {
    id: u64,
    #[partial(lef)]
    name: String,
    posts: Vec<PostOut>,
}

fn to_json<T: Selectable<Root = T>>(value: &T, selection: &Selection<T>) -> String {
    serde_json::to_string(&value.select(selection)).unwrap()
}

fn main() {
    let selection = Selection::<UserOut>::parse("id,posts/title").unwrap();
    let user = UserOut { id: 1, name: "Ada".into(), posts: Vec::new() };
    let _ = to_json(&user, &selection);
    let _ = selection.columns();
    let _ = serde_json::to_string(&vec![user].select(&selection));
}
