use unokit::Model;

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
    body: String,
}

/// Selects only some columns of `Post`: a misspelt field is a compile error.
#[derive(Model, Clone)]
#[model(table = "posts", partial_of = Post)]
struct PostTitle {
    #[model(primary_key)]
    id: i64,
    titel: String,
}

fn main() {}
