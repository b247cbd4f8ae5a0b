#[partial_response]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserOut<T> {
    id: u64,
    display_name: String,
    #[serde(skip)]
    password_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    bio: Option<String>,
    #[partial(leaf, column = "created")]
    created_at: Timestamp,
    #[partial(no_column)]
    posts: Vec<T>,
}
