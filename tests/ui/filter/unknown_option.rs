use unokit::{Filter, Model};

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
    deleted_at: Option<i64>,
}

#[derive(Filter)]
#[filter(model = Post, table = "posts")]
struct PostFilter {
    #[filter(colum = "title")]
    name: Option<String>,
}

fn main() {}
