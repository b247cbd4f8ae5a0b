use unokit::partial_response;

#[derive(serde::Serialize)]
struct Money {
    cents: i64,
}

#[partial_response]
#[derive(serde::Serialize)]
struct Invoice {
    id: u64,
    total: Money,
}

fn main() {}
