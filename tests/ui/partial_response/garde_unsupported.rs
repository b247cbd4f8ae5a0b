// A garde rule that cannot run one selected field at a time (`inner`,
// `matches`) or a struct-level rule: each is an error that says what to do.
use unokit::partial_response;

#[partial_response]
#[derive(serde::Serialize)]
#[garde(context(Limits))]
struct Signup {
    #[garde(inner(length(min = 1)))]
    tags: Vec<String>,
    #[garde(length(min = 8))]
    password: String,
    #[garde(matches(password))]
    confirm: String,
}

struct Limits;

fn main() {}
