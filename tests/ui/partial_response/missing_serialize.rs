use unokit::partial_response;

#[partial_response]
struct UserOut {
    id: u64,
}

fn main() {}
