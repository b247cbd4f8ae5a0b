use unokit::partial_response;

#[partial_response]
#[derive(serde::Serialize)]
enum Status {
    Active,
    Banned { reason: String },
}

fn main() {}
