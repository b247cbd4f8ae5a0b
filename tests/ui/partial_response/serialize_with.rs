use unokit::partial_response;

#[partial_response]
#[derive(serde::Serialize)]
#[serde(transparent)]
struct Wrapper {
    #[serde(serialize_with = "as_text")]
    id: u64,
}

fn as_text<S: serde::Serializer>(id: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&id.to_string())
}

fn main() {}
