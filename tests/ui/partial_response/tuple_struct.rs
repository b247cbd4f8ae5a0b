use unokit::partial_response;

#[partial_response]
#[derive(serde::Serialize)]
struct Pair(u64, String);

fn main() {}
