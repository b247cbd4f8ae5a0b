use unokit::{Model, Sort};

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
}

#[derive(Sort)]
#[sort(model = Post)]
struct PostSort {
    column: String,
}

fn main() {}
