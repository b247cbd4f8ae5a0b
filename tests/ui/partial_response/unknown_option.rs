use unokit::partial_response;

#[partial_response(strict)]
#[derive(serde::Serialize)]
struct UserOut {
    #[partial(lef)]
    id: u64,
    #[partial(column = "a", no_column)]
    name: String,
}

fn main() {}
