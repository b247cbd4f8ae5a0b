// garde's bounds are `min`, `max` and `equal`.
use unokit::partial_response;

#[partial_response]
#[derive(serde::Serialize)]
struct Item {
    #[garde(length(least = 1))]
    name: String,
}

fn main() {}
