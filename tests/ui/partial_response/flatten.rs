use unokit::partial_response;

#[partial_response]
#[derive(serde::Serialize)]
struct UserOut {
    id: u64,
    #[serde(flatten)]
    address: Address,
}

#[partial_response]
#[derive(serde::Serialize)]
struct Address {
    city: String,
}

fn main() {}
