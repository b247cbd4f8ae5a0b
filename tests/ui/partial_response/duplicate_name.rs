use unokit::partial_response;

#[partial_response]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct UserOut {
    user_id: u64,
    #[serde(rename = "userId")]
    id: u64,
}

fn main() {}
