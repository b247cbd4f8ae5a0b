#[partial_response]
#[derive(Serialize)]
#[garde(allow_unvalidated)]
struct UserOut {
    #[garde(range(min = 1))]
    id: u64,
    #[serde(rename = "displayName")]
    #[garde(length(chars, min = 1, max = 40), ascii)]
    name: String,
    #[garde(custom(check_email), pattern("^[^@]+@"))]
    email: String,
    note: String,
    #[garde(skip)]
    secret: String,
    #[garde(dive, length(max = 10))]
    posts: Vec<PostOut>,
}
